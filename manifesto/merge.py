"""Word-level three-way merge of a clause's text, for amendments written against an older revision.

The texts are cut into the same tokens as the diff (words, runs of spaces, punctuation) and
merged token by token with `merge3`, as if each token were a line: two changes merge when an
unchanged token (at least a space) separates them, and conflict when they touch the same words
or insert at the same place. A conflict writes nothing; the three texts go to the facilitator.
"""

import difflib
from dataclasses import dataclass

import merge3

from manifesto.diff import tokenize


class _Matcher(difflib.SequenceMatcher):
    # difflib's "autojunk" ignores tokens that are frequent in long texts — spaces, commas,
    # "de" — which would misalign a French clause of more than 200 tokens.
    def __init__(self, isjunk=None, a="", b="", autojunk=False):
        super().__init__(isjunk, a, b, autojunk=False)


@dataclass(frozen=True)
class MergeResult:
    """Either `text` (clean merge) or a conflict between `base`, `current` and `proposed`."""

    base: str
    current: str
    proposed: str
    text: str | None

    @property
    def conflict(self) -> bool:
        return self.text is None

    @property
    def merged_with_other_changes(self) -> bool:
        """True when the result combines the proposal with changes made since its base."""
        return self.text is not None and self.current != self.base and self.proposed != self.base


def three_way_merge(*, base: str, current: str, proposed: str) -> MergeResult:
    """Merge `proposed` (written against `base`) into `current` (what `base` has become)."""
    if current == base or current == proposed:
        return MergeResult(base, current, proposed, proposed)
    if proposed == base:
        return MergeResult(base, current, proposed, current)
    merger = merge3.Merge3(tokenize(base), tokenize(current), tokenize(proposed), sequence_matcher=_Matcher)
    pieces: list[str] = []
    for group in merger.merge_groups():
        if group[0] == "conflict":
            return MergeResult(base, current, proposed, None)
        pieces.extend(group[1])
    return MergeResult(base, current, proposed, "".join(pieces))
