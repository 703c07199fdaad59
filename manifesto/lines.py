"""Stable line numbers: "l. 42" means the same words to everyone reading the same version.

The text is cut into lines of at most `line_length` characters, word by word (a word longer
than a line is cut), each paragraph of a clause starting a new line. Numbering runs through
the whole text: the preamble first, then every clause in reading order; titles of sections
and the "Article N" headings are not numbered (congress practice: only the text is quoted).

The numbering depends only on the text's content and the line length, never on a screen or a
font, so the reading page, the amendments, the projector and the PDFs all agree. A frozen
version records its line length in its content (`content["line_length"]`), so changing the
default later never renumbers a version already quoted; the current text uses the default.

This module is pure (no database): callers pass the structured content of `services.snapshot`
or of a frozen `ManifestoVersion.content`.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass, field

# Long enough for a sentence, short enough to print on A4 with the number in the margin.
LINE_LENGTH = 80


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    start: int  # offset of the line's first character in its clause (or preamble) text
    end: int  # offset just past its last character
    paragraph_start: bool  # first line of a paragraph


@dataclass
class NumberedBlock:
    """The preamble or one clause, cut into numbered lines."""

    lines: list[Line] = field(default_factory=list)

    @property
    def first(self) -> int | None:
        return self.lines[0].number if self.lines else None

    @property
    def last(self) -> int | None:
        return self.lines[-1].number if self.lines else None

    def paragraphs(self) -> list[list[Line]]:
        result: list[list[Line]] = []
        for line in self.lines:
            if line.paragraph_start or not result:
                result.append([])
            result[-1].append(line)
        return result

    def lines_touching(self, start: int, end: int) -> tuple[int, int] | None:
        """First and last line numbers covering the characters [start, end) of the text.

        An empty range (a pure insertion) is the line where it happens.
        """
        if not self.lines:
            return None
        starts = [line.start for line in self.lines]
        first = max(bisect.bisect_right(starts, start) - 1, 0)
        last = max(bisect.bisect_right(starts, max(end - 1, start)) - 1, first)
        return self.lines[first].number, self.lines[last].number


@dataclass
class NumberedText:
    line_length: int
    preamble: NumberedBlock
    clauses: dict[int, NumberedBlock]  # by clause number
    total: int

    def clause(self, number: int) -> NumberedBlock:
        return self.clauses.get(number) or NumberedBlock()


def wrap(text: str, *, line_length: int = LINE_LENGTH, first_number: int = 1) -> NumberedBlock:
    """Cut `text` into numbered lines; each non-empty line of the source starts a paragraph."""
    block = NumberedBlock()
    number = first_number
    offset = 0
    for raw in text.split("\n"):
        for start, end, paragraph_start in _wrap_paragraph(raw, offset, line_length):
            block.lines.append(Line(number, text[start:end], start, end, paragraph_start))
            number += 1
        offset += len(raw) + 1
    return block


def _wrap_paragraph(raw: str, offset: int, line_length: int):
    """Greedy word wrap of one paragraph, as (start, end, paragraph_start) offsets."""
    words = []  # (start, end) of each word, in the paragraph's text
    position = 0
    for token in raw.split():
        start = raw.index(token, position)
        position = start + len(token)
        # A word longer than a line is cut so no line is ever longer than the limit.
        for piece in range(start, position, line_length):
            words.append((piece, min(piece + line_length, position)))
    line_start = line_end = None
    first = True
    for start, end in words:
        if line_start is None:
            line_start, line_end = start, end
        elif end - line_start <= line_length:
            line_end = end
        else:
            yield offset + line_start, offset + line_end, first
            first = False
            line_start, line_end = start, end
    if line_start is not None:
        yield offset + line_start, offset + line_end, first


def number_content(content: dict) -> NumberedText:
    """Number a whole text (the shape of `services.snapshot` or of a frozen version)."""
    line_length = int(content.get("line_length") or LINE_LENGTH)
    preamble = wrap(content.get("preamble") or "", line_length=line_length)
    next_number = (preamble.last or 0) + 1
    clauses = {}
    for section in content["sections"]:
        for clause in section["clauses"]:
            block = wrap(clause["text"], line_length=line_length, first_number=next_number)
            clauses[clause["number"]] = block
            next_number = (block.last or next_number - 1) + 1
    return NumberedText(line_length=line_length, preamble=preamble, clauses=clauses, total=next_number - 1)


# ------------------------------------------------------------------------- citing a change


def changed_span(old: str, new: str) -> tuple[int, int]:
    """The characters of `old` that a change to `new` touches (common prefix and suffix kept)."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    # Widen to whole words, so "l. 12" never depends on where inside a word the change began.
    start = old.rfind(" ", 0, prefix) + 1
    end = len(old) - suffix
    space = old.find(" ", end)
    end = len(old) if space < 0 else space
    return start, max(end, start)


def map_offset(old: str, new: str, offset: int) -> int:
    """Where the character at `offset` of `old` now stands in `new` (nearest kept neighbour)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        if a <= offset < a + size:
            return b + (offset - a)
        if a > offset:
            return b
    return len(new)


def cited_lines(block: NumberedBlock, *, base_text: str, proposed_text: str, current_text: str) -> tuple[int, int] | None:
    """The lines of `block` (numbering of `current_text`) that a change from base to proposed touches.

    When the clause changed since the amendment was written, the touched span is carried over
    onto the current wording, so the citation stays on the same words.
    """
    start, end = changed_span(base_text, proposed_text)
    if current_text != base_text:
        start, end = map_offset(base_text, current_text, start), map_offset(base_text, current_text, end)
    return block.lines_touching(start, max(end, start))


def format_range(first: int, last: int) -> str:
    """ "l. 12" or "l. 12–14" (en dash), the congress style."""
    return f"l. {first}" if first == last else f"l. {first}–{last}"
