"""Word-level diffs between two texts, rendered with <ins>/<del> and always escaped."""

import difflib
import hashlib
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A token is a word (letters, digits, apostrophes inside words) or a run of spaces or one other character.
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|\s+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


@dataclass(frozen=True)
class Chunk:
    op: str  # "equal", "insert" or "delete"
    text: str


def word_diff(old: str, new: str) -> list[Chunk]:
    """The chunks that turn `old` into `new`, word by word; a replacement is a delete then an insert.

    A run of spaces (or a lone punctuation-free separator) left equal between two changes is
    folded into them, so "le grand chat" → "la petite souris" reads as one deletion then one
    insertion rather than a staircase of del/ins pairs around each space.
    """
    a, b = tokenize(old), tokenize(new)
    # Spaces are junk to the matcher: a match can't start on a lone space, so words anchor it.
    matcher = difflib.SequenceMatcher(isjunk=str.isspace, a=a, b=b, autojunk=False)
    opcodes = matcher.get_opcodes()
    # Each region is either ("equal", text) or ("change", deleted, inserted).
    regions: list[list] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            text = "".join(a[i1:i2])
            between_changes = 0 < index < len(opcodes) - 1 and regions and regions[-1][0] == "change"
            if between_changes and text.isspace():
                regions[-1][1] += text
                regions[-1][2] += text
            else:
                regions.append(["equal", text])
            continue
        deleted = "".join(a[i1:i2]) if tag in ("delete", "replace") else ""
        inserted = "".join(b[j1:j2]) if tag in ("insert", "replace") else ""
        if regions and regions[-1][0] == "change":
            regions[-1][1] += deleted
            regions[-1][2] += inserted
        else:
            regions.append(["change", deleted, inserted])
    chunks: list[Chunk] = []
    for region in regions:
        if region[0] == "equal":
            chunks.append(Chunk("equal", region[1]))
            continue
        deleted, inserted = region[1], region[2]
        if deleted == inserted:  # only folded spaces: nothing changed here
            chunks.append(Chunk("equal", deleted))
            continue
        if deleted:
            chunks.append(Chunk("delete", deleted))
        if inserted:
            chunks.append(Chunk("insert", inserted))
    return chunks


def render_diff(old: str, new: str) -> SafeString:
    """HTML with <del> and <ins>; every piece of user text is escaped."""
    parts = []
    for chunk in word_diff(old, new):
        text = escape(chunk.text)
        if chunk.op == "insert":
            parts.append(f"<ins>{text}</ins>")
        elif chunk.op == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return mark_safe("".join(parts))


def has_changes(old: str, new: str) -> bool:
    return (old or "") != (new or "")


# Diffs are pure functions of their two texts, so they are cached under a hash of both: a
# history page re-renders the same revision pairs for every reader.
_DIFF_CACHE_SECONDS = 7 * 24 * 3600


def _diff_key(old: str, new: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(old.encode("utf-8"))
    digest.update(b"\x00")
    digest.update(new.encode("utf-8"))
    return "diff:v2:" + digest.hexdigest()


def render_diffs(pairs: list[tuple[str, str]]) -> list[SafeString]:
    """render_diff for many pairs, with one cache read and one cache write for the whole batch."""
    keys = [_diff_key(old or "", new or "") for old, new in pairs]
    found = cache.get_many(set(keys))
    missing = {}
    result = []
    for key, (old, new) in zip(keys, pairs):
        html = found.get(key)
        if html is None:
            html = missing.get(key) or str(render_diff(old or "", new or ""))
            missing[key] = html
        result.append(mark_safe(html))
    if missing:
        cache.set_many(missing, _DIFF_CACHE_SECONDS)
    return result
