"""Reads of the text that are more than a one-line query: clause history, recent changes, version diffs."""

import bisect
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Max, Prefetch

from manifesto import lines, services
from manifesto.bounded import MAX_INT, parse_int
from manifesto.diff import render_diffs
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
    number: int = 0
    diff: Any = None  # the rendered word diff of a change, filled for the page being shown


# How many entries a history page shows: the busiest article has thousands of revisions.
HISTORY_PAGE_SIZE = 50
_INDEX_CACHE_SECONDS = 24 * 3600
_INDEX_FIELDS = ("history_id", "id", "number", "revision", "section_id", "position", "history_type", "history_date")


@dataclass(frozen=True)
class IndexItem:
    """One meaningful history entry, by the ids of its history row and the row before it."""

    history_id: int
    previous_id: int | None
    kind: str
    number: int
    revision: int
    moved: bool


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


def _was_moved_explicitly(row: dict, moves) -> bool:
    return any(
        clause_id == row["id"]
        and section_id == row["section_id"]
        and position == row["position"]
        and abs(when - row["history_date"]) <= _SAME_TRANSACTION
        for when, clause_id, section_id, position in moves
    )


def _index(rows: list[dict], *, moves: list) -> list[IndexItem]:
    """One clause's history rows (oldest first, without their text) as the entries a person cares about.

    The text changed exactly when the revision did: the services bump it on every new wording.
    """
    items: list[IndexItem] = []
    previous = None
    for row in rows:
        common = {"history_id": row["history_id"], "number": row["number"], "revision": row["revision"]}
        if row["history_type"] == "+" or previous is None:
            items.append(IndexItem(previous_id=None, kind="created", moved=False, **common))
        elif row["history_type"] == "-":
            items.append(IndexItem(previous_id=previous["history_id"], kind="deleted", moved=False, **common))
        else:
            text_changed = row["revision"] != previous["revision"]
            moved = row["section_id"] != previous["section_id"] or (
                row["position"] != previous["position"] and _was_moved_explicitly(row, moves)
            )
            if text_changed or moved:
                kind = "changed" if text_changed else "moved"
                items.append(IndexItem(previous_id=previous["history_id"], kind=kind, moved=moved, **common))
        previous = row
    return items


def _history_rows(manifesto_id: int, **filters):
    return Clause.history.filter(manifesto_id=manifesto_id, **filters).order_by("history_date", "history_id")


def _newest_first(manifesto: Manifesto, *, number: int | None) -> list[IndexItem]:
    """The meaningful entries, newest first, of one clause (`number`) or of the whole text.

    Cached under the newest history row's id: history is append-only, so a new row means a new
    key and the cached index is never stale. Reading it costs one aggregate query.
    """
    manifesto_id = manifesto.pk
    filters = {} if number is None else {"number": number}
    rows = _history_rows(manifesto_id, **filters)
    newest = rows.aggregate(m=Max("history_id"))["m"]
    if newest is None:
        return []
    # The creation time keeps a database rebuilt with the same ids from reading another's index.
    born = int(manifesto.created_at.timestamp() * 1_000_000)
    key = f"history-index:v1:{born}:{manifesto_id}:{'*' if number is None else number}:{newest}"
    items = cache.get(key)
    if items is None:
        by_clause: dict[int, list[dict]] = {}
        for row in rows.values(*_INDEX_FIELDS):
            by_clause.setdefault(row["id"], []).append(row)
        moves = _explicit_moves(manifesto_id=manifesto_id, clause_ids=set(by_clause))
        items = [item for clause_rows in by_clause.values() for item in _index(clause_rows, moves=moves)]
        items.sort(key=lambda item: item.history_id, reverse=True)
        cache.set(key, items, _INDEX_CACHE_SECONDS)
    return items


def _materialise(manifesto_id: int, items: list[IndexItem]) -> list[HistoryEntry]:
    """Full entries (texts, people, section titles, diffs) for one page of index items: two or three queries."""
    ids = {item.history_id for item in items} | {item.previous_id for item in items if item.previous_id}
    rows = {row.history_id: row for row in Clause.history.filter(history_id__in=ids).select_related("history_user")}
    titles = _section_titles(manifesto_id) if items else {}
    entries = []
    for item in items:
        row = rows[item.history_id]
        previous = rows.get(item.previous_id) if item.previous_id else None
        entry = HistoryEntry(
            kind=item.kind,
            date=row.history_date,
            user=row.history_user,
            reason=row.history_change_reason or "",
            revision=row.revision,
            old_text=previous.text if previous is not None else ("" if item.kind == "created" else row.text),
            text=row.text,
            section_title=titles.get(row.section_id, ""),
            position=row.position,
            text_changed=item.kind in ("created", "changed"),
            number=row.number,
        )
        if item.moved and previous is not None:
            entry.old_section_title = titles.get(previous.section_id, "")
            entry.old_position = previous.position
        if item.kind == "deleted":
            entry.old_text = row.text
        entries.append(entry)
    changed = [entry for entry in entries if entry.kind == "changed"]
    for entry, html in zip(changed, render_diffs([(entry.old_text, entry.text) for entry in changed])):
        entry.diff = html
    return entries


@dataclass
class HistoryPage:
    entries: list[HistoryEntry]  # newest first
    page: Page


def _page(manifesto_id: int, items: list[IndexItem], page: int | str | None, per_page: int) -> HistoryPage:
    paginated = Paginator(items, per_page).get_page(page)
    return HistoryPage(entries=_materialise(manifesto_id, list(paginated.object_list)), page=paginated)


def clause_history_page(
    *, manifesto: Manifesto, number: int, page: int | str | None = 1, revision: int | None = None,
    per_page: int = HISTORY_PAGE_SIZE,
) -> HistoryPage | None:
    """One page of clause `number`'s history, newest first; None when the text never had that clause.

    Rows that only shifted the clause because a sibling came or went are left out. With
    `revision`, the page that shows that revision's entry. The number of queries does not
    depend on the length of the history.
    """
    items = _newest_first(manifesto, number=number)
    if not items:
        return None
    if revision is not None:
        where = next((index for index, item in enumerate(items) if item.revision == revision and item.kind != "moved"), None)
        if where is not None:
            page = where // per_page + 1
    return _page(manifesto.pk, items, page, per_page)


def clause_history(*, manifesto: Manifesto, number: int) -> list[HistoryEntry] | None:
    """Every meaningful entry of clause `number`'s history, oldest first (None if it never existed)."""
    items = _newest_first(manifesto, number=number)
    if not items:
        return None
    return list(reversed(_materialise(manifesto.pk, items)))


def history_page(*, manifesto: Manifesto, page: int | str | None = 1, per_page: int = HISTORY_PAGE_SIZE) -> HistoryPage:
    """One page of the meaningful clause changes across the whole text, newest first."""
    return _page(manifesto.pk, _newest_first(manifesto, number=None), page, per_page)


@dataclass
class RecentChange:
    number: int
    entry: HistoryEntry


def recent_changes(*, manifesto: Manifesto, limit: int = 50) -> list[RecentChange]:
    """The latest meaningful clause changes across the manifesto, newest first."""
    entries = history_page(manifesto=manifesto, per_page=limit).entries
    return [RecentChange(number=entry.number, entry=entry) for entry in entries]


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
    number = parse_int(key, maximum=MAX_INT)
    if number is None:
        return None
    version = manifesto.versions.filter(number=number).first()
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
    diff: Any = None  # the rendered word diff, filled by compare_texts for changed clauses

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
    changed = [item for section in sections for item in section.clauses if "changed" in item.status]
    for item, html in zip(changed, render_diffs([(item.old_text, item.new_text) for item in changed])):
        item.diff = html
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
