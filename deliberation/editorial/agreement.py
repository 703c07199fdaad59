"""Agreement across the movement: how a proposal fares in each ESS family. Pure functions.

The cross-family score of a proposal is the **lowest share of *pour*** among the ESS families
that have at least MIN_VOICES voices on it, where a family's share of *pour* is
pour / (pour + contre + abstention) of the participants who declared that family. It is
defined only when at least MIN_FAMILIES families have enough voices; otherwise the desk says
there are too few. It answers "does this unite associations, coops and mutuals?" rather than
"which group mobilised most": a proposal carried 40–0 by one family and opposed by another
scores low. Participants who declared no family are counted in the totals, not in the score.
docs/process.md says how to read it and its limits.
"""

from dataclasses import dataclass

MIN_VOICES = 3  # voices a family needs before its share counts
MIN_FAMILIES = 2  # families with enough voices before there is a score
VALUES = ("pour", "contre", "abstention")


def empty() -> dict:
    return {value: 0 for value in VALUES}


def add(into: dict, tally: dict) -> dict:
    for value in VALUES:
        into[value] = into.get(value, 0) + int(tally.get(value, 0))
    return into


def merge_breakdowns(breakdowns: list[dict]) -> dict:
    """{key: tally} summed over several breakdowns (the members of a duplicate group)."""
    merged: dict[str, dict] = {}
    for breakdown in breakdowns:
        for key, tally in breakdown.items():
            add(merged.setdefault(key, empty()), tally)
    return merged


def voices(tally: dict) -> int:
    return sum(int(tally.get(value, 0)) for value in VALUES)


@dataclass(frozen=True)
class FamilyShare:
    family: str
    pour: int
    voices: int

    @property
    def share(self) -> float:
        return self.pour / self.voices if self.voices else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def label(self) -> str:
        from manifesto.models import EssFamily

        return str(EssFamily(self.family).label) if self.family in EssFamily.values else self.family


@dataclass(frozen=True)
class Agreement:
    """The score (None when too few families have enough voices) and what it was computed from."""

    score: float | None
    lowest: FamilyShare | None  # the family that sets the score
    counted: list[FamilyShare]  # the families with enough voices, lowest share first
    too_few: list[FamilyShare]  # the families heard but with fewer than MIN_VOICES voices
    total_voices: int

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(100 * self.score)

    @property
    def sample(self) -> int:
        """The voices behind the score: those of the families counted."""
        return sum(f.voices for f in self.counted)


def cross_family(by_family: dict, *, min_voices: int = MIN_VOICES, min_families: int = MIN_FAMILIES) -> Agreement:
    """The cross-family agreement of one proposal from its {family: tally} ("" = undeclared)."""
    shares = [
        FamilyShare(family, int(tally.get("pour", 0)), voices(tally))
        for family, tally in by_family.items()
        if family and voices(tally) > 0
    ]
    counted = sorted((s for s in shares if s.voices >= min_voices), key=lambda s: (s.share, s.family))
    too_few = sorted((s for s in shares if s.voices < min_voices), key=lambda s: s.family)
    total = sum(voices(t) for t in by_family.values())
    if len(counted) < min_families:
        return Agreement(None, None, counted, too_few, total)
    return Agreement(counted[0].share, counted[0], counted, too_few, total)
