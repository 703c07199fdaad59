"""A version of the text (or the current one) as an OpenDocument text (ODT), structure kept.

odfdo writes the document: headings carry their outline level (Heading 1 the title, 2 the parts,
3 the articles), so a word processor shows the plan and can build a table of contents. Line
numbers stay with the PDF: a word processor counts its own lines with its own fonts.
"""

import io
import re

from odfdo import Document, Header, Paragraph

# Characters XML 1.0 cannot hold (they never belong in a clause; dropped rather than refused).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _heading(level: int, text: str) -> Header:
    return Header(level, _clean(text), style=f"Heading_20_{level}")


def _paragraphs(text: str):
    for line in text.split("\n"):
        if line.strip():
            yield Paragraph(_clean(line.strip()), style="Text_20_body")


def odt(content: dict, *, heading: str = "", fingerprint: str = "") -> bytes:
    document = Document("text")
    document.meta.title = _clean(content["title"])
    body = document.body
    body.clear()
    body.append(_heading(1, content["title"]))
    if heading:
        body.append(Paragraph(_clean(heading), style="Text_20_body"))
    if fingerprint:
        body.append(Paragraph(f"SHA-256 : {fingerprint}", style="Text_20_body"))
    if content.get("preamble"):
        for paragraph in _paragraphs(content["preamble"]):
            body.append(paragraph)
    for section in content["sections"]:
        body.append(_heading(2, section["title"]))
        for clause in section["clauses"]:
            body.append(_heading(3, f"Article {clause['number']}"))
            for paragraph in _paragraphs(clause["text"]):
                body.append(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
