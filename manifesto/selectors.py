"""Reads of the text that are more than a one-line query: clause history, recent changes, version diffs."""

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch

from manifesto import lines, services
from manifesto.models import Clause, Event, Manifesto, ManifestoVersion, Section

# A clause.moved event and the history row it explains are written in one transaction.
_SAME_TRANSACTION = timedelta(seconds=5)


def reading_sections(*, manifesto: Manifesto) -> list[Section]:
    """The sections in reading order, each with its clauses prefetched in order."""
    clauses = Clause.objects.order_by("position", "id")
    return list(manifesto.sections.order_by("position", "id").prefetch_related(Prefetch("clauses", queryset=clauses)))


# ------------------------------------------------------------------------- clause history


@dataclass
class HistoryEntry:
    kind: str  # "created", "changed", "moved", "deleted"
    date: datetime
    user: Any
    reason: str
    revision: int
    old_text: str
    text: str
    section_title: str
    old_section_title: str | None = None
    position: int | None = None
    old_position: int | None = None
    text_changed: bool = False


def _section_titles(manifesto_id: int) -> dict[int, str]:
    return dict(Section.objects.filter(manifesto_id=manifesto_id).values_list("pk", "title"))


def _explicit_moves(*, manifesto_id: int, clause_ids: set[int]) -> list[tuple[datetime, int, int, int]]:
    """(time, clause id, section id, position) of every clause.moved event about these clauses.

    A clause also changes position when a sibling is added, moved or deleted; only the
    journal says which clause the person actually moved.
    """
    moves = []
    for event in Event.objects.filter(manifesto_id=manifesto_id, type="clause.moved").only("created_at", "data"):
        moved = event.data.get("clause", {})
        if moved.get("id") in clause_ids:
            moves.append((event.created_at, moved["id"], moved["section_id"], moved["position"]))
    return moves


def _was_moved_explicitly(record, moves) -> bool:
    return any(
        clause_id == record.id
        and section_id == record.section_id
        and position == record.position
        and abs(when - record.history_date) <= _SAME_TRANSACTION
        for when, clause_id, section_id, position in moves
    )


def _entries(records: list, *, titles: dict[int, str], moves: list) -> list[HistoryEntry]:
    """Turn one clause's history rows (oldest first) into the entries a person cares about."""
    entries: list[HistoryEntry] = []
    previous = None
    for record in records:
        common = {
            "date": record.history_date,
            "user": record.history_user,
            "reason": record.history_change_reason or "",
            "revision": record.revision,
            "text": record.text,
            "section_title": titles.get(record.section_id, ""),
            "position": record.position,
        }
        if record.history_type == "+" or previous is None:
            entries.append(HistoryEntry(kind="created", old_text="", text_changed=True, **common))
        elif record.history_type == "-":
            entries.append(HistoryEntry(kind="deleted", old_text=record.text, **common))
        else:
            text_changed = record.text != previous.text
            section_changed = record.section_id != previous.section_id
            moved = section_changed or (record.position != previous.position and _was_moved_explicitly(record, moves))
            if text_changed or moved:
                entries.append(
                    HistoryEntry(
                        kind="changed" if text_changed else "moved",
                        old_text=previous.text,
                        text_changed=text_changed,
                        old_section_title=titles.get(previous.section_id, "") if moved else None,
                        old_position=previous.position if moved else None,
                        **common,
                    )
                )
        previous = record
    return entries


def _history_rows(manifesto: Manifesto, **filters):
    return (
        Clause.history.filter(manifesto_id=manifesto.pk, **filters)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def clause_history(*, manifesto: Manifesto, number: int) -> list[HistoryEntry] | None:
    """Every revision of clause `number` that created, re-worded, moved or deleted it, oldest first.

    Rows that only shifted the clause because a sibling came or went are left out. None
    when the manifesto never had a clause with that number.
    """
    records = list(_history_rows(manifesto, number=number))
    if not records:
        return None
    moves = _explicit_moves(manifesto_id=manifesto.pk, clause_ids={r.id for r in records})
    return _entries(records, titles=_section_titles(manifesto.pk), moves=moves)


@dataclass
class RecentChange:
    number: int
    entry: HistoryEntry


def recent_changes(*, manifesto: Manifesto, limit: int = 50) -> list[RecentChange]:
    """The latest meaningful clause changes across the manifesto, newest first.

    Reads the manifesto's whole clause history once: a text has hundreds of rows, not millions.
    """
    by_number: dict[int, list] = {}
    for record in _history_rows(manifesto):
        by_number.setdefault(record.number, []).append(record)
    titles = _section_titles(manifesto.pk)
    moves = _explicit_moves(manifesto_id=manifesto.pk, clause_ids={r.id for rows in by_number.values() for r in rows})
    changes = [
        RecentChange(number=number, entry=entry)
        for number, records in by_number.items()
        for entry in _entries(records, titles=titles, moves=moves)
    ]
    changes.sort(key=lambda change: change.entry.date, reverse=True)
    return changes[:limit]


# ------------------------------------------------------------------------- versions


CURRENT = "actuel"


@dataclass
class TextSide:
    """One side of a comparison: a frozen version or the current draft."""

    key: str
    label: str
    content: dict
    version: ManifestoVersion | None = None


def text_side(*, manifesto: Manifesto, key: str) -> TextSide | None:
    """The version numbered `key`, or the current text for "actuel"; None if unknown."""
    if key == CURRENT:
        return TextSide(key=CURRENT, label="", content=services.snapshot(manifesto))
    if not key.isdigit():
        return None
    version = manifesto.versions.filter(number=int(key)).first()
    if version is None:
        return None
    return TextSide(key=key, label=version.label, content=version.content, version=version)


@dataclass
class ClauseComparison:
    number: int
    status: set[str]  # a subset of {"added", "removed", "moved", "changed"}
    old_text: str = ""
    new_text: str = ""
    old_section: str = ""
    new_section: str = ""

    @property
    def unchanged(self) -> bool:
        return not self.status


@dataclass
class SectionComparison:
    title: str
    old_title: str | None
    clauses: list[ClauseComparison] = field(default_factory=list)

    @property
    def unchanged_count(self) -> int:
        return sum(1 for clause in self.clauses if clause.unchanged)


@dataclass
class Comparison:
    title_changed: bool
    old_title: str
    new_title: str
    preamble_changed: bool
    old_preamble: str
    new_preamble: str
    sections: list[SectionComparison]
    removed: list[ClauseComparison]
    counts: dict[str, int]


def _flatten(content: dict) -> list[tuple[dict, dict]]:
    return [(section, clause) for section in content["sections"] for clause in section["clauses"]]


def _longest_increasing(values: list[int]) -> set[int]:
    """The values of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_index: list[int] = []
    parent: list[int | None] = []
    for index, value in enumerate(values):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[slot] = value
            tail_index[slot] = index
        parent.append(tail_index[slot - 1] if slot else None)
    keep: set[int] = set()
    cursor = tail_index[-1] if tail_index else None
    while cursor is not None:
        keep.add(values[cursor])
        cursor = parent[cursor]
    return keep


def compare_texts(old: dict, new: dict) -> Comparison:
    """Compare two snapshots clause by clause, matching clauses by their stable number.

    A clause is "moved" when it changed section or left the longest run of clauses that
    kept their relative order; that way one clause moved up is reported once, not as every
    clause it jumped over.
    """
    old_items = {clause["number"]: (section, clause) for section, clause in _flatten(old)}
    new_order = [clause["number"] for _, clause in _flatten(new)]
    common_in_old_order = [number for number in old_items if number in set(new_order)]
    new_rank = {number: rank for rank, number in enumerate(new_order)}
    in_order = _longest_increasing([new_rank[number] for number in common_in_old_order])
    kept_order = {number for number in common_in_old_order if new_rank[number] in in_order}

    old_section_titles = {section["id"]: section["title"] for section in old["sections"]}
    counts = {"added": 0, "removed": 0, "moved": 0, "changed": 0}
    sections = []
    for section in new["sections"]:
        old_title = old_section_titles.get(section["id"])
        compared = SectionComparison(
            title=section["title"], old_title=old_title if old_title not in (None, section["title"]) else None
        )
        for clause in section["clauses"]:
            number = clause["number"]
            item = ClauseComparison(number=number, status=set(), new_text=clause["text"], new_section=section["title"])
            if number not in old_items:
                item.status.add("added")
            else:
                old_section, old_clause = old_items[number]
                item.old_text, item.old_section = old_clause["text"], old_section["title"]
                if old_clause["text"] != clause["text"]:
                    item.status.add("changed")
                if old_section["id"] != section["id"] or number not in kept_order:
                    item.status.add("moved")
            for status in item.status:
                counts[status] += 1
            compared.clauses.append(item)
        sections.append(compared)
    new_numbers = set(new_order)
    removed = [
        ClauseComparison(number=number, status={"removed"}, old_text=clause["text"], old_section=section["title"])
        for number, (section, clause) in old_items.items()
        if number not in new_numbers
    ]
    counts["removed"] = len(removed)
    return Comparison(
        title_changed=old["title"] != new["title"],
        old_title=old["title"],
        new_title=new["title"],
        preamble_changed=old["preamble"] != new["preamble"],
        old_preamble=old["preamble"],
        new_preamble=new["preamble"],
        sections=sections,
        removed=removed,
        counts=counts,
    )


# ------------------------------------------------------------------------- line numbers


def content_of_sections(manifesto: Manifesto, sections: list[Section]) -> dict:
    """The `services.snapshot` shape from sections already prefetched (no further query)."""
    return {
        "title": manifesto.title,
        "preamble": manifesto.preamble,
        "sections": [
            {"title": s.title, "clauses": [{"number": c.number, "text": c.text} for c in s.clauses.all()]}
            for s in sections
        ],
    }


def current_numbering(manifesto: Manifesto, sections: list[Section] | None = None) -> lines.NumberedText:
    """Line numbers of the current text; cached per journal seq (every change of the text is journalled)."""
    # created_at too: ids come back after a database is reset (tests), seqs too.
    key = f"lines:current:{manifesto.pk}:{manifesto.created_at.timestamp()}:{manifesto.last_seq}:{lines.LINE_LENGTH}"
    numbering = cache.get(key)
    if numbering is None:
        content = content_of_sections(manifesto, sections) if sections is not None else services.snapshot(manifesto)
        numbering = lines.number_content(content)
        cache.set(key, numbering, 3600)
    return numbering


def version_numbering(version: ManifestoVersion) -> lines.NumberedText:
    """Line numbers of a frozen version (which never changes: cached for a day)."""
    key = f"lines:version:{version.pk}:{version.fingerprint}"
    numbering = cache.get(key)
    if numbering is None:
        numbering = lines.number_content(version.content)
        cache.set(key, numbering, 86400)
    return numbering
