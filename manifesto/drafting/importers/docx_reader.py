"""DOCX through python-docx: Title and Heading N styles, list paragraphs, other paragraphs.

python-docx parses every part with `resolve_entities=False`; checks.py has already refused any
part that declares a DTD, macros, encryption, and archives that unpack too large.
"""

import io
import re

import docx

from manifesto.drafting.outline import Block

HEADING_STYLE = re.compile(r"^heading\s+(\d)$", re.IGNORECASE)
# Word's numbered and bulleted paragraphs carry numbering properties, or a "List …" style.
NUMBERING = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}numPr"


def _style_names(paragraph) -> list[str]:
    """The paragraph's style and the styles it is based on: a custom "Partie" style based on Heading 1 is a heading."""
    names, style = [], paragraph.style
    while style is not None and len(names) < 10:
        names.append(style.name or "")
        style = style.base_style
    return names


def _block(paragraph) -> Block | None:
    text = paragraph.text
    names = _style_names(paragraph)
    for name in names:
        if name.lower() == "title":
            return Block("title", text)
        if name.lower() == "subtitle":
            return None
        match = HEADING_STYLE.match(name)
        if match:
            return Block("heading", text, int(match.group(1)))
    properties = paragraph._p.pPr
    listed = properties is not None and properties.find(NUMBERING) is not None
    if listed or any(name.lower().startswith("list") for name in names):
        return Block("item", text)
    return Block("paragraph", text)


def blocks(data: bytes) -> list[Block]:
    document = docx.Document(io.BytesIO(data))
    return [block for block in map(_block, document.paragraphs) if block is not None]
