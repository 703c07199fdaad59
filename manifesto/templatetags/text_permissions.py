"""The permission predicates of manifesto.permissions, for templates: {% if user|can_edit_text:manifesto %}."""

from django import template

from manifesto import permissions

register = template.Library()


@register.filter
def can_edit_text(user, manifesto) -> bool:
    return permissions.can_edit_text(user, manifesto)


@register.filter
def can_freeze_version(user, manifesto) -> bool:
    return permissions.can_freeze_version(user, manifesto)


@register.filter
def is_organiser(user, manifesto) -> bool:
    return permissions.is_organiser(user, manifesto)


@register.simple_tag(takes_context=True)
def extra_nav_links(context, manifesto):
    """The links other apps add to the manifesto's navigation (manifesto.extensions.nav_link)."""
    from manifesto import extensions

    return extensions.nav_links(context.get("request"), manifesto)
