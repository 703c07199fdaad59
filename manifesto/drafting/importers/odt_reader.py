"""ODT through odfdo: text:h headings (with their outline level), Title paragraphs, lists, paragraphs.

checks.py has already refused encrypted files, macros (Basic/, Scripts/), any part that
declares a DTD, and archives that unpack too large, before odfdo parses anything.
"""

import io

from odfdo import Document

from manifesto.bounded import parse_int
from manifesto.drafting.outline import Block

TEXT = "text:"


def _text(element) -> str:
    return element.text_recursive or ""


def _parents(document) -> dict[str, str]:
    """Automatic paragraph styles ("P1") and the named style they derive from ("Title")."""
    parents = {}
    for style in document.content.get_elements("//office:automatic-styles/style:style"):
        name, parent = style.get_attribute("style:name"), style.get_attribute("style:parent-style-name")
        if name and parent:
            parents[name] = parent
    return parents


def _walk(element, parents, found: list[Block]) -> None:
    for child in element.children:
        tag = child.tag
        if tag == "text:h":
            level = child.get_attribute("text:outline-level")
            found.append(Block("heading", _text(child), parse_int(str(level or ""), default=1)))
        elif tag == "text:p":
            style = child.get_attribute("text:style-name") or ""
            style = parents.get(style, style)
            if style == "Title":
                found.append(Block("title", _text(child)))
            elif style != "Subtitle":
                found.append(Block("paragraph", _text(child)))
        elif tag == "text:list":
            for item in child.children:
                if item.tag == "text:list-item":
                    found.append(Block("item", _text(item)))
        elif tag == "text:section":
            _walk(child, parents, found)


def blocks(data: bytes) -> list[Block]:
    document = Document(io.BytesIO(data))
    found: list[Block] = []
    _walk(document.body, _parents(document), found)
    return found
