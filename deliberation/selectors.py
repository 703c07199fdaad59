"""Reads of deliberation that are more than a one-line query, and the public shapes of events."""

from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _

from agora import phases
from deliberation import outcomes
from deliberation.models import Amendment, AmendmentKind, AmendmentState, Comment, Support, SupportValue
from deliberation.permissions import Actor, can_moderate, can_view_amendment, is_author
from manifesto import lines, stages
from manifesto import selectors as text_selectors
from manifesto.diff import render_diff, word_diff
from manifesto.merge import three_way_merge
from manifesto.models import ManifestoStatus
from manifesto.disclosure import publishable_groups
from manifesto.services import in_site_language

STATE_ORDER = [
    AmendmentState.OPEN,
    AmendmentState.RETAINED,
    AmendmentState.ACCEPTED,
    AmendmentState.MERGED,
    AmendmentState.DUPLICATE,
    AmendmentState.REJECTED,
    AmendmentState.WITHDRAWN,
    AmendmentState.HIDDEN,
]
SUPPORT_VALUES = [v.value for v in SupportValue]


def with_relations(queryset=None):
    queryset = Amendment.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "session__agora", "author", "author_user", "clause", "section", "manifesto", "outcome_clause", "outcome_related"
    )


def for_change(queryset=None):
    """An amendment with the relations every change reads (its session's agora, author, text and
    article); the others load when a change needs them, which is rare. PostgreSQL plans the full
    with_relations join (ten tables) in 5–12 ms, several times the rest of a support
    (bench/command_profile.py --queries); this one in under 1 ms."""
    queryset = Amendment.objects.all() if queryset is None else queryset
    return queryset.select_related("session__agora", "author", "manifesto", "clause")


def proposed_text(amendment: Amendment) -> str:
    """The text the clause would have: empty for a deletion."""
    return "" if amendment.kind == AmendmentKind.DELETE else amendment.text


def amendment_diff(amendment: Amendment):
    """The escaped word-level diff from the text it was written against to the text it proposes.

    Kept on the instance for its two texts: a command's event and its reply both show it, and
    a proposal computes it before taking the manifesto's lock (services.propose_amendment)."""
    texts = (amendment.base_text, proposed_text(amendment))
    memo = getattr(amendment, "_diff_memo", None)
    if memo is None or memo[0] != texts:
        memo = amendment._diff_memo = (texts, render_diff(*texts))
    return memo[1]


def needs_review(amendment: Amendment) -> bool:
    """An open amendment whose clause's text is no longer the one it was written on (or whose
    clause vanished): "à revoir". The text, not the revision, decides: an undone adoption gives
    the article back its words under a new revision, and what was written on them is current again."""
    if amendment.state != AmendmentState.OPEN or amendment.kind == AmendmentKind.INSERT:
        return False
    return amendment.clause is None or amendment.clause.text != amendment.base_text


@dataclass(frozen=True)
class PendingConflict:
    """Why accepting this amendment as it stands would be refused, with the three texts to compare."""

    base: str  # the clause when the amendment was written
    current: str  # the clause now
    proposed: str  # what the amendment proposes (empty for a deletion)
    current_revision: int  # the revision a merged text must be written against


def pending_conflict(amendment: Amendment) -> PendingConflict | None:
    """The conflict an accept would meet now: the clause changed since the amendment's base and
    the changes overlap (or a deletion meets an edit). None when an accept would go through."""
    if amendment.state != AmendmentState.OPEN or amendment.kind == AmendmentKind.INSERT:
        return None
    clause = amendment.clause
    if clause is None or clause.revision == amendment.base_revision:
        return None
    proposed = proposed_text(amendment)
    merged = three_way_merge(base=amendment.base_text, current=clause.text, proposed=proposed)
    if not merged.conflict and amendment.kind != AmendmentKind.DELETE:
        return None
    return PendingConflict(
        base=amendment.base_text, current=clause.text, proposed=proposed, current_revision=clause.revision
    )


def public_data(amendment: Amendment) -> dict:
    """What everyone in the room may see (manifesto.vocabulary.AMENDMENT); a hidden one without its text."""
    hidden = amendment.state == AmendmentState.HIDDEN
    agora = amendment.agora
    return {
        "id": amendment.pk,
        "number": amendment.number,
        "session_id": amendment.session_id,
        "agora": agora.title if agora else "",
        "author": "" if hidden else amendment.author_name,
        "kind": amendment.kind,
        "clause_id": amendment.clause_id,
        "clause_number": amendment.clause_number,
        "section_id": amendment.section_id,
        "base_revision": amendment.base_revision,
        "base_text": "" if hidden else amendment.base_text,
        "text": "" if hidden else amendment.text,
        "justification": "" if hidden else amendment.justification,
        "diff_html": "" if hidden else str(amendment_diff(amendment)),
        "state": amendment.state,
        "hidden": hidden,
        # The reason for hiding is for the author and facilitators; a rejection's reason is public.
        "decision_reason": "" if hidden else amendment.decision_reason,
        "duplicate_of": amendment.duplicate_of_id,
        "merged_into": amendment.merged_into_id,
        "url": amendment.get_absolute_url(),
        # The public answer (suite donnée), final only when given by the collective or, in room
        # mode, by the room; `answer` says it in words ("doublon de n° 12").
        "outcome": amendment.outcome,
        "outcome_final": amendment.outcome_final,
        "answer": in_site_language(outcomes.answer(amendment)),
        # What `answer` is made of, so that each page says it in its own language (an event is
        # broadcast once to readers of every language): the article, the other amendment, the reason.
        **outcomes.answer_parts(amendment),
    }


def data_for(amendment: Amendment, actor: Actor, *, as_moderator: bool = False) -> dict:
    """The amendment as this person may see it: full for its author and the moderators."""
    data = public_data(amendment)
    if data["hidden"] and (as_moderator or is_author(actor, amendment) or can_moderate(actor, amendment)):
        data.update(
            author=amendment.author_name,
            base_text=amendment.base_text,
            text=amendment.text,
            justification=amendment.justification,
            diff_html=str(amendment_diff(amendment)),
            decision_reason=amendment.decision_reason,
        )
    return data


def frozen_tally(amendment: Amendment) -> dict:
    """The room's voices on an amendment now, to be frozen into the agora's position:
    {"pour", "contre", "abstention", "by_family": {family: totals}, "by_territory": {territory: totals}}.

    A voice's territory is its agora's (département, else région): participants join without
    an account and are not asked where they live.
    """
    totals, by_family = support_totals(amendment)
    agora = amendment.agora
    territory = (agora.departement or agora.region) if agora is not None else ""
    return {**totals, "by_family": by_family, "by_territory": {territory: dict(totals)} if any(totals.values()) else {}}


def empty_totals() -> dict:
    return {value: 0 for value in SUPPORT_VALUES}


def support_totals(amendment: Amendment) -> tuple[dict, dict]:
    """(totals, by_family): counts of pour/contre/abstention, overall and per ESS family ("" when unknown).

    `by_family` is publishable: families with too few voices are left out (manifesto.disclosure).
    """
    totals = empty_totals()
    by_family: dict[str, dict] = {}
    rows = (
        Support.objects.filter(amendment=amendment)
        .values_list("value", "participant__ess_family")
        .annotate(n=Count("id"))
        .order_by()
    )
    for value, family, count in rows:
        totals[value] += count
        by_family.setdefault(family or "", empty_totals())[value] += count
    return totals, publishable_groups(by_family)


def _with_totals(queryset):
    return queryset.annotate(
        total_pour=Count("supports", filter=Q(supports__value=SupportValue.FOR)),
        total_contre=Count("supports", filter=Q(supports__value=SupportValue.AGAINST)),
        total_abstention=Count("supports", filter=Q(supports__value=SupportValue.ABSTAIN)),
    )


def visible(queryset, actor: Actor):
    """Filter out the hidden amendments this person may not see (in the database, for lists)."""
    actor = Actor.of(actor)
    return queryset.filter(~Q(state=AmendmentState.HIDDEN) | Q(pk__in=_hidden_visible_ids(queryset, actor)))


def _hidden_visible_ids(queryset, actor: Actor) -> list[int]:
    hidden = with_relations(queryset.filter(state=AmendmentState.HIDDEN))
    return [a.pk for a in hidden if can_view_amendment(actor, a)]


def amendments_for_session(session, viewer, *, as_moderator: bool = False) -> list[Amendment]:
    """The session's amendments this person may see, in number order, with totals annotated."""
    queryset = Amendment.objects.filter(session=session)
    if not as_moderator:
        queryset = visible(queryset, viewer)
    return list(_with_totals(with_relations(queryset)).prefetch_related("positions__agora").order_by("number"))


def amendments_for_clause(clause, viewer) -> "OrderedDict[str, list[Amendment]]":
    """The clause's amendments this person may see, grouped by state (open first), with totals.

    For the clause page: `{% for state, amendments in groups.items %}`; each amendment has
    `total_pour`, `total_contre`, `total_abstention`, `get_state_display` and `get_absolute_url`.
    `viewer` is a user (request.user), None, or a deliberation.permissions.Actor.
    """
    queryset = Amendment.objects.filter(clause=clause)
    groups: OrderedDict[str, list[Amendment]] = OrderedDict()
    amendments = list(
        _with_totals(with_relations(visible(queryset, viewer))).prefetch_related("positions__agora").order_by("number")
    )
    for state in STATE_ORDER:
        in_state = [a for a in amendments if a.state == state]
        if in_state:
            groups[state] = in_state
    return groups


def clause_panel_groups(clause, viewer, *, per_state: int = 20) -> list[tuple[str, int, list[Amendment]]]:
    """(state, how many, the latest `per_state` of them) for the clause page, open first.

    A busy article gathers hundreds of amendments; the page shows the latest of each state and
    how many there are, in three queries whatever their number.
    """
    queryset = visible(Amendment.objects.filter(clause=clause), viewer)
    numbers_by_state: dict[str, list[int]] = {}
    for pk, state in queryset.order_by("-number").values_list("pk", "state"):
        numbers_by_state.setdefault(state, []).append(pk)
    shown = [pk for pks in numbers_by_state.values() for pk in pks[:per_state]]
    rows = {
        a.pk: a
        for a in _with_totals(with_relations(Amendment.objects.filter(pk__in=shown))).prefetch_related("positions__agora")
    }
    return [
        (state, len(numbers_by_state[state]), [rows[pk] for pk in numbers_by_state[state][:per_state]])
        for state in STATE_ORDER
        if state in numbers_by_state
    ]


def amendments_by_clause(session, viewer, *, as_moderator: bool = False) -> list[dict]:
    """The session's amendments this person may see, grouped under their clause in text order."""
    amendments = amendments_for_session(session, viewer, as_moderator=as_moderator)
    return _group_by_clause(sorted(amendments, key=lambda a: (a.section.position, a.clause.position if a.clause else 10**6, a.number)))


def _group_by_clause(amendments) -> list[dict]:
    groups: OrderedDict = OrderedDict()
    for amendment in amendments:
        clause_id = amendment.clause_id if amendment.clause_id else None
        groups.setdefault((amendment.section_id, clause_id), []).append(amendment)
    result = []
    for (section_id, clause_id), items in groups.items():
        first = items[0]
        if clause_id is not None:
            label = _("Article %(number)s") % {"number": first.clause.number}
        else:
            label = _("Nouveaux articles — %(section)s") % {"section": first.section.title}
        result.append({"label": label, "clause": first.clause if clause_id else None, "amendments": items})
    return result


def moderation_queue(session) -> list[dict]:
    """Per clause (in text order), every amendment of the session with its totals: the facilitator's queue."""
    return amendments_by_clause(session, None, as_moderator=True)


def comments_for(amendment: Amendment) -> list[Comment]:
    return list(amendment.comments.select_related("author", "author_user"))


def comment_data(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "amendment_id": comment.amendment_id,
        "author": comment.author_name,
        "stance": comment.stance,
        "text": comment.text,
        "created_at": comment.created_at.isoformat(),
    }


def history_of(amendment: Amendment) -> list:
    """The amendment's history rows (who, when, why), oldest first. Each row's `who` names the
    person who acted, unless the reason already does (« Reporté par le collectif de rédaction
    (Rachida) » is not followed by a second « (Rachida) »)."""
    rows = list(amendment.history.select_related("history_user").order_by("history_date", "history_id"))
    for row in rows:
        user = row.history_user
        name = (user.get_full_name() or user.get_username()) if user is not None else ""
        row.who = "" if name and name in (row.history_change_reason or "") else name
    return rows


def own_support(amendment: Amendment, participant) -> str | None:
    if participant is None:
        return None
    return Support.objects.filter(amendment=amendment, participant=participant).values_list("value", flat=True).first()


def own_supports(session, participant) -> dict[int, str]:
    if participant is None:
        return {}
    return dict(Support.objects.filter(amendment__session=session, participant=participant).values_list("amendment_id", "value"))


def clauses_in_scope(session):
    """The clauses the session discusses, in reading order (an empty scope is the whole text)."""
    from manifesto.models import Clause

    scope = session.scope.all()
    clauses = scope if scope.exists() else Clause.objects.filter(manifesto_id=session.agora.manifesto_id)
    return clauses.order_by("section__position", "position", "id")


def sections_in_scope(session):
    from manifesto.models import Section

    sections = Section.objects.filter(manifesto_id=session.agora.manifesto_id)
    scope = session.scope.all()
    if scope.exists():
        sections = sections.filter(pk__in=scope.values("section_id"))
    return sections.order_by("position", "id")


def comments_by_amendment(amendment_ids: list[int]) -> dict[int, list[dict]]:
    comments: dict[int, list[dict]] = {}
    for comment in Comment.objects.filter(amendment_id__in=amendment_ids).select_related("author", "author_user"):
        comments.setdefault(comment.amendment_id, []).append(comment_data(comment))
    return comments


def support_breakdowns(amendment_ids: list[int]) -> dict[int, dict]:
    """{amendment id: {ess_family or "": totals}} for many amendments in one query, publishable only."""
    breakdowns: dict[int, dict] = {}
    rows = (
        Support.objects.filter(amendment_id__in=amendment_ids)
        .values_list("amendment_id", "value", "participant__ess_family")
        .annotate(n=Count("id"))
        .order_by()
    )
    for amendment_id, value, family, count in rows:
        breakdowns.setdefault(amendment_id, {}).setdefault(family or "", empty_totals())[value] += count
    return {amendment_id: publishable_groups(groups) for amendment_id, groups in breakdowns.items()}


def line_citation(amendment: Amendment, numbering: lines.NumberedText | None = None) -> str:
    """ "article 4, l. 12–14": the lines of the current text the amendment touches, or "".

    A new clause is cited by the line after which it goes. When the article changed since the
    amendment was written (or the amendment was adopted), its span is carried over to the
    current wording; an article since deleted has no line to cite.
    """
    clause = amendment.clause
    if clause is None:
        return ""
    numbering = numbering or text_selectors.current_numbering(amendment.manifesto)
    block = numbering.clause(clause.number)
    if block.first is None:
        return ""
    if amendment.kind == AmendmentKind.INSERT:
        return _("après l’article %(number)s, %(lines)s") % {
            "number": clause.number,
            "lines": lines.format_range(block.last, block.last),
        }
    if amendment.kind == AmendmentKind.DELETE:
        span = (block.first, block.last)
    else:
        span = lines.cited_lines(block, base_text=amendment.base_text, proposed_text=amendment.text, current_text=clause.text)
    return _("article %(number)s, %(lines)s") % {"number": clause.number, "lines": lines.format_range(*span)}


def projected(amendment: Amendment | None, session_id: int) -> dict:
    """The projector's view of the amendment on screen: its public data, the agora's publishable
    tally (totals and ESS-family breakdown) and the word diff as chunks for the client to render."""
    if amendment is None:
        return {"session_id": session_id, "amendment": None, "totals": empty_totals(), "by_family": {}, "chunks": [],
                "citation": "", "group": [], "needs_review": False}
    data = public_data(amendment)
    totals, by_family = support_totals(amendment)
    chunks = [] if data["hidden"] else [[c.op, c.text] for c in word_diff(amendment.base_text, amendment.text)]
    with translation.override(settings.LANGUAGE_CODE):  # a journal record: the site's language
        citation = "" if data["hidden"] else line_citation(amendment)
    return {"session_id": session_id, "amendment": data, "totals": totals, "by_family": by_family, "chunks": chunks,
            "citation": citation, "group": [], "needs_review": not data["hidden"] and needs_review(amendment)}


def projected_group(amendments: list[Amendment], session_id: int) -> dict:
    """`projected` for the first, and `group`: each of them (without a group of its own) when
    several are side by side."""
    data = projected(amendments[0] if amendments else None, session_id)
    if len(amendments) > 1:
        data["group"] = [{k: v for k, v in projected(a, session_id).items() if k != "group"} for a in amendments]
    return data


def projection_of(session):
    """The session's Projection row (what the projector shows), or None before the first change."""
    from deliberation.models import Projection

    return Projection.objects.filter(session=session).select_related("amendment").first()


def shown_group(session) -> list[Amendment]:
    """The amendments on the projector, in the facilitator's order (one, several, or none)."""
    projection = projection_of(session)
    if projection is None:
        return []
    if projection.group:
        found = {a.pk: a for a in with_relations().filter(pk__in=projection.group)}
        return [found[pk] for pk in projection.group if pk in found and found[pk].state != AmendmentState.HIDDEN]
    return [projection.amendment] if projection.amendment is not None else []


def shown_amendment(session) -> Amendment | None:
    """The amendment the facilitator put on the session's projector, if any."""
    from deliberation.models import Projection

    projection = Projection.objects.filter(session=session).select_related("amendment").first()
    return projection.amendment if projection is not None else None


# ------------------------------------------------------------------------- may one propose now?


def proposal_refusal(session) -> str | None:
    """Why the session's participants cannot propose an amendment now, or None when they can.

    The same checks as services.propose_amendment, so pages offer the form only when it can
    work: the session open, its phase, the text still being written, the process's stage.
    """
    if session.closed_at is not None:
        return _("La séance est close.")
    if not phases.command_allowed(session, "amendment.propose"):
        return _("La phase a changé : les propositions sont closes.")
    manifesto = session.agora.manifesto
    if manifesto.status != ManifestoStatus.DRAFTING:
        return _("Le texte est figé : il ne peut plus être modifié.")
    staged = stages.stages_of(manifesto)
    if not stages.is_allowed(manifesto, "amendment.propose", stages=staged):
        return stages.refusal(manifesto, "amendment.propose", stages=staged)
    return None


def proposal_conditions(session) -> dict:
    """What a live client needs to know whether proposing can work, and to follow it from events
    (manifesto.status_changed, stage.opened/closed): the text's status, whether the current
    stage allows proposing, and the stages that do (None: the manifesto has no staged process)."""
    manifesto = session.agora.manifesto
    staged = stages.stages_of(manifesto)
    return {
        "text_status": manifesto.status,
        "stage_allows": stages.is_allowed(manifesto, "amendment.propose", stages=staged),
        "stages_allowing": [kind for kind, spec in stages.STAGES.items() if "amendment.propose" in spec.actions]
        if staged else None,
    }
