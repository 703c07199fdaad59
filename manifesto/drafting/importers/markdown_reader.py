"""Markdown (and the typed draft) through markdown-it-py's CommonMark parser, raw HTML off."""

from markdown_it import MarkdownIt

from manifesto.drafting.outline import Block

_parser = MarkdownIt("commonmark", {"html": False})


def _inline_text(token) -> str:
    words = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type == "softbreak":
            words.append(" ")  # a wrapped line of the same paragraph
        elif child.type == "hardbreak":
            words.append("\n")
        elif child.type == "image":
            words.append(_inline_text(child))
    return "".join(words)


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    item_depth = 0
    item_lines: list[str] = []
    tokens = _parser.parse(text)
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            item_depth += 1
        elif token.type == "list_item_close":
            item_depth -= 1
            if item_depth == 0:
                found.append(Block("item", "\n".join(item_lines)))
                item_lines = []
        elif token.type == "inline":
            opener = tokens[index - 1]
            text_of = _inline_text(token)
            if item_depth:
                item_lines.append(text_of)
            elif opener.type == "heading_open":
                found.append(Block("heading", text_of, int(opener.tag[1:])))
            else:
                found.append(Block("paragraph", text_of))
        elif token.type in ("fence", "code_block"):
            if item_depth:
                item_lines.append(token.content)
            else:
                found.append(Block("paragraph", token.content))
    return found
