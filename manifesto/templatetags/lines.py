"""Render a clause (or the preamble) cut into its numbered lines.

The numbers are real elements, hidden by the stylesheet until the reader asks for them (the
`lines-on` class on an ancestor), so the same markup serves plain reading, the numbered
reading and print; a screen reader skips them (aria-hidden) and reads the prose.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from manifesto.lines import NumberedBlock, format_range

register = template.Library()


def render_block(block: NumberedBlock) -> str:
    paragraphs = []
    for paragraph in block.paragraphs():
        inner = format_html_join(
            " ",
            '<span class="line"><span class="ln" aria-hidden="true">{}</span>{}</span>',
            ((line.number, line.text) for line in paragraph),
        )
        paragraphs.append(format_html("<p>{}</p>", inner))
    return mark_safe("".join(paragraphs))


@register.simple_tag
def numbered_clause(numbering, number):
    return render_block(numbering.clause(number))


@register.simple_tag
def numbered_preamble(numbering):
    return render_block(numbering.preamble)


@register.simple_tag
def clause_line_range(numbering, number):
    """ "l. 12–14" for a clause, or "" if it has no line."""
    block = numbering.clause(number)
    if block.first is None:
        return ""
    return format_range(block.first, block.last)
