from django import template

from manifesto import french

register = template.Library()


@register.filter
def de(name) -> str:
    """ « de Paul », « d'Inès » (manifesto.french.de), in the page's language ("by Inès")."""
    return french.de(str(name))
