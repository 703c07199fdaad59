from django import template

register = template.Library()

# First strong isolate … pop directional isolate: what <bdi> does in a browser, as characters,
# so that WeasyPrint (which ignores `unicode-bidi: isolate`) keeps a name's right-to-left
# override inside the name instead of reversing the rest of the line.
FSI, PDI = "\u2068", "\u2069"


@register.filter(is_safe=True)
def isolated(value) -> str:
    """The text between bidirectional isolates (escaped by the template as usual)."""
    return f"{FSI}{value}{PDI}" if value not in (None, "") else ""
