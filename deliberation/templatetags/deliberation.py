from django import template
from django.utils.html import json_script

from deliberation.words import js_words

register = template.Library()


@register.simple_tag
def deliberation_words():
    """The translated words of deliberation.js, as <script type="application/json" id="deliberation-words">."""
    return json_script(js_words(), "deliberation-words")
