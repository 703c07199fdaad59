"""Where every word of an article comes from, computed from the article's history.

Each revision of a clause is compared word by word (the tokens of `manifesto.diff`) with the
one before; words that survive keep the revision that brought them, words that appear are
credited to the new revision. The result for (clause, revision) never changes once that
revision exists, so it is cached under that key: a new revision is a new key, and it is
computed from the previous revision's cached result in one step when that one is there.

A revision says when and by whom the text was written; what it *came from* (an amendment of an
agora, a contribution...) is not manifesto's business. Other apps register a source resolver
(`source_resolver`) that turns a batch of (clause id, revision) pairs into `Source`s in one
query, so manifesto never imports them.
"""

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache

from manifesto.diff import tokenize
from manifesto.models import Clause

# Bump when the cached shape changes, so old entries are never read back.
_CACHE_VERSION = 2
_CACHE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Source:
    """What a revision came from, as another app describes it."""

    label: str  # "Amendement n° 12"
    author: str = ""  # who proposed it: every merged amendment's author is credited
    url: str = ""  # its permalink
    origin: str = ""  # "Agora de Lille"
    origin_url: str = ""  # the agora's report
    decided_at: datetime | None = None
    decided_by: str = ""
    note: str = ""  # "intégré avec modification", "fusionné avec les modifications faites depuis"


# Tokens this short matched alone between changed words are credited to the change.
_SHORT = 3

SourceResolver = Callable[[set[tuple[int, int]]], dict[tuple[int, int], list[Source]]]
_resolvers: list[SourceResolver] = []


def source_resolver(resolve: SourceResolver) -> SourceResolver:
    """Register `resolve(pairs) -> {(clause_id, revision): [Source, ...]}` (from an AppConfig.ready)."""
    if resolve not in _resolvers:
        _resolvers.append(resolve)
    return resolve


def resolve_sources(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Source]]:
    """Every registered resolver, once each, for all the pairs at once."""
    wanted = set(pairs)
    found: dict[tuple[int, int], list[Source]] = {}
    if not wanted:
        return found
    for resolve in _resolvers:
        for key, sources in resolve(wanted).items():
            found.setdefault(key, []).extend(sources)
    return found


@dataclass(frozen=True)
class Step:
    """One revision of the clause's text as history recorded it."""

    revision: int
    date: datetime
    user: str  # the person who wrote it into the text (who decided)
    reason: str


@dataclass(frozen=True)
class Passage:
    text: str
    revision: int


@dataclass
class Origin:
    """One revision that still has words in the text, with what it came from."""

    step: Step
    words: int
    first: bool  # the clause's first revision: the original draft unless a source says otherwise
    sources: list[Source] = field(default_factory=list)

    @property
    def revision(self) -> int:
        return self.step.revision


@dataclass
class Provenance:
    clause_id: int
    revision: int
    passages: list[Passage]
    origins: list[Origin]  # oldest first

    def origin(self, revision: int) -> Origin | None:
        return next((origin for origin in self.origins if origin.revision == revision), None)


# ------------------------------------------------------------------------- attribution


def carry(tokens: list[str], revisions: list[int], text: str, revision: int) -> tuple[list[str], list[int]]:
    """The tokens of `text`, each with the revision that brought it, given the previous text's.

    Words and punctuation are matched without the blanks between them: blanks are the most
    frequent token, and matching them first would pair the wrong words. A blank then takes the
    origin of the token before it.
    """
    new = tokenize(text)
    old_solid = [i for i, token in enumerate(tokens) if not token.isspace()]
    new_solid = [j for j, token in enumerate(new) if not token.isspace()]
    credited = [revision] * len(new)
    matcher = difflib.SequenceMatcher(
        a=[tokens[i] for i in old_solid], b=[new[j] for j in new_solid], autojunk=False
    )
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    matched = {block.b + k for block in blocks for k in range(block.size)}
    for block in blocks:
        if block.size == 1 and len(tokens[old_solid[block.a]]) <= _SHORT and not (
            block.b - 1 in matched or block.b + 1 in matched
        ):
            # A lone "de", "en" or comma inside a rewritten passage is a coincidence of the
            # matcher, not a word the new wording kept: it belongs to the new wording.
            continue
        for k in range(block.size):
            credited[new_solid[block.b + k]] = revisions[old_solid[block.a + k]]
    for j, token in enumerate(new):
        if token.isspace() and j > 0:
            credited[j] = credited[j - 1]
    return new, credited


def attribute(texts: Iterable[tuple[int, str]]) -> tuple[list[str], list[int]]:
    """Carry attribution through successive (revision, text), oldest first."""
    tokens: list[str] = []
    revisions: list[int] = []
    for revision, text in texts:
        tokens, revisions = carry(tokens, revisions, text, revision)
    return tokens, revisions


def is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def passages(tokens: list[str], revisions: list[int]) -> list[Passage]:
    """Consecutive tokens of one origin as one passage.

    Origins are about words: a blank or a punctuation mark between words stays with the
    passage before it, so a kept full stop does not show as a passage of its own.
    """
    result: list[Passage] = []
    for token, revision in zip(tokens, revisions):
        if result and (result[-1].revision == revision or not is_word(token)):
            result[-1] = Passage(result[-1].text + token, result[-1].revision)
        else:
            result.append(Passage(token, revision))
    return result


# ------------------------------------------------------------------------- cache and history


def _key(clause: Clause, revision: int) -> str:
    # The manifesto's creation time keeps a database rebuilt from scratch (same ids, other
    # text) from reading the previous one's results out of a shared cache.
    born = int(clause.manifesto.created_at.timestamp() * 1_000_000)
    return f"provenance:v{_CACHE_VERSION}:{born}:{clause.pk}:{revision}"


def _step(row: dict) -> Step:
    user = row.get("user")
    name = ""
    if user is not None:
        name = user.get_full_name() or user.get_username()
    return Step(revision=row["revision"], date=row["history_date"], user=name, reason=row["history_change_reason"] or "")


def _text_rows(clause_id: int, **filters) -> list:
    """The first history row of each revision (later rows of a revision only moved the clause)."""
    rows = (
        Clause.history.filter(id=clause_id, **filters)
        .exclude(history_type="-")
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    seen: set[int] = set()
    firsts = []
    for row in rows:
        if row.revision not in seen:
            seen.add(row.revision)
            firsts.append(row)
    return firsts


def _as_dict(row) -> dict:
    return {
        "revision": row.revision,
        "history_date": row.history_date,
        "history_change_reason": row.history_change_reason,
        "user": row.history_user,
        "text": row.text,
    }


def _compute(clause: Clause, revision: int) -> dict:
    """The cached shape: tokens, their revisions, and the steps that still have words."""
    previous = cache.get(_key(clause, revision - 1)) if revision > 1 else None
    if previous is not None:
        rows = [_as_dict(row) for row in _text_rows(clause.pk, revision=revision)]
        if rows:
            tokens, revisions = carry(previous["tokens"], previous["revisions"], rows[0]["text"], revision)
            steps = {**previous["steps"], revision: _step(rows[0])}
            return _pack(clause, revision, tokens, revisions, steps)
    rows = [_as_dict(row) for row in _text_rows(clause.pk, revision__lte=revision)]
    if not rows:  # No history (created outside the services): the text as it stands is one origin.
        rows = [{"revision": revision, "history_date": None, "history_change_reason": "", "user": None, "text": clause.text}]
    tokens, revisions = attribute((row["revision"], row["text"]) for row in rows)
    steps = {row["revision"]: _step(row) for row in rows}
    return _pack(clause, revision, tokens, revisions, steps)


def _pack(clause: Clause, revision: int, tokens, revisions, steps) -> dict:
    alive = set(revisions)
    first = min(steps) if steps else revision
    data = {
        "tokens": tokens,
        "revisions": revisions,
        # Keep the step of every revision still present, and the first (the draft), for the summary.
        "steps": {rev: step for rev, step in steps.items() if rev in alive or rev == first},
        "first": first,
    }
    cache.set(_key(clause, revision), data, _CACHE_SECONDS)
    return data


def clause_provenance(clause: Clause, *, with_sources: bool = True) -> Provenance:
    """The words of `clause` as it stands, by the revision (and source) that brought each.

    At most three queries whatever the length of the history: none or one to read history
    (cache miss), and one per registered source resolver.
    """
    data = cache.get(_key(clause, clause.revision))
    if data is None:
        data = _compute(clause, clause.revision)
    tokens, revisions, steps = data["tokens"], data["revisions"], data["steps"]
    counts: dict[int, int] = {}
    for token, revision in zip(tokens, revisions):
        if is_word(token):
            counts[revision] = counts.get(revision, 0) + 1
    shown = passages(tokens, revisions)
    present = sorted({passage.revision for passage in shown})
    sources = resolve_sources((clause.pk, revision) for revision in present) if with_sources else {}
    origins = [
        Origin(
            step=steps[revision],
            words=counts.get(revision, 0),
            first=revision == data["first"],
            sources=sources.get((clause.pk, revision), []),
        )
        for revision in present
        if revision in steps
    ]
    return Provenance(clause_id=clause.pk, revision=clause.revision, passages=shown, origins=origins)
