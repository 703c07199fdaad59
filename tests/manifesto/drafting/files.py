"""Draft files built by the tests themselves: real DOCX (python-docx) and ODT (odfdo), and
hostile ones made by hand from those (zip members added, replaced or forged)."""

import io
import zipfile

import docx
from odfdo import Document, Header, List, Paragraph

PARTS = ["Nos valeurs", "Nos propositions", "Nos engagements"]


def article_text(part: int, article: int) -> str:
    return f"Texte de l'article {part + 1}.{article + 1} : l'économie sociale et solidaire s'engage."


def docx_bytes(*, parts: int = 3, articles: int = 4, title: str | None = "Manifeste de l'agora", numbered: bool = False) -> bytes:
    """A DOCX with a Title paragraph, `parts` Heading 1 parts and `articles` paragraphs in each (3 × 4 = 12)."""
    document = docx.Document()
    if title:
        document.add_paragraph(title, style="Title")
    for part in range(parts):
        document.add_heading(PARTS[part % len(PARTS)] if part < len(PARTS) else f"Partie {part + 1}", level=1)
        for article in range(articles):
            style = "List Number" if numbered and article % 2 else None
            document.add_paragraph(article_text(part, article), style=style)
        document.add_paragraph("")  # empty paragraphs are not articles
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(*, with_title: bool = True) -> bytes:
    """An ODT with a Title paragraph, two headed parts, paragraphs and a list."""
    document = Document("text")
    body = document.body
    if with_title:
        body.append(Paragraph("Déclaration commune", style="Title"))
    body.append(Header(1, "Principes"))
    body.append(Paragraph("Premier principe de l'ESS."))
    body.append(Paragraph("Deuxième principe de l'ESS."))
    body.append(Header(1, "Propositions"))
    body.append(List(["Première proposition.", "Deuxième proposition."]))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None, drop: set[str] = frozenset()) -> bytes:
    """The same archive with members replaced, added or dropped."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename in drop:
                continue
            target.writestr(item.filename, replace.get(item.filename, source.read(item.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def ole_bytes() -> bytes:
    """What Word writes for a password-protected .docx: an OLE compound file, not a zip."""
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 2048
