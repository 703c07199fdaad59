"""From a file's blocks (title, headings, paragraphs, list items) to parts and articles.

The importers only say what each block of the file is; this module holds the one set of rules
that turns them into a draft, so Markdown, DOCX, ODT and the typed draft behave alike
(docs/drafting.md, "How a file becomes parts and articles"):

- a heading is a part, except the text's title and "Article N" headings;
- the title is the title-styled paragraph (DOCX's Title style, ODT's Title paragraph style), or
  else the only level-1 heading when level-2 headings exist;
- each paragraph and each list item is an article;
- after an "Article N" heading, everything up to the next heading is that one article.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _lazy

from manifesto.drafting.structure import Draft, Part, checked, clean_line
from manifesto.services import in_site_language

ARTICLE_HEADING = re.compile(
    r"^\s*(?:article|art\.)\s+(?:\d+|premier|1er|[ivxlc]+)\b\s*[.:)—–-]?\s*(?P<rest>.*)$", re.IGNORECASE
)


@dataclass(frozen=True)
class Block:
    kind: str  # "title" | "heading" | "paragraph" | "item"
    text: str
    level: int = 0


def untitled_part() -> str:
    # Stored in the site's language, as every record is (manifesto.services.in_site_language).
    return in_site_language(_lazy("Partie sans titre"))


def _title_heading(blocks: list[Block]) -> Block | None:
    if any(block.kind == "title" for block in blocks):
        return next(block for block in blocks if block.kind == "title")
    # "Article N" headings are articles, not a level of the outline.
    headings = [b for b in blocks if b.kind == "heading" and not ARTICLE_HEADING.match(b.text)]
    top = [b for b in headings if b.level == 1]
    if len(top) == 1 and any(b.level == 2 for b in headings):
        return top[0]
    return None


def build(blocks: list[Block]) -> Draft:
    """The draft the blocks describe, checked against the limits (DraftError otherwise)."""
    blocks = [Block(b.kind, clean_line(b.text), b.level) for b in blocks]
    blocks = [b for b in blocks if b.text]
    title_block = _title_heading(blocks)
    parts: list[Part] = []
    article: list[str] | None = None  # the lines of the article an "Article N" heading opened

    def current_part() -> Part:
        if not parts:
            parts.append(Part(untitled_part()))
        return parts[-1]

    def close_article() -> None:
        nonlocal article
        if article:
            current_part().articles.append("\n\n".join(article))
        article = None

    for index, block in enumerate(blocks):
        previous = blocks[index - 1] if index else None
        if block is title_block or block.kind == "title":
            continue
        if block.kind == "heading":
            close_article()
            match = ARTICLE_HEADING.match(block.text)
            if match:
                article = [match.group("rest")] if match.group("rest") else []
            else:
                parts.append(Part(block.text))
        elif article is not None:
            if block.kind == "item" and article and previous is not None and previous.kind == "item":
                article[-1] += f"\n- {block.text}"  # one list stays one paragraph of the article
            else:
                article.append(f"- {block.text}" if block.kind == "item" else block.text)
        else:
            current_part().articles.append(block.text)
    close_article()
    draft = Draft(parts=parts, title=title_block.text if title_block else "")
    return checked(draft)
