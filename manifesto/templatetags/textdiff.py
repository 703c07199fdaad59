from django import template

from manifesto.diff import render_diff

register = template.Library()


@register.simple_tag
def word_diff(old, new):
    """{% word_diff old new %}: the escaped word-level diff of two texts."""
    return render_diff(old or "", new or "")
