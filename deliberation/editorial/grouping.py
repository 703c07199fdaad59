"""Grouping the amendments of one article into the questions they raise. Pure functions.

Every proposal is first *rebased* on the article as it stands now (the three-way merge of
manifesto.merge): its change is then a list of edits of the current text's tokens. From there:

- **duplicate group**: proposals that delete (nearly) the same words and insert (nearly) the
  same words — the Jaccard similarity of the deleted words and insertion points ≥ 0.8 and the
  RapidFuzz ratio of the inserted words ≥ 85 — however they are punctuated or capitalised;
- **conflict set**: proposals (or duplicate groups) whose changes cannot be merged together —
  the three-way merge of one into the other conflicts, which is the case exactly when they
  touch the same words or insert at the same place; at most one of a set can be integrated as is;
- **compatible**: the proposals that conflict with no other; they can be integrated together;
- **à revoir**: a proposal whose change overlaps what the article became since it was written
  (or whose article is gone): only an editor's wording can integrate it.

Comparing whole texts would make every proposal on one article look alike (most of its words
are unchanged), so duplicates are judged on the change itself.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from manifesto.diff import tokenize
from manifesto.merge import three_way_merge

DUPLICATE_PLACE_SIMILARITY = 0.8  # Jaccard of the deleted words / insertion points
DUPLICATE_WORDS_SIMILARITY = 85.0  # RapidFuzz ratio (0–100) of the inserted words
NEW_ARTICLE_SIMILARITY = 90.0  # RapidFuzz ratio of two proposed new articles (case and punctuation aside)


@dataclass(frozen=True)
class Proposal:
    """What grouping needs of an amendment. `text` is the proposed text ("" for a deletion)."""

    id: int
    number: int
    agora: str  # the agora's name, "" when unknown
    kind: str  # modify | delete | insert
    base_text: str
    text: str


@dataclass(frozen=True)
class Edit:
    """One change of the current text: tokens [start, end) replaced by `inserted` (start == end: an insertion)."""

    start: int
    end: int
    deleted: str
    inserted: str


@dataclass
class Change:
    """A proposal rebased on the current text."""

    proposal: Proposal
    rebased: str | None  # the article's text once this proposal is applied to the current text; None: à revoir
    edits: list[Edit] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return self.rebased is None


@dataclass
class Unit:
    """One answerable question: a proposal alone or a duplicate group (members in number order)."""

    changes: list[Change]

    @property
    def proposals(self) -> list[Proposal]:
        return [c.proposal for c in self.changes]

    @property
    def lead(self) -> Change:
        return self.changes[0]

    @property
    def is_duplicate_group(self) -> bool:
        return len(self.changes) > 1

    @property
    def agoras(self) -> list[str]:
        return sorted({p.agora for p in self.proposals if p.agora})


@dataclass
class Grouping:
    """The groups of one article (or of the new articles proposed in one place)."""

    current_text: str
    conflict_sets: list[list[Unit]]
    compatible: list[Unit]
    stale: list[Change]

    @property
    def units(self) -> list[Unit]:
        return [u for s in self.conflict_sets for u in s] + self.compatible

    @property
    def duplicate_groups(self) -> list[Unit]:
        return [u for u in self.units if u.is_duplicate_group]


# ------------------------------------------------------------------------- rebasing


def _token_key(token: str) -> str:
    # Case, apostrophe and spacing variants are the same word: "l’Humain" is "l'humain".
    if token.isspace():
        return " "
    return unicodedata.normalize("NFKC", token).replace("’", "'").casefold()


def edits_between(current: str, new: str) -> list[Edit]:
    """The token edits that turn `current` into `new`, ignoring case, apostrophe and spacing variants."""
    a, b = tokenize(current), tokenize(new)
    matcher = difflib.SequenceMatcher(a=[_token_key(t) for t in a], b=[_token_key(t) for t in b], autojunk=False)
    return [
        Edit(i1, i2, "".join(a[i1:i2]), "".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def rebase(proposal: Proposal, current_text: str | None) -> Change:
    """The proposal's change expressed on the current text; stale when it cannot be merged in.

    `current_text` None: the article no longer exists (every proposal on it is à revoir).
    """
    if current_text is None:
        return Change(proposal, None)
    result = three_way_merge(base=proposal.base_text, current=current_text, proposed=proposal.text)
    deletion_over_edit = proposal.kind == "delete" and proposal.base_text != current_text
    if result.conflict or deletion_over_edit:
        # A deletion against an edited article would silently drop the edit: a person decides.
        return Change(proposal, None)
    return Change(proposal, result.text, edits_between(current_text, result.text))


# ------------------------------------------------------------------------- duplicates


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").casefold()
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.split())


def _substantive(change: Change) -> list[Edit]:
    """The edits that change words, leaving out case, punctuation and apostrophe variants."""
    return [e for e in change.edits if _normalise(e.deleted) != _normalise(e.inserted)]


def _places(change: Change) -> set:
    """The words a change deletes (by token index) and the places where it inserts."""
    places: set = set()
    for edit in _substantive(change):
        if edit.start == edit.end:
            places.add(("at", edit.start))
        places.update(("word", i) for i in range(edit.start, edit.end))
    return places


def _inserted(change: Change) -> str:
    return _normalise(" ".join(e.inserted for e in _substantive(change)))


def _deleted_words(change: Change) -> str:
    return _normalise(" ".join(e.deleted for e in _substantive(change)))


def same_change(a: Change, b: Change) -> bool:
    """Near-identical changes: (nearly) the same words removed, (nearly) the same words added."""
    if a.stale or b.stale:
        return False
    if a.rebased == b.rebased:
        return True
    places_a, places_b = _places(a), _places(b)
    if not places_a or not places_b:
        return False
    jaccard = len(places_a & places_b) / len(places_a | places_b)
    if jaccard < DUPLICATE_PLACE_SIMILARITY:
        # Differently cut spans of the same rewrite (one took the comma, one did not).
        if fuzz.ratio(_deleted_words(a), _deleted_words(b)) < DUPLICATE_WORDS_SIMILARITY or not (places_a & places_b):
            return False
    inserted_a, inserted_b = _inserted(a), _inserted(b)
    if not inserted_a and not inserted_b:
        return True
    return fuzz.ratio(inserted_a, inserted_b) >= DUPLICATE_WORDS_SIMILARITY


def _components(items: list, related) -> list[list]:
    """Connected components of the graph `related(a, b)`, each in the input's order (union–find)."""
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if find(i) != find(j) and related(items[i], items[j]):
                parent[find(j)] = find(i)
    groups: dict[int, list] = {}
    for i, item in enumerate(items):
        groups.setdefault(find(i), []).append(item)
    return list(groups.values())


# ------------------------------------------------------------------------- conflicts


def compatible(a: Change, b: Change, current_text: str) -> bool:
    """True when both changes can be applied together: the three-way merge does not conflict."""
    return not three_way_merge(base=current_text, current=a.rebased, proposed=b.rebased).conflict


def combine(changes: list[Change], current_text: str) -> str | None:
    """The current text with every change applied (three-way merge, one after the other); None on a conflict."""
    text = current_text
    for change in changes:
        result = three_way_merge(base=current_text, current=text, proposed=change.rebased)
        if result.conflict:
            return None
        text = result.text
    return text


def group_article(proposals: list[Proposal], current_text: str | None) -> Grouping:
    """Group the proposals on one article (modify / delete) as it stands now."""
    proposals = sorted(proposals, key=lambda p: p.number)
    changes = [rebase(p, current_text) for p in proposals]
    live = [c for c in changes if not c.stale]
    stale = [c for c in changes if c.stale]
    units = [Unit(group) for group in _components(live, same_change)]
    clashes = {
        (id(a), id(b))
        for i, a in enumerate(units)
        for b in units[i + 1 :]
        if not compatible(a.lead, b.lead, current_text)
    }
    components = _components(units, lambda a, b: (id(a), id(b)) in clashes or (id(b), id(a)) in clashes)
    conflict_sets = [c for c in components if len(c) > 1]
    lone = [c[0] for c in components if len(c) == 1]
    return Grouping(current_text=current_text or "", conflict_sets=conflict_sets, compatible=lone, stale=stale)


def group_new_articles(proposals: list[Proposal]) -> Grouping:
    """New articles never conflict (each is inserted on its own); near-identical ones are duplicates."""
    proposals = sorted(proposals, key=lambda p: p.number)
    changes = [Change(p, p.text, [Edit(0, 0, "", p.text)]) for p in proposals]

    def alike(a: Change, b: Change) -> bool:
        return fuzz.ratio(_normalise(a.rebased), _normalise(b.rebased)) >= NEW_ARTICLE_SIMILARITY

    units = [Unit(group) for group in _components(changes, alike)]
    return Grouping(current_text="", conflict_sets=[], compatible=units, stale=[])


# ------------------------------------------------------------------------- describing a change


@dataclass(frozen=True)
class Passage:
    """Where in the article a set of changes lies, for the sentence that names the question."""

    where: str  # whole | start | end | middle
    quote: str  # the current words concerned (shortened)


_WORD = re.compile(r"\w")


def _shorten(text: str, words: int = 8) -> str:
    parts = text.split()
    if len(parts) <= words:
        return " ".join(parts)
    half = words // 2
    return " ".join(parts[:half]) + " … " + " ".join(parts[-half:])


def passage(changes: list[Change], current_text: str) -> Passage:
    """The smallest span of the current text covering every edit of these changes."""
    tokens = tokenize(current_text)
    edits = [e for c in changes for e in c.edits]
    if not edits or not tokens:
        return Passage("whole", _shorten(current_text))
    start = min(e.start for e in edits)
    end = max(e.end for e in edits)
    words = [i for i, t in enumerate(tokens) if _WORD.match(t)]
    first, last = words[0], words[-1]
    covered = [i for i in words if start <= i < end]
    if start <= first and end > last:
        where = "whole"
    elif start <= first:
        where = "start"
    elif end > last or (start > last):
        where = "end"
    else:
        where = "middle"
    quote = "".join(tokens[start:end]).strip()
    if not quote:
        # A pure insertion: quote the word before it, to say where.
        before = [i for i in words if i < start]
        quote = tokens[before[-1]] if before else ""
    if len(covered) > 0.6 * len(words):
        where = "whole"
    return Passage(where, _shorten(quote))


def action(change: Change) -> tuple[str, str, str]:
    """(verb, removed, added) of one change: delete_article | delete | insert | replace | rewrite."""
    if change.proposal.kind == "delete":
        return ("delete_article", "", "")
    if change.proposal.kind == "insert":
        return ("insert_article", "", _shorten(change.proposal.text, 10))
    if not change.edits:
        return ("already", "", "")  # the article already says what it proposes
    edits = _substantive(change) or change.edits
    if len(edits) != 1:
        return ("rewrite", "", "")
    edit = edits[0]
    removed, added = _shorten(edit.deleted.strip()), _shorten(edit.inserted.strip())
    if removed and not added:
        return ("delete", removed, "")
    if added and not removed:
        return ("insert", "", added)
    return ("replace", removed, added)
