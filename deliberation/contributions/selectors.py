"""Reads of open contributions: browsing, sorting, searching, support totals, public answers,
and the public shapes of their events (manifesto.vocabulary.CONTRIBUTION)."""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from deliberation.contributions.models import (
    Contribution,
    ContributionComment,
    ContributionLink,
    ContributionOutcome,
    ContributionState,
    ContributionSupport,
)
from manifesto.bounded import parse_int
from manifesto.disclosure import publishable_groups

SUPPORT_VALUES = ("pour", "contre", "abstention")
# The cross-family agreement counts a family only when it has at least this many voices, and
# needs at least two such families: below that, one person would make a family's share.
CROSS_FAMILY_MIN_VOICES = 3
CROSS_FAMILY_MIN_FAMILIES = 2
SORTS = ("support", "agreement", "recent")


def empty_totals() -> dict:
    return {value: 0 for value in SUPPORT_VALUES}


def support_totals(contribution: Contribution) -> tuple[dict, dict]:
    """(totals, by_family) of the voices on one contribution, as published: by_family keys are ESS
    families ("" unknown), only groups large enough to publish (manifesto.disclosure)."""
    return totals_for([contribution.pk]).get(contribution.pk, (empty_totals(), {}))


def totals_for(ids: list[int]) -> dict[int, tuple[dict, dict]]:
    """One query for many contributions: {id: (totals, publishable by_family)}."""
    result: dict[int, tuple[dict, dict]] = {}
    rows = (
        ContributionSupport.objects.filter(contribution_id__in=ids)
        .values_list("contribution_id", "ess_family", "value")
        .order_by()
    )
    counts: dict = defaultdict(int)
    for contribution_id, family, value in rows:
        counts[(contribution_id, family, value)] += 1
    for (contribution_id, family, value), count in counts.items():
        totals, by_family = result.setdefault(contribution_id, (empty_totals(), {}))
        totals[value] += count
        by_family.setdefault(family, empty_totals())[value] += count
    # Opinions by group are published only for groups too large to single anyone out.
    return {key: (totals, publishable_groups(by_family)) for key, (totals, by_family) in result.items()}


@dataclass(frozen=True)
class Agreement:
    """The lowest share of "pour" across the ESS families with enough voices."""

    score: float | None  # None: not enough families with enough voices
    families: int  # families counted
    voices: int  # voices in those families

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


def cross_family_agreement(by_family: dict) -> Agreement:
    """From the published breakdown only, so the score reveals nothing a breakdown would not."""
    shares, voices = [], 0
    for family, totals in by_family.items():
        if not family:
            continue  # a voice without a family says nothing about agreement across families
        count = sum(totals.values())
        if count >= CROSS_FAMILY_MIN_VOICES:
            shares.append(totals["pour"] / count)
            voices += count
    if len(shares) < CROSS_FAMILY_MIN_FAMILIES:
        return Agreement(None, len(shares), voices)
    return Agreement(min(shares), len(shares), voices)


def theme_label(contribution: Contribution) -> str:
    if contribution.section_id:
        return contribution.section.title
    return contribution.new_theme


def answer(contribution: Contribution, links: list[ContributionLink] | None = None) -> str:
    """The public answer (suite donnée), in one sentence."""
    if contribution.state == ContributionState.DUPLICATE and contribution.duplicate_of_id:
        return _("Doublon de la contribution n° %(number)s") % {"number": contribution.duplicate_of.number}
    if contribution.outcome == ContributionOutcome.TAKEN_UP:
        links = list(contribution.links.all()) if links is None else links
        numbers = ", ".join(str(link.clause_number) for link in links)
        if len(links) > 1:
            return _("Reprise dans les articles %(numbers)s") % {"numbers": numbers}
        return _("Reprise dans l'article %(numbers)s") % {"numbers": numbers}
    if contribution.outcome == ContributionOutcome.SET_ASIDE:
        return _("Écartée — motif : %(reason)s") % {"reason": contribution.outcome_reason}
    return _("En attente de réponse du collectif de rédaction")


def public_data(contribution: Contribution) -> dict:
    """What everyone may see; a hidden contribution without its text, author or reason."""
    hidden = contribution.state == ContributionState.HIDDEN
    return {
        "id": contribution.pk,
        "number": contribution.number,
        "title": "" if hidden else contribution.title,
        "text": "" if hidden else contribution.text,
        "theme": theme_label(contribution),
        "section_id": contribution.section_id,
        "clause_number": contribution.clause_number,
        "agora": contribution.agora.title if contribution.agora_id else "",
        "author": "" if hidden else contribution.author_name,
        "ess_family": contribution.ess_family,
        "territory": contribution.territory,
        "state": contribution.state,
        "hidden": hidden,
        "duplicate_of": contribution.duplicate_of.number if contribution.duplicate_of_id else None,
        "outcome": contribution.outcome,
        "answer": answer(contribution),
        "url": contribution.get_absolute_url(),
    }


def comment_data(comment: ContributionComment) -> dict:
    return {
        "id": comment.pk,
        "contribution_id": comment.contribution_id,
        "author": comment.author_name,
        "text": comment.text,
        "created_at": comment.created_at.isoformat(),
    }


# ------------------------------------------------------------------------- browsing


@dataclass
class Filters:
    theme: str = ""  # a section id, or "new" for new themes
    agora: str = ""  # an agora slug, or "online" for contributions made online
    family: str = ""
    territory: str = ""
    query: str = ""
    sort: str = "support"
    include_hidden: bool = False  # moderators see hidden ones


@dataclass
class Row:
    contribution: Contribution
    totals: dict
    by_family: dict
    agreement: Agreement
    answer: str
    comments: int = 0
    links: list = field(default_factory=list)


def _folded(text: str) -> str:
    """Lower case without accents: "Épargne" and "epargne" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search(queryset: QuerySet, query: str) -> QuerySet:
    """French full-text search on PostgreSQL (stemmed: "coopérative" finds "coopératives"; accents
    ignored: "epargne" finds "Épargne", through the `french_unaccent` configuration and its GIN
    index, see migration 0008). Elsewhere (SQLite, the embedded default) a portable fallback:
    every word, without case or accents, in the title or the text."""
    query = " ".join((query or "").split())[:200]
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "text", config="french_unaccent")
        return queryset.annotate(search=vector).filter(
            search=SearchQuery(query, config="french_unaccent", search_type="websearch")
        )
    # SQLite's LIKE folds ASCII only; fold in Python over the manifesto's contributions instead.
    words = [_folded(word) for word in query.split()]
    matching = [
        pk
        for pk, title, text in queryset.values_list("pk", "title", "text")
        if all(word in _folded(f"{title} {text}") for word in words)
    ]
    return queryset.filter(pk__in=matching)


def browse(manifesto, filters: Filters) -> list[Row]:
    queryset = Contribution.objects.filter(manifesto=manifesto).select_related("section", "agora", "duplicate_of", "manifesto")
    states = [ContributionState.PUBLISHED, ContributionState.DUPLICATE]
    if filters.include_hidden:
        states.append(ContributionState.HIDDEN)
    queryset = queryset.filter(state__in=states)
    if filters.theme == "new":
        queryset = queryset.filter(section__isnull=True)
    elif filters.theme.isascii() and filters.theme.isdigit():
        # A number no section can have (past the database's integers) lists nothing, like any unknown id.
        queryset = queryset.filter(section_id=parse_int(filters.theme, default=0))
    if filters.agora == "online":
        queryset = queryset.filter(agora__isnull=True)
    elif filters.agora:
        queryset = queryset.filter(agora__slug=filters.agora)
    if filters.family:
        queryset = queryset.filter(ess_family=filters.family)
    if filters.territory:
        queryset = queryset.filter(territory=filters.territory)
    queryset = search(queryset, filters.query).prefetch_related("links")
    contributions = list(queryset)
    totals = totals_for([c.pk for c in contributions])
    comment_counts = defaultdict(int)
    for contribution_id in ContributionComment.objects.filter(
        contribution__in=contributions, hidden_reason=""
    ).values_list("contribution_id", flat=True):
        comment_counts[contribution_id] += 1
    rows = []
    for contribution in contributions:
        t, by_family = totals.get(contribution.pk, (empty_totals(), {}))
        links = list(contribution.links.all())
        rows.append(
            Row(
                contribution=contribution,
                totals=t,
                by_family=by_family,
                agreement=cross_family_agreement(by_family),
                answer=answer(contribution, links),
                comments=comment_counts[contribution.pk],
                links=links,
            )
        )
    return sort_rows(rows, filters.sort)


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    def recency(row: Row):
        return row.contribution.published_at or row.contribution.created_at

    rows.sort(key=recency, reverse=True)  # the tie-breaker of every order: newest first
    if sort == "support":
        rows.sort(key=lambda r: (r.totals["pour"] - r.totals["contre"], r.totals["pour"]), reverse=True)
    elif sort == "agreement":
        # Contributions without a score (too few voices across families) come last.
        rows.sort(key=lambda r: (r.agreement.score is not None, r.agreement.score or 0, r.agreement.voices), reverse=True)
    return rows


def filter_choices(manifesto) -> dict:
    """The values one may browse by, from what exists."""
    published = Contribution.objects.filter(manifesto=manifesto, state__in=[ContributionState.PUBLISHED, ContributionState.DUPLICATE])
    return {
        "sections": list(manifesto.sections.order_by("position", "id")),
        "agoras": list(manifesto.agoras.filter(contributions__in=published).distinct().order_by("starts_at")),
        "territories": sorted(set(published.exclude(territory="").values_list("territory", flat=True))),
        "has_new_themes": published.filter(section__isnull=True).exists(),
        "has_online": published.filter(agora__isnull=True).exists(),
    }


def for_clause(clause) -> list[Contribution]:
    """The public contributions an article draws on, for its provenance."""
    return list(
        Contribution.objects.filter(links__clause_number=clause.number, manifesto_id=clause.manifesto_id)
        .filter(state__in=[ContributionState.PUBLISHED, ContributionState.DUPLICATE])
        .select_related("agora")
        .order_by("number")
        .distinct()
    )


def counts(manifesto) -> dict:
    """For the timeline: contributions published, answered, taken up."""
    public = Contribution.objects.filter(manifesto=manifesto, state__in=[ContributionState.PUBLISHED, ContributionState.DUPLICATE])
    return {
        "published": public.count(),
        "supports": ContributionSupport.objects.filter(contribution__in=public).count(),
        "taken_up": public.filter(outcome=ContributionOutcome.TAKEN_UP).count(),
        "set_aside": public.filter(outcome=ContributionOutcome.SET_ASIDE).count(),
        "articles": ContributionLink.objects.filter(contribution__in=public).values("clause_number").distinct().count(),
    }
