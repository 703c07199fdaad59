"""Writes of the editorial desk: the collective integrates amendments into the text or answers them.

Only members of the manifesto's editorial collective may act (checked here, on every path).
The text changes only through manifesto's services (`apply_clause_text`, `apply_new_clause`,
`apply_clause_deletion`), under the clause's row lock and its revision: two editors at once
queue on that lock, and the second one's change is merged with the first when they do not
overlap, or refused as a conflict carrying the three texts — never a lost update.

Every credited amendment gets `applied_clause` and `applied_revision` (the revision its words
went into: "D'où vient ce texte ?" reads exactly that), its public outcome, and one
`amendment.outcome_given` event.

Lock order, as in deliberation.services: amendment rows (by id), then the clause, then the
manifesto row (the journal).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from deliberation import outcomes
from deliberation import selectors as deliberation_selectors
from deliberation.editorial import grouping
from deliberation.editorial.credits import credit_line, numbers_phrase
from deliberation.errors import AmendmentClosed, AmendmentConflict, ClauseConflict, InvalidInput, PermissionDenied
from deliberation.models import Amendment, AmendmentKind, AmendmentState, Outcome
from manifesto import permissions as manifesto_permissions
from manifesto import services as text_services
from manifesto.french import de_lazy
from manifesto.history import track
from manifesto.journal import record_event
from manifesto.models import Clause, Manifesto, ManifestoStatus
from manifesto.services import in_site_language
from manifesto.stages import require_allowed

MAX_REASON_LENGTH = 1000
# The states an amendment is closed in once the collective integrated it, so a room in room mode
# cannot apply it a second time; any other state is the agora's position and stays as it was.
CLOSES_ON_INTEGRATION = (AmendmentState.OPEN, AmendmentState.RETAINED)


@dataclass(frozen=True)
class Integration:
    clause: Clause | None  # the article as it now stands (None after a deletion)
    amendments: list[Amendment]  # every amendment credited, in number order
    merged: bool  # the article had changed since (some of) them were written; the changes were merged


# ------------------------------------------------------------------------- checks and helpers


def _require_member(user, manifesto: Manifesto) -> None:
    """Every desk action: a member of the collective, in a stage that allows integrating (manifesto.stages)."""
    if not manifesto_permissions.is_collective_member(user, manifesto):
        raise PermissionDenied(_("Seuls les membres du collectif de rédaction peuvent faire cela."))
    require_allowed(manifesto, "editorial.integrate")


def _require_drafting(manifesto: Manifesto) -> None:
    if manifesto.status != ManifestoStatus.DRAFTING:
        raise PermissionDenied(_("Le texte est figé : il ne peut plus être modifié."))


def _locked(manifesto: Manifesto, ids: list[int]) -> list[Amendment]:
    """The amendments, locked in id order (a fixed order: two editors never deadlock)."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise InvalidInput(_("Choisissez au moins un amendement."))
    amendments = list(
        deliberation_selectors.with_relations(Amendment.objects.select_for_update(of=("self",)))
        .filter(manifesto=manifesto, pk__in=ids)
        .order_by("pk")
    )
    if len(amendments) != len(ids):
        raise InvalidInput(_("Un de ces amendements n'existe pas ou n'appartient pas à ce manifeste."))
    for amendment in amendments:
        if amendment.outcome_final or amendment.state in (AmendmentState.WITHDRAWN, AmendmentState.HIDDEN):
            raise AmendmentClosed(
                _("L'amendement n° %(number)s a déjà reçu une réponse : %(outcome)s.")
                % {"number": amendment.number, "outcome": amendment.get_outcome_display()}
                if amendment.outcome_final
                else _("L'amendement n° %(number)s n'est plus à traiter (%(state)s).")
                % {"number": amendment.number, "state": amendment.get_state_display()}
            )
    return sorted(amendments, key=lambda a: a.number)


def _clean_reason(reason: str) -> str:
    reason = text_services.normalise_text(reason)
    if not reason:
        raise InvalidInput(_("Indiquez un motif : il sera public."))
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(_("Le motif dépasse %(max)d caractères.") % {"max": MAX_REASON_LENGTH})
    return reason


def _agoras(amendments: list[Amendment]) -> str:
    titles = []
    for amendment in amendments:
        agora = amendment.agora
        title = agora.title if agora is not None else in_site_language(_lazy("hors agora"))
        if title not in titles:
            titles.append(title)
    return ", ".join(titles)


def _editor(user) -> str:
    return user.get_full_name() or user.get_username()


def _answer(amendment: Amendment, user, outcome: str, *, reason: str = "", clause: Clause | None = None, related=None) -> None:
    outcomes.give_outcome(amendment, user=user, outcome=outcome, final=True, reason=reason, clause=clause, related=related)


def _journal_outcome(amendment: Amendment, clause: Clause | None = None) -> None:
    """One `amendment.outcome_given` per amendment answered (or deferred): its public data
    carries the outcome in words; clause_id / revision say where its words went."""
    record_event(
        manifesto_id=amendment.manifesto_id,
        type="amendment.outcome_given",
        data={
            "amendment": deliberation_selectors.public_data(amendment),
            "session_id": amendment.session_id,
            "clause_id": clause.pk if clause is not None else None,
            "revision": clause.revision if clause is not None else None,
        },
    )


def _followers(amendments: list[Amendment]) -> dict[int, list[Amendment]]:
    """The amendments a room folded into these (merged originals) or marked as their duplicates,
    locked: they have no answer of their own and follow the one they live on in."""
    ids = [a.pk for a in amendments]
    rows = (
        deliberation_selectors.with_relations(Amendment.objects.select_for_update(of=("self",)))
        .filter(Q(merged_into_id__in=ids, state=AmendmentState.MERGED) | Q(duplicate_of_id__in=ids, state=AmendmentState.DUPLICATE))
        .filter(outcome_final=False)
        .order_by("pk")
    )
    followers: dict[int, list[Amendment]] = {}
    for row in rows:
        followers.setdefault(row.merged_into_id or row.duplicate_of_id, []).append(row)
    return followers


def _credit(amendments_by_unit: list[list[Amendment]], user, outcome: str, clause, revision, *, merged: bool, reason: str) -> None:
    """Credit each unit: its lead gets `outcome`, the other members are its duplicates; the
    amendments the rooms merged into them or marked as their duplicates follow. All point at the
    revision their words went into."""
    followers = _followers([a for members in amendments_by_unit for a in members])
    for members in amendments_by_unit:
        lead = members[0]
        for amendment in members:
            if amendment is lead or outcome == Outcome.INTEGRATED_MODIFIED:
                answered = [(amendment, outcome, None)]
            else:
                answered = [(amendment, Outcome.DUPLICATE, lead)]
            for follower in followers.get(amendment.pk, []):
                kind = Outcome.MERGED if follower.merged_into_id == amendment.pk else Outcome.DUPLICATE
                answered.append((follower, kind, amendment))
            for row, row_outcome, related in answered:
                row.applied_clause = clause
                row.applied_revision = revision
                row.applied_with_merge = merged
                if row.state in CLOSES_ON_INTEGRATION:
                    row.state = AmendmentState.ACCEPTED
                    row.decided_by = user
                    row.decided_at = timezone.now()
                _answer(row, user, row_outcome, clause=clause, related=related)
                track(row, actor=user, reason=reason).save()
                _journal_outcome(row, clause)


def _same_target(amendments: list[Amendment]) -> str:
    """ "insert" when all propose new articles, "clause" when all change one article; else refuse."""
    kinds = {a.kind == AmendmentKind.INSERT for a in amendments}
    if kinds == {True}:
        return "insert"
    if kinds == {False} and len({a.clause_number for a in amendments}) == 1:
        return "clause"
    raise InvalidInput(_("On n'intègre ensemble que des amendements qui portent sur le même article."))


def _lock_clause(amendments: list[Amendment]) -> Clause:
    clause_id = amendments[0].clause_id
    clause = Clause.objects.select_for_update().filter(pk=clause_id).first() if clause_id else None
    if clause is None:
        raise ClauseConflict(_("L'article visé par cet amendement a été supprimé entre-temps."))
    return clause


def _proposal(amendment: Amendment) -> grouping.Proposal:
    return grouping.Proposal(
        id=amendment.pk,
        number=amendment.number,
        agora=amendment.agora.title if amendment.agora else "",
        kind=amendment.kind,
        base_text=amendment.base_text,
        text=deliberation_selectors.proposed_text(amendment),
    )


def _conflict(clause: Clause, amendment: Amendment) -> AmendmentConflict:
    return AmendmentConflict(
        clause=clause,
        base=amendment.base_text,
        current=clause.text,
        proposed=deliberation_selectors.proposed_text(amendment),
    )


# ------------------------------------------------------------------------- integrating


@transaction.atomic
def integrate(*, actor, manifesto: Manifesto, amendment_ids: list[int]) -> Integration:
    """Integrate amendments as they are: one, a duplicate group (credited together), or several
    compatible ones at once (merged word by word with the three-way merge).

    Written against an older revision, each is merged with what changed since; when a change
    overlaps another one or what changed since, nothing is written and AmendmentConflict
    carries the three texts of the first that does not fit.
    """
    _require_member(actor, manifesto)
    _require_drafting(manifesto)
    amendments = _locked(manifesto, amendment_ids)
    if _same_target(amendments) == "insert":
        return _integrate_new_articles(actor, amendments)

    clause = _lock_clause(amendments)
    by_id = {a.pk: a for a in amendments}
    groups = grouping.group_article([_proposal(a) for a in amendments], clause.text)
    if groups.stale:
        raise _conflict(clause, by_id[groups.stale[0].proposal.id])
    if groups.conflict_sets:
        clash = groups.conflict_sets[0][1].lead.proposal
        raise _conflict(clause, by_id[clash.id])
    units = [[by_id[p.id] for p in unit.proposals] for unit in groups.compatible]
    text = grouping.combine([unit.lead for unit in groups.compatible], clause.text)
    if text is None:
        raise _conflict(clause, units[-1][0])
    merged = any(a.base_revision != clause.revision for a in amendments)
    reason = _integration_reason(actor, amendments)
    if text == "":
        text_services.apply_clause_deletion(actor=actor, clause=clause, expected_revision=clause.revision, reason=reason)
        after, revision = None, None
    else:
        after = text_services.apply_clause_text(
            actor=actor, clause=clause, text=text, expected_revision=clause.revision, reason=reason
        )
        revision = after.revision
    _credit(units, actor, Outcome.INTEGRATED, after, revision, merged=merged, reason=_answer_reason(actor, amendments, after))
    return Integration(clause=after, amendments=amendments, merged=merged)


def _integrate_new_articles(actor, amendments: list[Amendment]) -> Integration:
    """New articles: each duplicate group becomes one article, in number order, where its lead asked."""
    groups = grouping.group_new_articles([_proposal(a) for a in amendments])
    by_id = {a.pk: a for a in amendments}
    reason = _integration_reason(actor, amendments)
    clause = None
    for unit in groups.compatible:
        members = [by_id[p.id] for p in unit.proposals]
        lead = members[0]
        after = Clause.objects.filter(pk=lead.clause_id).first() if lead.clause_id else None
        clause = text_services.apply_new_clause(actor=actor, section=lead.section, text=lead.text, after=after, reason=reason)
        _credit([members], actor, Outcome.INTEGRATED, clause, clause.revision, merged=False, reason=_answer_reason(actor, members, clause))
    return Integration(clause=clause, amendments=amendments, merged=False)


def _integration_reason(user, amendments: list[Amendment]) -> str:
    key = _lazy("Amendement %(numbers)s (%(agoras)s) intégré par %(editor)s") if len(amendments) == 1 else _lazy(
        "Amendements %(numbers)s (%(agoras)s) intégrés par %(editor)s"
    )
    return in_site_language(key) % {"numbers": numbers_phrase(amendments), "agoras": _agoras(amendments), "editor": _editor(user)}


def _answer_reason(user, amendments: list[Amendment], clause: Clause | None) -> str:
    if clause is None:
        return in_site_language(_lazy("Intégré par le collectif de rédaction (%(editor)s) : article supprimé")) % {"editor": _editor(user)}
    return in_site_language(_lazy("Intégré à l'article %(number)s par le collectif de rédaction (%(editor)s)")) % {
        "number": clause.number,
        "editor": _editor(user),
    }


@transaction.atomic
def integrate_modified(*, actor, manifesto: Manifesto, amendment_ids: list[int], text: str, expected_revision: int | None) -> Integration:
    """Integrate the editor's own wording, credited to every amendment it was written from
    ("d'après les amendements n° 12, 31 et 44").

    On an article the wording replaces its text if the article is still at `expected_revision`
    (the revision the editor read); otherwise ClauseConflict and nothing is written. For new
    articles, it becomes one new article where the first of them asked.
    """
    _require_member(actor, manifesto)
    _require_drafting(manifesto)
    amendments = _locked(manifesto, amendment_ids)
    target = _same_target(amendments)
    text = text_services.normalise_text(text)
    reason = in_site_language(_lazy("Rédaction %(of_editor)s d'après %(numbers)s (%(agoras)s)")) % {
        "of_editor": in_site_language(de_lazy(_editor(actor))),
        "numbers": numbers_phrase(amendments),
        "agoras": _agoras(amendments),
    }
    if target == "insert":
        if not text:
            raise InvalidInput(_("Écrivez le texte du nouvel article."))
        lead = amendments[0]
        after = Clause.objects.filter(pk=lead.clause_id).first() if lead.clause_id else None
        clause = text_services.apply_new_clause(actor=actor, section=lead.section, text=text, after=after, reason=reason)
    else:
        clause = _lock_clause(amendments)
        if expected_revision is None:
            raise InvalidInput(_("Indiquez la révision de l'article sur laquelle porte votre rédaction."))
        if expected_revision != clause.revision:
            raise ClauseConflict(clause=clause)
        if not text:
            text_services.apply_clause_deletion(actor=actor, clause=clause, expected_revision=expected_revision, reason=reason)
            clause = None
        else:
            clause = text_services.apply_clause_text(
                actor=actor, clause=clause, text=text, expected_revision=expected_revision, reason=reason
            )
    answer = (
        in_site_language(_lazy("Intégré modifié à l'article %(number)s par %(editor)s, %(credit)s"))
        % {"number": clause.number, "editor": _editor(actor), "credit": credit_line(amendments)}
        if clause is not None
        else in_site_language(_lazy("Intégré modifié par %(editor)s : article supprimé")) % {"editor": _editor(actor)}
    )
    _credit(
        [[a] for a in amendments],
        actor,
        Outcome.INTEGRATED_MODIFIED,
        clause,
        clause.revision if clause is not None else None,
        merged=True,
        reason=answer,
    )
    return Integration(clause=clause, amendments=amendments, merged=True)


# ------------------------------------------------------------------------- answering without integrating


@transaction.atomic
def set_aside(*, actor, manifesto: Manifesto, amendment_ids: list[int], reason: str) -> list[Amendment]:
    """Set amendments aside (écarter) with a public reason; a duplicate group is answered at once."""
    _require_member(actor, manifesto)
    reason = _clean_reason(reason)
    amendments = _locked(manifesto, amendment_ids)
    record = in_site_language(_lazy("Écarté par le collectif de rédaction (%(editor)s) : %(reason)s")) % {
        "editor": _editor(actor),
        "reason": reason,
    }
    followers = _followers(amendments)
    for amendment in amendments + [f for a in amendments for f in followers.get(a.pk, [])]:
        if amendment.state == AmendmentState.OPEN:
            # Answered: the room no longer debates it.
            amendment.state = AmendmentState.REJECTED
            amendment.decision_reason = reason
            amendment.decided_by = actor
            amendment.decided_at = timezone.now()
        _answer(amendment, actor, Outcome.SET_ASIDE, reason=reason)
        track(amendment, actor=actor, reason=record).save()
        _journal_outcome(amendment)
    return amendments


@transaction.atomic
def defer(*, actor, manifesto: Manifesto, amendment_ids: list[int]) -> list[Amendment]:
    """Put amendments aside for later (reporter): still pending, shown as deferred on the desk."""
    _require_member(actor, manifesto)
    amendments = _locked(manifesto, amendment_ids)
    record = in_site_language(_lazy("Reporté par le collectif de rédaction (%(editor)s)")) % {"editor": _editor(actor)}
    for amendment in amendments:
        amendment.deferred_at = timezone.now()
        track(amendment, actor=actor, reason=record).save()
        _journal_outcome(amendment)
    return amendments
