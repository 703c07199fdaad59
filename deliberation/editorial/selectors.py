"""Reads of the editorial desk: every amendment still to be answered, grouped per article.

The number of queries of `desk` and `article_desk` does not depend on the number of
amendments, supports, positions or comments: each kind of row is read once for the whole
page and joined in Python.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliberation import outcomes
from deliberation import selectors as deliberation_selectors
from deliberation.editorial import agreement, grouping
from deliberation.editorial.credits import credit_line
from deliberation.models import AgoraPosition, Amendment, AmendmentKind, AmendmentState, Comment, Support
from manifesto.diff import render_diff
from manifesto.disclosure import publishable_groups
from manifesto.models import EssFamily, Manifesto

# Amendments nobody needs to answer: withdrawn by their author, hidden as abuse.
NOT_FOR_THE_DESK = (AmendmentState.WITHDRAWN, AmendmentState.HIDDEN)


@dataclass(frozen=True)
class Filters:
    """The desk's filters; empty strings mean "all"."""

    article: str = ""  # a clause number, or "new" for the new articles
    agora: str = ""  # an agora's slug
    family: str = ""  # an ESS family: amendments that family supports (more pour than contre)
    state: str = ""  # waiting | retained | not_retained | deferred

    STATES = ("waiting", "retained", "not_retained", "deferred")

    @classmethod
    def from_query(cls, query) -> "Filters":
        family = query.get("famille", "")
        state = query.get("etat", "")
        return cls(
            article=query.get("article", "")[:12],
            agora=query.get("agora", "")[:80],
            family=family if family in EssFamily.values else "",
            state=state if state in cls.STATES else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.article or self.agora or self.family or self.state)


@dataclass
class Item:
    """One amendment on the desk, with everything the collective reads about it."""

    amendment: Amendment
    change: grouping.Change | None
    diff_html: str
    positions: list
    by_family: dict
    by_territory: dict
    totals: dict
    agreement: agreement.Agreement
    comments: list
    followers: list  # merged into it or marked as its duplicates by a room; answered with it
    raw_by_family: dict  # every group, for pooling a duplicate group's voices; never shown

    @property
    def family_rows(self) -> list[tuple[str, dict]]:
        return _labelled(self.by_family, family_label)

    @property
    def territory_rows(self) -> list[tuple[str, dict]]:
        return _labelled(self.by_territory, lambda key: key or _("Territoire non précisé"))

    @property
    def deferred(self) -> bool:
        return self.amendment.deferred_at is not None

    @property
    def rebased(self) -> bool:
        """Written on an older text: the diff shows it merged into the current one. (The change's
        base is the article as it stands now; its `rebased` is the text once the proposal is
        applied, which differs from what the author read whenever the proposal changes anything.)"""
        return self.change is not None and not self.change.stale and self.amendment.base_text != self.change.base_for_spans


def family_label(key: str) -> str:
    return str(EssFamily(key).label) if key in EssFamily.values else str(_("Famille non précisée"))


def _labelled(breakdown: dict, label) -> list[tuple[str, dict]]:
    return sorted(((label(key), tally) for key, tally in breakdown.items()), key=lambda row: (-agreement.voices(row[1]), row[0]))


@dataclass
class UnitView:
    """A question for the collective: one amendment or a duplicate group, with pooled agreement."""

    items: list[Item]
    agreement: agreement.Agreement
    sentence: str

    @property
    def lead(self) -> Item:
        return self.items[0]

    @property
    def ids(self) -> str:
        return ",".join(str(i.amendment.pk) for i in self.items)

    @property
    def is_duplicate_group(self) -> bool:
        return len(self.items) > 1

    @property
    def agoras(self) -> list[str]:
        return sorted({i.amendment.agora.title for i in self.items if i.amendment.agora is not None})


@dataclass
class ArticleDesk:
    """Every pending amendment of one article (or the new articles proposed in one section)."""

    key: str  # "article-12" or "new-<section id>"
    label: str
    clause: object | None
    section: object
    current_text: str
    revision: int | None
    conflict_sets: list[list[UnitView]] = field(default_factory=list)
    compatible: list[UnitView] = field(default_factory=list)
    stale: list[Item] = field(default_factory=list)
    summary: str = ""

    @property
    def count(self) -> int:
        return sum(len(u.items) for s in self.conflict_sets for u in s) + sum(len(u.items) for u in self.compatible) + len(self.stale)

    @property
    def items(self) -> list[Item]:
        units = [u for s in self.conflict_sets for u in s] + self.compatible
        return [i for u in units for i in u.items] + self.stale

    @property
    def compatible_ids(self) -> str:
        return ",".join(u.ids for u in self.compatible)


@dataclass
class Desk:
    manifesto: Manifesto
    articles: list[ArticleDesk]
    agoras: list
    filters: Filters
    last_seq: int
    pending: int  # amendments still to be answered in the whole manifesto

    @property
    def shown(self) -> int:
        return sum(a.count for a in self.articles)


# ------------------------------------------------------------------------- reading the rows


def pending_amendments(manifesto: Manifesto):
    """The manifesto's amendments still waiting for the collective's answer.

    An amendment a room folded into a compromise, or marked as the duplicate of another, is not
    answered on its own: it follows the one it lives on in (shown beside it, answered with it).
    """
    return (
        Amendment.objects.filter(manifesto=manifesto, outcome_final=False)
        .exclude(state__in=NOT_FOR_THE_DESK)
        .exclude(state=AmendmentState.MERGED, merged_into__isnull=False)
        .exclude(state=AmendmentState.DUPLICATE, duplicate_of__isnull=False)
        .select_related("session__agora", "author", "author_user", "clause", "section")
        .order_by("number")
    )


def territory_of(agora) -> str:
    if agora is None:
        return ""
    if agora.is_online_space:
        return str(_("En ligne"))
    return agora.departement or agora.region or ""


def support_breakdowns(amendment_ids: list[int]) -> tuple[dict, dict]:
    """({id: {family: tally}}, {id: {territory: tally}}) in one query.

    A voice's territory is that of the agora where it was given (the online space is "En ligne").
    """
    by_family: dict[int, dict] = {}
    by_territory: dict[int, dict] = {}
    rows = (
        Support.objects.filter(amendment_id__in=amendment_ids)
        .values_list(
            "amendment_id",
            "value",
            "participant__ess_family",
            "participant__session__agora__departement",
            "participant__session__agora__region",
            "participant__session__agora__is_online_space",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for amendment_id, value, family, departement, region, online, count in rows:
        territory = str(_("En ligne")) if online else (departement or region or "")
        by_family.setdefault(amendment_id, {}).setdefault(family or "", agreement.empty())[value] += count
        by_territory.setdefault(amendment_id, {}).setdefault(territory, agreement.empty())[value] += count
    return by_family, by_territory


@dataclass(frozen=True)
class PositionView:
    """An agora's position as the desk shows it: said in words, with the tally frozen then."""

    position: AgoraPosition
    note: str

    @property
    def kind(self) -> str:
        return self.position.position

    @property
    def reason(self) -> str:
        return self.position.reason

    @property
    def tally(self) -> dict:
        return self.position.tally or {}


def positions_by_amendment(amendment_ids: list[int]) -> dict[int, list[PositionView]]:
    positions: dict[int, list] = {}
    for position in AgoraPosition.objects.filter(amendment_id__in=amendment_ids).select_related("agora"):
        positions.setdefault(position.amendment_id, []).append(PositionView(position, outcomes.position_note(position)))
    return positions


def followers_by_amendment(amendment_ids: list[int]) -> dict[int, list]:
    """{id: [amendments the rooms merged into it or marked as its duplicates]} in one query."""
    followers: dict[int, list] = {}
    rows = (
        Amendment.objects.filter(
            Q(merged_into_id__in=amendment_ids, state=AmendmentState.MERGED)
            | Q(duplicate_of_id__in=amendment_ids, state=AmendmentState.DUPLICATE)
        )
        .select_related("session__agora")
        .order_by("number")
    )
    for row in rows:
        followers.setdefault(row.merged_into_id or row.duplicate_of_id, []).append(row)
    return followers


def comments_by_amendment(amendment_ids: list[int]) -> dict[int, list]:
    comments: dict[int, list] = {}
    for comment in Comment.objects.filter(amendment_id__in=amendment_ids).select_related("author", "author_user"):
        comments.setdefault(comment.amendment_id, []).append(comment)
    return comments


# ------------------------------------------------------------------------- filters


def _supported_by(item: Item, family: str) -> bool:
    tally = item.by_family.get(family)
    return bool(tally) and tally["pour"] > tally["contre"]


def _state_of(amendment: Amendment) -> str:
    if amendment.deferred_at is not None:
        return "deferred"
    if amendment.state == AmendmentState.OPEN:
        return "waiting"
    if amendment.state in (AmendmentState.REJECTED,) or amendment.outcome == "not_retained":
        return "not_retained"
    return "retained"


def _matches(item: Item, filters: Filters) -> bool:
    amendment = item.amendment
    if filters.agora and (amendment.agora is None or amendment.agora.slug != filters.agora):
        return False
    if filters.family and not _supported_by(item, filters.family):
        return False
    if filters.state and _state_of(amendment) != filters.state:
        return False
    return True


# ------------------------------------------------------------------------- sentences


def _quote(text: str) -> str:
    return "« %s »" % text


def _where(where: grouping.Passage) -> str:
    if where.where == "whole":
        return _("sur l'ensemble de l'article")
    if where.where == "start":
        return _("sur le début de l'article (%(quote)s)") % {"quote": _quote(where.quote)}
    if where.where == "end":
        return _("sur la fin de l'article (%(quote)s)") % {"quote": _quote(where.quote)}
    return _("sur %(quote)s") % {"quote": _quote(where.quote)}


def _who(unit: grouping.Unit) -> str:
    """ "3 agoras" when they come from several, else "3 propositions"."""
    count = len(unit.changes)
    agoras = len(unit.agoras)
    if agoras > 1:
        return ngettext("%(n)d agora", "%(n)d agoras", agoras) % {"n": agoras}
    return ngettext("%(n)d proposition", "%(n)d propositions", count) % {"n": count}


def describe_unit(unit: grouping.Unit) -> str:
    """What a proposal or a duplicate group wants, in a few words."""
    verb, removed, added = grouping.action(unit.lead)
    several = len(unit.changes) > 1
    subject = _who(unit) if several else _("Une proposition")
    plural = several
    phrases = {
        "delete_article": (_("%(who)s veut supprimer l'article"), _("%(who)s veulent supprimer l'article")),
        "insert_article": (_("%(who)s propose un nouvel article : %(added)s"), _("%(who)s proposent un nouvel article : %(added)s")),
        "already": (_("%(who)s est déjà satisfaite par le texte actuel"), _("%(who)s sont déjà satisfaites par le texte actuel")),
        "rewrite": (_("%(who)s propose une nouvelle rédaction"), _("%(who)s proposent la même nouvelle rédaction")),
        "delete": (_("%(who)s veut supprimer %(removed)s"), _("%(who)s veulent supprimer %(removed)s")),
        "insert": (_("%(who)s veut ajouter %(added)s"), _("%(who)s veulent ajouter %(added)s")),
        "replace": (
            _("%(who)s veut remplacer %(removed)s par %(added)s"),
            _("%(who)s veulent remplacer %(removed)s par %(added)s"),
        ),
    }
    singular_form, plural_form = phrases[verb]
    return (plural_form if plural else singular_form) % {
        "who": subject,
        "removed": _quote(removed),
        "added": _quote(added),
    }


def summarise(label: str, groups: grouping.Grouping) -> str:
    """ "Article 4 — 3 agoras veulent supprimer « plutôt que » ; 2 propositions incompatibles sur la fin de l'article (« … »)"."""
    parts = [describe_unit(u) for u in groups.duplicate_groups]
    for conflict in groups.conflict_sets:
        count = sum(len(u.changes) for u in conflict)
        where = grouping.passage([u.lead for u in conflict], groups.current_text)
        parts.append(
            ngettext(
                "%(n)d proposition incompatible %(where)s",
                "%(n)d propositions incompatibles %(where)s",
                count,
            )
            % {"n": count, "where": _where(where)}
        )
    lone = [u for u in groups.compatible if not u.is_duplicate_group]
    if lone:
        parts.append(
            ngettext("%(n)d changement compatible", "%(n)d changements compatibles", len(lone)) % {"n": len(lone)}
        )
    if groups.stale:
        parts.append(
            ngettext(
                "%(n)d proposition à revoir (l'article a changé depuis)",
                "%(n)d propositions à revoir (l'article a changé depuis)",
                len(groups.stale),
            )
            % {"n": len(groups.stale)}
        )
    return "%s — %s" % (label, " ; ".join(parts)) if parts else label


# ------------------------------------------------------------------------- the desk


def _proposal(amendment: Amendment) -> grouping.Proposal:
    agora = amendment.agora
    return grouping.Proposal(
        id=amendment.pk,
        number=amendment.number,
        agora=agora.title if agora else "",
        kind=amendment.kind,
        base_text=amendment.base_text,
        text=deliberation_selectors.proposed_text(amendment),
    )


def _item(amendment, change, current_text, *, breakdowns, territories, positions, comments, followers) -> Item:
    raw_by_family = breakdowns.get(amendment.pk, {})
    totals = agreement.merge_breakdowns([{"": t} for t in raw_by_family.values()]).get("", agreement.empty())
    # Opinions by group only for groups large enough (manifesto/disclosure.py), on the desk too:
    # what is shown, filtered on and scored is the publishable breakdown.
    by_family = publishable_groups(raw_by_family)
    if change is not None and not change.stale and amendment.kind != AmendmentKind.INSERT:
        diff = render_diff(current_text, change.rebased)
    else:
        diff = render_diff(amendment.base_text, deliberation_selectors.proposed_text(amendment))
    return Item(
        amendment=amendment,
        change=change,
        diff_html=diff,
        positions=positions.get(amendment.pk, []),
        by_family=by_family,
        by_territory=publishable_groups(territories.get(amendment.pk, {})),
        totals=totals,
        agreement=agreement.cross_family(by_family),
        raw_by_family=raw_by_family,
        comments=comments.get(amendment.pk, []),
        followers=followers.get(amendment.pk, []),
    )


def _target(amendment: Amendment) -> tuple:
    """Where an amendment lands: its article, or the new articles of its section."""
    if amendment.kind == AmendmentKind.INSERT:
        return ("new", amendment.section_id)
    return ("article", amendment.clause_id or -amendment.clause_number or 0)


def _article_label(amendment: Amendment) -> str:
    if amendment.kind == AmendmentKind.INSERT:
        return _("Nouveaux articles — %(section)s") % {"section": amendment.section.title}
    return _("Article %(number)s") % {"number": amendment.clause_number}


def _build(amendments: list[Amendment], filters: Filters) -> list[ArticleDesk]:
    ids = [a.pk for a in amendments]
    breakdowns, territories = support_breakdowns(ids)
    related = {
        "breakdowns": breakdowns,
        "territories": territories,
        "positions": positions_by_amendment(ids),
        "comments": comments_by_amendment(ids),
        "followers": followers_by_amendment(ids),
    }
    targets: OrderedDict[tuple, list[Amendment]] = OrderedDict()
    ordered = sorted(
        amendments,
        key=lambda a: (a.section.position, a.kind == AmendmentKind.INSERT, a.clause.position if a.clause else 10**6, a.number),
    )
    for amendment in ordered:
        targets.setdefault(_target(amendment), []).append(amendment)

    articles = []
    for (kind, key), members in targets.items():
        first = members[0]
        clause = first.clause if kind == "article" else None
        current_text = clause.text if clause is not None else None
        proposals = [_proposal(a) for a in members]
        groups = grouping.group_new_articles(proposals) if kind == "new" else grouping.group_article(proposals, current_text)
        by_id = {a.pk: a for a in members}

        def view(unit: grouping.Unit) -> UnitView:
            items = [
                _item(by_id[c.proposal.id], c, current_text or "", **related) for c in unit.changes
            ]
            pooled = agreement.cross_family(publishable_groups(agreement.merge_breakdowns([i.raw_by_family for i in items])))
            return UnitView(items=items, agreement=pooled, sentence=describe_unit(unit))

        label = _article_label(first)
        article = ArticleDesk(
            key=f"article-{first.clause_number}" if kind == "article" else f"new-{first.section_id}",
            label=label,
            clause=clause,
            section=first.section,
            current_text=current_text or "",
            revision=clause.revision if clause is not None else None,
            conflict_sets=[[view(u) for u in s] for s in groups.conflict_sets],
            compatible=[view(u) for u in groups.compatible],
            stale=[_item(by_id[c.proposal.id], c, current_text or "", **related) for c in groups.stale],
            summary=summarise(label, groups),
        )
        if filters.active:
            article = _filtered(article, filters)
        if article is not None:
            articles.append(article)
    return articles


def _filtered(article: ArticleDesk, filters: Filters) -> ArticleDesk | None:
    """Keep the groups with at least one matching amendment, whole: a conflict is read entire."""
    if filters.article == "new" and not article.key.startswith("new-"):
        return None
    if filters.article not in ("", "new") and article.key != f"article-{filters.article}":
        return None

    def keep(unit: UnitView) -> bool:
        return any(_matches(i, filters) for i in unit.items)

    article.conflict_sets = [s for s in article.conflict_sets if any(keep(u) for u in s)]
    article.compatible = [u for u in article.compatible if keep(u)]
    article.stale = [i for i in article.stale if _matches(i, filters)]
    return article if article.count else None


def desk(manifesto: Manifesto, *, filters: Filters | None = None) -> Desk:
    """The whole desk of a manifesto: every article with amendments still to be answered."""
    filters = filters or Filters()
    amendments = list(pending_amendments(manifesto))
    articles = _build(amendments, filters)
    agoras = list(manifesto.agoras.order_by("is_online_space", "starts_at", "title").only("slug", "title", "is_online_space"))
    last_seq = Manifesto.objects.values_list("last_seq", flat=True).get(pk=manifesto.pk)
    return Desk(manifesto=manifesto, articles=articles, agoras=agoras, filters=filters, last_seq=last_seq, pending=len(amendments))


def article_desk(manifesto: Manifesto, *, clause_number: int) -> ArticleDesk | None:
    """The desk of one article: its pending amendments, grouped (None when there are none)."""
    amendments = list(pending_amendments(manifesto).filter(clause_number=clause_number).exclude(kind=AmendmentKind.INSERT))
    articles = _build(amendments, Filters())
    return articles[0] if articles else None


def busiest_article(manifesto: Manifesto) -> int | None:
    """The number of the article with the most amendments still to be answered."""
    row = (
        pending_amendments(manifesto)
        .exclude(kind=AmendmentKind.INSERT)
        .exclude(clause_number=None)
        .values("clause_number")
        .annotate(n=Count("id"))
        .order_by("-n", "clause_number")
        .first()
    )
    return row["clause_number"] if row else None



@dataclass
class Wording:
    """What the editor reads while writing the collective's wording."""

    label: str
    items: list[Item]
    current_text: str
    revision: int | None
    suggestion: str  # a starting point: the compatible changes merged, else the current text
    credit: str


def wording_context(manifesto: Manifesto, ids: list[int]) -> Wording:
    amendments = list(pending_amendments(manifesto).filter(pk__in=ids))
    articles = _build(amendments, Filters())
    items = [i for a in articles for i in a.items]
    article = articles[0] if articles else None
    current = article.current_text if article else ""
    if article is not None and article.clause is None:
        suggestion = items[0].amendment.text if items else ""
    else:
        changes = [i.change for i in items if i.change is not None and not i.change.stale]
        suggestion = (grouping.combine(changes, current) if changes else None) or current
    return Wording(
        label=article.label if article else "",
        items=sorted(items, key=lambda i: i.amendment.number),
        current_text=current,
        revision=article.revision if article else None,
        suggestion=suggestion,
        credit=credit_line(amendments) if amendments else "",
    )

