"""Writes of deliberation: the only place that changes amendments, supports and comments.

Every function runs in one transaction, checks who may act and whether the session's phase
allows it, writes, sets the history user and change reason, and journals one event per
changed amendment (manifesto.journal.record_event), broadcast on commit.

Lock order, to never deadlock: amendment row(s), then the clause (apply_* in manifesto), then
the manifesto row (the journal). Proposals take the manifesto row first and nothing after it
but the journal, which takes the same row.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from agora import phases
from agora import selectors as agora_selectors
from agora import services as agora_services
from agora.models import LiveSession
from deliberation import outcomes, permissions, selectors
from deliberation.errors import AmendmentClosed, AmendmentConflict, ClauseConflict, InvalidInput, PermissionDenied, WrongPhase
from deliberation.models import (
    AgoraPosition,
    Amendment,
    AmendmentKind,
    AmendmentState,
    Comment,
    CommentStance,
    Outcome,
    PositionKind,
    Support,
    SupportValue,
)
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto.history import track
from manifesto.french import de_lazy
from manifesto import journal
from manifesto.journal import record_event
from manifesto.merge import three_way_merge
from manifesto.services import in_site_language
from manifesto.models import Clause, Manifesto, ManifestoStatus, Section
from manifesto.stages import require_allowed

MAX_JUSTIFICATION_LENGTH = 2000
MAX_COMMENT_LENGTH = 1000
MAX_REASON_LENGTH = 500

# The states a facilitator may reopen from. Accepted is final: the text already changed. Retained
# (collective mode) is the agora's position only, which the room may reconsider until the
# collective answers.
# What an undo within the window may take back: an accept, or in collective mode the agora's "retenu".
UNDOABLE = {AmendmentState.ACCEPTED, AmendmentState.RETAINED}

REOPENABLE = {
    AmendmentState.REJECTED,
    AmendmentState.DUPLICATE,
    AmendmentState.MERGED,
    AmendmentState.HIDDEN,
    AmendmentState.RETAINED,
}


# ------------------------------------------------------------------------- checks


def phase_allows(session: LiveSession, command_type: str) -> bool:
    """The live room's phase rule, so that HTTP forms obey the same rules as commands."""
    return phases.command_allowed(session, command_type)


def _require_participant(actor: Actor, session: LiveSession | None, command_type: str) -> None:
    if session is None:
        raise PermissionDenied(_("Cet amendement n'appartient à aucune séance en direct."))
    session.closed_at, session.phase = _session_state_locked(session.pk)
    if session.closed_at is not None:
        raise PermissionDenied(_("La séance est close."))
    if not permissions.is_active_participant(actor, session):
        raise PermissionDenied(_("Rejoignez la séance pour participer."))
    if not phase_allows(session, command_type):
        raise WrongPhase(
            _("Ce n'est pas possible pendant la phase « %(phase)s ».") % {"phase": phases.label(session.phase)}
        )


def _session_state_locked(session_id: int) -> tuple:
    """The session's closing and phase, read under a lock: a caller's copy may be stale, and a
    phase change or closing at the same moment must not let a refused command through.

    On PostgreSQL a SHARE lock (Django's ORM only takes exclusive ones): participants' commands
    of the same session read it together instead of queueing one whole transaction behind the
    other, while a phase change or closing, which updates the row, waits for them to commit
    (and they for it). Measured in bench/amendment_storm.py (docs/realtime.md)."""
    if connection.vendor != "postgresql":
        return LiveSession.objects.select_for_update().values_list("closed_at", "phase").get(pk=session_id)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(LiveSession._meta.db_table)
        cursor.execute(f"SELECT closed_at, phase FROM {table} WHERE id = %s FOR SHARE", [session_id])
        row = cursor.fetchone()
    if row is None:
        raise LiveSession.DoesNotExist()
    return row


def _require_moderator(actor: Actor, amendment: Amendment, *, staged: bool = True) -> None:
    """`staged`: the decision is one the manifesto's stage must allow (hiding abuse always is)."""
    if not permissions.can_moderate(actor, amendment):
        raise PermissionDenied(_("Seuls les animateur·rices de l'agora peuvent faire cela."))
    if staged:
        require_allowed(amendment.manifesto, "amendment.moderate")


def _require_open(amendment: Amendment) -> None:
    if amendment.state != AmendmentState.OPEN:
        raise AmendmentClosed(
            _("L'amendement n° %(number)s n'est plus en discussion (%(state)s).")
            % {"number": amendment.number, "state": amendment.get_state_display()}
        )


def _require_drafting(manifesto: Manifesto) -> None:
    if manifesto.status != ManifestoStatus.DRAFTING:
        raise PermissionDenied(_("Le texte est figé : il ne peut plus être modifié."))


def in_scope(session: LiveSession, *, clause: Clause | None = None, section: Section | None = None) -> bool:
    """A clause is in scope when the session lists it (an empty scope is the whole text);
    the end of a section is in scope when one of its clauses is."""
    target_manifesto = clause.manifesto_id if clause is not None else section.manifesto_id
    if target_manifesto != session.agora.manifesto_id:
        return False
    scope = session.scope.all()
    if not scope.exists():
        return True
    if clause is not None:
        return scope.filter(pk=clause.pk).exists()
    return scope.filter(section_id=section.pk).exists()


def _clean(text: str, *, max_length: int, empty_message: str | None = None, label: str) -> str:
    text = text_services.normalise_text(text)
    if empty_message and not text:
        raise InvalidInput(empty_message)
    if len(text) > max_length:
        raise InvalidInput(_("%(label)s dépasse %(max)d caractères.") % {"label": label, "max": max_length})
    return text


def _clean_amendment_text(kind: str, text: str) -> str:
    if kind == AmendmentKind.DELETE:
        return ""
    return _clean(
        text,
        max_length=text_services.MAX_CLAUSE_LENGTH,
        empty_message=_("Écrivez le texte que vous proposez."),
        label=_("Le texte proposé"),
    )


def _clean_justification(text: str) -> str:
    return _clean(text, max_length=MAX_JUSTIFICATION_LENGTH, label=_("L'exposé des motifs"))


def _clean_reason(text: str, *, required: bool) -> str:
    return _clean(
        text,
        max_length=MAX_REASON_LENGTH,
        empty_message=_("Indiquez un motif.") if required else None,
        label=_("Le motif"),
    )


def _locked(amendment: Amendment) -> Amendment:
    return selectors.for_change(Amendment.objects.select_for_update(of=("self",))).get(pk=amendment.pk)


def _require_not_answered(amendment: Amendment) -> None:
    if amendment.outcome_final and outcomes.decided_by_collective(amendment):
        raise AmendmentClosed(
            _("Le collectif de rédaction a déjà répondu à l'amendement n° %(number)s.") % {"number": amendment.number}
        )


def _take_position(actor: Actor, amendment: Amendment, kind: str, reason: str = "") -> AgoraPosition:
    """Collective mode: the facilitator's decision becomes the agora's position, with the room's
    tally frozen now. The text does not change; the amendment goes to the editorial collective."""
    _require_not_answered(amendment)
    agora = amendment.agora
    if agora is None:
        raise PermissionDenied(_("Cet amendement n'a pas été déposé dans une agora : seul le collectif de rédaction y répond."))
    user = actor.user if actor.signed_in else None
    now = timezone.now()
    position, _created = AgoraPosition.objects.update_or_create(
        amendment=amendment,
        agora=agora,
        defaults={
            "session_id": amendment.session_id,
            "position": kind,
            "reason": reason,
            "tally": selectors.frozen_tally(amendment),
            "decided_by": user,
            "decided_at": now,
        },
    )
    _decide(amendment, actor, outcomes.POSITION_STATE[kind], reason)
    if kind in outcomes.NOT_CARRIED:
        outcomes.give_outcome(amendment, user=user, outcome=Outcome.NOT_RETAINED, final=False, reason=reason)
    else:
        outcomes.clear_outcome(amendment)
    return position


def _journal_position(amendment: Amendment, position: AgoraPosition) -> None:
    _journal("amendment.position_taken", amendment, position=outcomes.position_data(position))


def _position_reason(amendment: Amendment, position: AgoraPosition) -> str:
    """ "Amendement n° 12 : Retenu par l'Agora de Lille — transmis au collectif de rédaction" """
    return in_site_language(_lazy("Position de l'agora : %(note)s")) % {
        "note": in_site_language(outcomes.position_note(position))
    }


def _journal(event_type: str, amendment: Amendment, **extra) -> None:
    record_event(
        manifesto_id=amendment.manifesto_id,
        type=event_type,
        data={"amendment": selectors.public_data(amendment), "session_id": amendment.session_id, **extra},
    )


def _decide(amendment: Amendment, actor: Actor, state: str, reason: str = "") -> None:
    amendment.state = state
    amendment.decision_reason = reason
    amendment.decided_by = actor.user if actor.signed_in else None
    amendment.decided_at = timezone.now()


def _merged_originals(amendment: Amendment) -> list[Amendment]:
    """The amendments a facilitator merged into this compromise, oldest first (none usually)."""
    return list(amendment.merged_from.select_related("author", "author_user").order_by("number"))


def _authors_phrase(amendments: list[Amendment]) -> str:
    """ "n° 7 de Camille et n° 8 de Yanis": every merged amendment with its author."""
    parts = [
        in_site_language(_lazy("n° %(number)s %(of_author)s")) % {"number": a.number, "of_author": in_site_language(de_lazy(a.author_name))}
        for a in amendments
    ]
    if len(parts) == 1:
        return parts[0]
    return in_site_language(_lazy("%(first)s et %(last)s")) % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _label(amendment: Amendment, originals: list[Amendment] | None = None) -> str:
    """ "Amendement n° 12 de Camille (Agora de Grenoble)" — who proposed it, from where.

    A compromise names the amendments merged into it and their authors, not the facilitator
    who wrote it: "Compromis n° 10 des amendements n° 7 de Camille et n° 8 de Yanis".
    """
    agora = amendment.agora
    if originals:
        if agora is not None:
            return in_site_language(_lazy("Compromis n° %(number)s des amendements %(originals)s (%(agora)s)")) % {
                "number": amendment.number,
                "originals": _authors_phrase(originals),
                "agora": agora.title,
            }
        return in_site_language(_lazy("Compromis n° %(number)s des amendements %(originals)s")) % {
            "number": amendment.number,
            "originals": _authors_phrase(originals),
        }
    if agora is not None:
        return in_site_language(_lazy("Amendement n° %(number)s %(of_author)s (%(agora)s)")) % {
            "number": amendment.number,
            "of_author": in_site_language(de_lazy(amendment.author_name)),
            "agora": agora.title,
        }
    return in_site_language(_lazy("Amendement n° %(number)s %(of_author)s")) % {
        "number": amendment.number,
        "of_author": in_site_language(de_lazy(amendment.author_name)),
    }


# ------------------------------------------------------------------------- participants


@transaction.atomic
def propose_amendment(
    *,
    actor: Actor,
    session: LiveSession,
    kind: str,
    clause: Clause | None = None,
    section: Section | None = None,
    text: str = "",
    justification: str = "",
) -> Amendment:
    """Propose new wording for a clause, its deletion, or a new clause after `clause` / at the end of `section`."""
    _require_participant(actor, session, "amendment.propose")
    require_allowed(session.agora.manifesto, "amendment.propose")
    if kind not in AmendmentKind.values:
        raise InvalidInput(_("Nature d'amendement inconnue."))
    if kind in (AmendmentKind.MODIFY, AmendmentKind.DELETE) and clause is None:
        raise InvalidInput(_("Choisissez l'article à amender."))
    if kind == AmendmentKind.INSERT:
        if clause is None and section is None:
            raise InvalidInput(_("Choisissez où insérer le nouvel article."))
        if clause is not None and section is not None and clause.section_id != section.pk:
            raise InvalidInput(_("L'article de référence n'est pas dans cette partie."))
        section = section or clause.section
    else:
        section = clause.section
    if not in_scope(session, clause=clause, section=section):
        raise PermissionDenied(_("Cet article n'est pas en discussion dans cette séance."))
    text = _clean_amendment_text(kind, text)
    justification = _clean_justification(justification)

    base_text, base_revision = "", None
    if clause is not None and kind != AmendmentKind.INSERT:
        current = Clause.objects.get(pk=clause.pk)
        base_text, base_revision = current.text, current.revision
        if kind == AmendmentKind.MODIFY and text == base_text:
            raise InvalidInput(_("Votre proposition ne change pas le texte de l'article."))
    amendment = Amendment(
        session=session,
        author=actor.participant,
        kind=kind,
        clause=clause,
        section=section,
        clause_number=clause.number if clause is not None else None,
        base_revision=base_revision,
        base_text=base_text,
        text=text,
        justification=justification,
    )
    selectors.amendment_diff(amendment)  # computed now, outside the lock below
    # The manifesto's lock (the journal's too) numbers the amendments: taken as late as possible,
    # since every proposal of the text waits for it from here to its commit.
    manifesto = Manifesto.objects.select_for_update().get(pk=session.agora.manifesto_id)
    _require_drafting(manifesto)
    amendment.manifesto = manifesto
    amendment.number = (Amendment.objects.filter(manifesto=manifesto).aggregate(m=Max("number"))["m"] or 0) + 1
    track(amendment, actor=actor, reason=in_site_language(_lazy("Amendement proposé"))).save()
    _journal("amendment.proposed", amendment)
    return amendment


def form_actor_key(actor: Actor) -> str:
    """The key of a person's command receipts, as the live room's consumer builds it."""
    if actor.signed_in:
        return f"user:{actor.user.pk}"
    return f"participant:{actor.participant.pk}"


def propose_amendment_once(*, actor: Actor, session: LiveSession, token: str, **proposal) -> tuple[Amendment, bool]:
    """propose_amendment for the HTML form, at most once per form `token` (a one-time hidden field).

    A double tap, or Back and submit again, posts the same token: the second post files nothing
    and gets the first one's amendment, with False. The token is kept as a command receipt (the
    live room's, under "form-<token>"), written in the proposal's transaction: two posts at once
    cannot both commit, and the one that loses reads the winner's receipt.
    Returns (amendment, True) when this post filed it.
    """
    command_id = f"form-{token}"
    key = form_actor_key(actor)
    first = agora_selectors.stored_reply(session=session, actor=key, command_id=command_id)
    if first is not None:
        return Amendment.objects.get(pk=first["data"]["amendment_id"]), False
    # Back and submit again may re-fetch the form (a new token) and the browser refill the fields:
    # the very same proposal, by the same person, still open, is that first one, not a new one.
    twin = _same_open_proposal(actor=actor, session=session, **proposal)
    if twin is not None:
        return twin, False
    try:
        with transaction.atomic():
            amendment = propose_amendment(actor=actor, session=session, **proposal)
            agora_services.record_command_reply(
                session=session, actor=key, command_id=command_id, command_type="amendment.propose",
                reply={"type": "ack", "in_reply_to": command_id, "data": {"amendment_id": amendment.pk}},
            )
    except IntegrityError:
        first = agora_selectors.stored_reply(session=session, actor=key, command_id=command_id)
        if first is None:
            raise
        return Amendment.objects.get(pk=first["data"]["amendment_id"]), False
    return amendment, True


def _same_open_proposal(*, actor: Actor, session: LiveSession, kind: str, clause=None, section=None, text: str = "",
                        justification: str = "") -> Amendment | None:
    if actor.participant is None:
        return None
    return Amendment.objects.filter(
        session=session, author=actor.participant, state=AmendmentState.OPEN, kind=kind, clause=clause,
        text="" if kind == AmendmentKind.DELETE else text_services.normalise_text(text),
        justification=text_services.normalise_text(justification),
        **({"section": section} if section is not None else {}),
    ).order_by("pk").first()


@transaction.atomic
def edit_amendment(
    *, actor: Actor, amendment: Amendment, text: str, justification: str, rebase: bool = False
) -> Amendment:
    """Its author rewrites an open amendment.

    With `rebase`, the new text is written against the clause as it stands now (the author
    revised an amendment flagged "à revoir"); otherwise against the text it was first written on.
    """
    amendment = _locked(amendment)
    if not permissions.is_author(actor, amendment):
        raise PermissionDenied(_("Seul·e l'auteur·rice peut modifier cet amendement."))
    _require_participant(actor, amendment.session, "amendment.edit")
    require_allowed(amendment.manifesto, "amendment.propose")
    _require_open(amendment)
    if rebase and amendment.kind != AmendmentKind.INSERT:
        current = Clause.objects.filter(pk=amendment.clause_id).first() if amendment.clause_id else None
        if current is None:
            raise ClauseConflict(_("L'article visé par cet amendement a été supprimé entre-temps."))
        amendment.base_text, amendment.base_revision = current.text, current.revision
    amendment.text = _clean_amendment_text(amendment.kind, text)
    amendment.justification = _clean_justification(justification)
    if amendment.kind == AmendmentKind.MODIFY and amendment.text == amendment.base_text:
        raise InvalidInput(_("Votre proposition ne change pas le texte de l'article."))
    track(amendment, actor=actor, reason=in_site_language(_lazy("Amendement modifié par son auteur·rice"))).save()
    _journal("amendment.edited", amendment)
    return amendment


@transaction.atomic
def withdraw_amendment(*, actor: Actor, amendment: Amendment) -> Amendment:
    amendment = _locked(amendment)
    if not permissions.is_author(actor, amendment):
        raise PermissionDenied(_("Seul·e l'auteur·rice peut retirer cet amendement."))
    _require_participant(actor, amendment.session, "amendment.withdraw")
    _require_open(amendment)
    amendment.state = AmendmentState.WITHDRAWN
    track(amendment, actor=actor, reason=in_site_language(_lazy("Amendement retiré par son auteur·rice"))).save()
    _journal("amendment.withdrawn", amendment)
    return amendment


@transaction.atomic
def set_support(*, actor: Actor, amendment: Amendment, value: str) -> Support:
    """Say pour, contre or abstention; saying it again replaces the previous voice."""
    if value not in SupportValue.values:
        raise InvalidInput(_("Choisissez pour, contre ou abstention."))
    amendment = selectors.for_change().get(pk=amendment.pk)
    _require_participant(actor, amendment.session, "support.set")
    require_allowed(amendment.manifesto, "amendment.support")
    _require_open(amendment)
    support, created = Support.objects.select_for_update().get_or_create(
        amendment=amendment, participant=actor.participant, defaults={"value": value}
    )
    if not created:
        if support.value == value:
            return support
        support.value = value
        support.save(update_fields=["value", "updated_at"])
    journal.lock(amendment.manifesto_id)  # count after every earlier voice has committed
    totals, by_family = selectors.support_totals(amendment)
    record_event(
        manifesto_id=amendment.manifesto_id,
        type="support.changed",
        data={"amendment_id": amendment.pk, "session_id": amendment.session_id, "totals": totals, "by_family": by_family},
    )
    return support


@transaction.atomic
def add_comment(*, actor: Actor, amendment: Amendment, stance: str, text: str) -> Comment:
    if stance not in CommentStance.values:
        raise InvalidInput(_("Dites si votre commentaire est pour ou contre."))
    text = _clean(text, max_length=MAX_COMMENT_LENGTH, empty_message=_("Écrivez votre commentaire."), label=_("Le commentaire"))
    amendment = selectors.for_change().get(pk=amendment.pk)
    _require_participant(actor, amendment.session, "comment.add")
    require_allowed(amendment.manifesto, "amendment.comment")
    _require_open(amendment)
    comment = Comment.objects.create(amendment=amendment, author=actor.participant, stance=stance, text=text)
    record_event(
        manifesto_id=amendment.manifesto_id,
        type="comment.added",
        data={"comment": selectors.comment_data(comment), "session_id": amendment.session_id},
    )
    return comment


# ------------------------------------------------------------------------- facilitators


@dataclass(frozen=True)
class Acceptance:
    amendment: Amendment
    clause: Clause | None  # the clause as it now stands (None after a deletion)
    merged: bool  # the clause had changed since the amendment's base; both changes were kept
    resolved: bool  # the facilitator wrote the merged text after a conflict
    # Collective mode: the agora's position; the text did not change (clause is None).
    position: AgoraPosition | None = None


@transaction.atomic
def accept_amendment(
    *, actor: Actor, amendment: Amendment, resolved_text: str | None = None, expected_revision: int | None = None
) -> Acceptance:
    """Apply the amendment to the text through manifesto's services, attributed to its author.

    Written against an older revision, it is merged word by word with what changed since when
    the changes do not overlap; otherwise nothing is written and AmendmentConflict carries the
    three texts. The facilitator then calls again with `resolved_text` (empty for a deletion)
    and `expected_revision`, the revision the conflict showed.
    """
    amendment = _locked(amendment)
    _require_moderator(actor, amendment)
    _require_open(amendment)
    _require_drafting(amendment.manifesto)
    if outcomes.decided_by_collective(amendment):
        if resolved_text is not None:
            raise InvalidInput(_("Dans ce manifeste, seul le collectif de rédaction modifie le texte."))
        position = _take_position(actor, amendment, PositionKind.RETAINED)
        track(amendment, actor=actor, reason=_position_reason(amendment, position)).save()
        _journal_position(amendment, position)
        return Acceptance(amendment=amendment, clause=None, merged=False, resolved=False, position=position)
    originals = _merged_originals(amendment)
    label = _label(amendment, originals)
    reason = in_site_language(_lazy("%(amendment)s adopté")) % {"amendment": label}
    merged = resolved = False
    clause = None

    if amendment.kind == AmendmentKind.INSERT:
        if resolved_text is not None:
            raise InvalidInput(_("Un nouvel article n'entre jamais en conflit : adoptez-le tel quel."))
        after = Clause.objects.filter(pk=amendment.clause_id).first() if amendment.clause_id else None
        clause = text_services.apply_new_clause(
            actor=actor.user, section=amendment.section, text=amendment.text, after=after, reason=reason
        )
    else:
        if amendment.clause_id is None:
            raise ClauseConflict(_("L'article visé par cet amendement a été supprimé entre-temps."))
        try:
            # Lock the clause before reading it, so the merge is computed against the text we write over.
            current = Clause.objects.select_for_update().get(pk=amendment.clause_id)
        except Clause.DoesNotExist:
            raise ClauseConflict(_("L'article visé par cet amendement a été supprimé entre-temps.")) from None
        proposed = selectors.proposed_text(amendment)
        # What an undo within the window writes back (undo_acceptance).
        amendment.replaced_text, amendment.replaced_revision = current.text, current.revision
        if resolved_text is not None:
            if expected_revision is None:
                raise InvalidInput(_("Indiquez la révision de l'article sur laquelle porte votre texte fusionné."))
            if expected_revision != current.revision:
                raise ClauseConflict(clause=current)
            new_text = text_services.normalise_text(resolved_text)
            resolved = True
            reason = in_site_language(_lazy("%(amendment)s adopté, fusionné par %(facilitator)s après conflit")) % {
                "amendment": label,
                "facilitator": actor.user.get_full_name() or actor.user.get_username(),
            }
        elif current.revision == amendment.base_revision:
            new_text = proposed
        else:
            result = three_way_merge(base=amendment.base_text, current=current.text, proposed=proposed)
            if result.conflict or (amendment.kind == AmendmentKind.DELETE):
                # A deletion against an edit always needs a person: the edit would silently vanish.
                raise AmendmentConflict(clause=current, base=amendment.base_text, current=current.text, proposed=proposed)
            new_text = result.text
            merged = True
            reason = in_site_language(_lazy("%(amendment)s adopté, fusionné avec les modifications faites depuis")) % {"amendment": label}
        if new_text == "":
            text_services.apply_clause_deletion(
                actor=actor.user, clause=current, expected_revision=current.revision, reason=reason
            )
            clause = None
            amendment.clause = None  # The row is gone; clause_number still names it.
        else:
            clause = text_services.apply_clause_text(
                actor=actor.user, clause=current, text=new_text, expected_revision=current.revision, reason=reason
            )

    _decide(amendment, actor, AmendmentState.ACCEPTED)
    amendment.applied_revision = clause.revision if clause is not None else None
    amendment.applied_clause = clause
    amendment.applied_with_merge = merged or resolved
    outcomes.give_outcome(
        amendment, user=actor.user if actor.signed_in else None, outcome=Outcome.INTEGRATED, final=True, clause=clause
    )
    track(amendment, actor=actor, reason=reason).save()
    # The merged amendments' words went into this revision too: "D'où vient ce texte ?" credits them.
    for original in originals:
        original.applied_revision = amendment.applied_revision
        original.applied_clause = clause
        original.applied_with_merge = amendment.applied_with_merge
        track(original, actor=actor, reason=reason).save()
    _journal(
        "amendment.accepted",
        amendment,
        merged=merged or resolved,
        clause_id=clause.pk if clause is not None else None,
        revision=clause.revision if clause is not None else None,
        undo_until=_iso(undo_deadline(amendment)),
    )
    return Acceptance(amendment=amendment, clause=clause, merged=merged, resolved=resolved)


# ------------------------------------------------------------------------- the undo window


def undo_deadline(amendment: Amendment):
    """Until when the acceptance (or, in collective mode, the agora's "retenu") may be undone;
    None when it cannot be (no window configured, or not an acceptance)."""
    seconds = settings.ACCEPT_UNDO_SECONDS
    if not seconds or amendment.decided_at is None or amendment.state not in UNDOABLE:
        return None
    return amendment.decided_at + timedelta(seconds=seconds)


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


@transaction.atomic
def undo_acceptance(*, actor: Actor, amendment: Amendment) -> Amendment:
    """Undo an accept within the undo window: the text is written back as it was just before
    (through manifesto's services, credited as the undo of this amendment) and the amendment is
    open again. The accept was applied whole in its own transaction, and the window is a
    deadline compared with the clock, so no process has to be alive to close it; after the
    deadline the undo is refused and the accept stays final.

    Refused too when the article changed since the accept (another change went on top): the
    facilitator then edits or reopens through the usual paths, and nothing is overwritten.
    """
    amendment = _locked(amendment)
    _require_moderator(actor, amendment)
    if amendment.state not in UNDOABLE:
        raise AmendmentClosed(
            _("L'amendement n° %(number)s n'est pas adopté : il n'y a rien à annuler.") % {"number": amendment.number}
        )
    deadline = undo_deadline(amendment)
    if deadline is None or timezone.now() > deadline:
        raise AmendmentClosed(
            _("Le délai d'annulation est passé : l'adoption de l'amendement n° %(number)s est définitive.")
            % {"number": amendment.number}
        )
    label = _label(amendment)
    reason = in_site_language(_lazy("Adoption annulée : %(amendment)s")) % {"amendment": label}
    if amendment.state == AmendmentState.RETAINED:
        # Collective mode: only the agora's position is withdrawn; the text never changed.
        _require_not_answered(amendment)
        AgoraPosition.objects.filter(amendment=amendment).delete()
    else:
        _require_drafting(amendment.manifesto)
        _restore_text(actor, amendment, reason)
    outcomes.clear_outcome(amendment)
    _decide(amendment, actor, AmendmentState.OPEN)
    amendment.decided_by = amendment.decided_at = None
    amendment.applied_revision = amendment.applied_clause = None
    amendment.applied_with_merge = False
    amendment.replaced_text, amendment.replaced_revision = "", None
    track(amendment, actor=actor, reason=reason).save()
    _journal("amendment.acceptance_undone", amendment)
    return amendment


def _restore_text(actor: Actor, amendment: Amendment, reason: str) -> None:
    """Write back what the accept replaced, only if nothing changed the article since."""
    moved_on = _("L'article a changé depuis l'adoption : l'annulation écraserait ce changement.")
    if amendment.kind == AmendmentKind.INSERT:
        if amendment.applied_clause_id is None:
            raise ClauseConflict(moved_on)
        try:
            text_services.apply_clause_deletion(
                actor=actor.user, clause=Clause(pk=amendment.applied_clause_id, manifesto_id=amendment.manifesto_id),
                expected_revision=amendment.applied_revision, reason=reason,
            )
        except ClauseConflict:
            raise ClauseConflict(moved_on) from None
        return
    if amendment.replaced_revision is None:
        raise AmendmentClosed(_("Cette adoption ne peut pas être annulée."))
    if amendment.applied_clause_id is None:
        # A deletion: the article comes back with its number, place and text.
        clause_id = amendment.clause_id or _deleted_clause_id(amendment)
        clause = text_services.apply_clause_restoration(
            actor=actor.user, manifesto_id=amendment.manifesto_id, clause_id=clause_id, reason=reason
        )
        amendment.clause = clause
        # Other open amendments on that article lost it with the deletion: they get it back.
        for other in Amendment.objects.select_for_update().filter(
            manifesto_id=amendment.manifesto_id, clause__isnull=True, clause_number=clause.number,
            kind__in=[AmendmentKind.MODIFY, AmendmentKind.DELETE],
        ).exclude(pk=amendment.pk):
            other.clause = clause
            track(other, actor=actor, reason=reason).save()
        return
    current = Clause.objects.select_for_update().filter(pk=amendment.applied_clause_id).first()
    if current is None or current.revision != amendment.applied_revision:
        raise ClauseConflict(moved_on)
    if current.revision == amendment.replaced_revision:
        return  # the accept wrote the same words: nothing to write back
    text_services.apply_clause_text(
        actor=actor.user, clause=current, text=amendment.replaced_text, expected_revision=current.revision, reason=reason
    )


def _deleted_clause_id(amendment: Amendment) -> int:
    """The id of the article an accepted deletion removed (the amendment's link was cleared)."""
    record = (
        Clause.history.filter(manifesto_id=amendment.manifesto_id, number=amendment.clause_number, history_type="-")
        .order_by("-history_date").first()
    )
    if record is None:
        raise AmendmentClosed(_("Cette adoption ne peut pas être annulée."))
    return record.id


@transaction.atomic
def reject_amendment(*, actor: Actor, amendment: Amendment, reason: str) -> Amendment:
    amendment = _locked(amendment)
    _require_moderator(actor, amendment)
    _require_open(amendment)
    reason = _clean_reason(reason, required=True)
    if outcomes.decided_by_collective(amendment):
        position = _take_position(actor, amendment, PositionKind.NOT_RETAINED, reason)
        track(amendment, actor=actor, reason=in_site_language(_lazy("Non retenu par l'agora : %(reason)s")) % {"reason": reason}).save()
        _journal_position(amendment, position)
        return amendment
    _decide(amendment, actor, AmendmentState.REJECTED, reason)
    outcomes.give_outcome(amendment, user=actor.user, outcome=Outcome.SET_ASIDE, final=True, reason=reason)
    track(amendment, actor=actor, reason=in_site_language(_lazy("Rejeté : %(reason)s")) % {"reason": reason}).save()
    _journal("amendment.rejected", amendment)
    return amendment


@transaction.atomic
def mark_duplicate(*, actor: Actor, amendment: Amendment, duplicate_of: Amendment) -> Amendment:
    amendment = _locked(amendment)
    _require_moderator(actor, amendment)
    _require_open(amendment)
    if duplicate_of.pk == amendment.pk or duplicate_of.manifesto_id != amendment.manifesto_id:
        raise InvalidInput(_("Choisissez un autre amendement de ce manifeste."))
    amendment.duplicate_of = duplicate_of
    reason = in_site_language(_lazy("Doublon de l'amendement n° %(number)s")) % {"number": duplicate_of.number}
    if outcomes.decided_by_collective(amendment):
        position = _take_position(actor, amendment, PositionKind.DUPLICATE)
        track(amendment, actor=actor, reason=reason).save()
        _journal_position(amendment, position)
        return amendment
    _decide(amendment, actor, AmendmentState.DUPLICATE)
    outcomes.give_outcome(amendment, user=actor.user, outcome=Outcome.DUPLICATE, final=True, related=duplicate_of)
    track(amendment, actor=actor, reason=reason).save()
    _journal("amendment.marked_duplicate", amendment)
    return amendment


@transaction.atomic
def merge_amendments(*, actor: Actor, amendments: list[Amendment], text: str, justification: str = "") -> Amendment:
    """Fold several open amendments on one clause into a compromise the facilitator writes.

    The compromise is a new open amendment (written against the clause as it stands now) that
    the room can support and the facilitator accept; the originals are marked merged into it.
    """
    ids = sorted({a.pk for a in amendments})
    if len(ids) < 2:
        raise InvalidInput(_("Choisissez au moins deux amendements à fusionner."))
    originals = list(selectors.with_relations(Amendment.objects.select_for_update(of=("self",)).filter(pk__in=ids)).order_by("pk"))
    if len(originals) != len(ids):
        raise InvalidInput(_("Un de ces amendements n'existe plus."))
    for original in originals:
        _require_moderator(actor, original)
        _require_open(original)
        _require_not_answered(original)
    first = originals[0]
    if any(o.kind == AmendmentKind.INSERT for o in originals) or len({o.clause_id for o in originals}) != 1:
        raise InvalidInput(_("On ne fusionne que des amendements qui portent sur le même article."))
    if first.clause_id is None:
        raise ClauseConflict(_("L'article visé par ces amendements a été supprimé entre-temps."))
    _require_drafting(first.manifesto)
    text = _clean_amendment_text(AmendmentKind.MODIFY, text)
    justification = _clean_justification(justification)
    current = Clause.objects.get(pk=first.clause_id)
    manifesto = Manifesto.objects.select_for_update().get(pk=first.manifesto_id)
    number = (Amendment.objects.filter(manifesto=manifesto).aggregate(m=Max("number"))["m"] or 0) + 1
    compromise = Amendment(
        manifesto=manifesto,
        number=number,
        session=first.session,
        author_user=actor.user,
        kind=AmendmentKind.MODIFY,
        clause=current,
        section_id=current.section_id,
        clause_number=current.number,
        base_revision=current.revision,
        base_text=current.text,
        text=text,
        justification=justification,
    )
    numbers = ", ".join(f"n° {o.number}" for o in originals)
    track(compromise, actor=actor, reason=in_site_language(_lazy("Compromis des amendements %(numbers)s")) % {"numbers": numbers}).save()
    _journal("amendment.proposed", compromise)
    collective = outcomes.decided_by_collective(first)
    for original in originals:
        original.merged_into = compromise
        reason = in_site_language(_lazy("Fusionné dans l'amendement n° %(number)s")) % {"number": compromise.number}
        if collective:
            position = _take_position(actor, original, PositionKind.MERGED)
            track(original, actor=actor, reason=reason).save()
            _journal_position(original, position)
            continue
        _decide(original, actor, AmendmentState.MERGED)
        outcomes.give_outcome(original, user=actor.user, outcome=Outcome.MERGED, final=True, related=compromise)
        track(original, actor=actor, reason=reason).save()
        _journal("amendment.merged", original)
    return compromise


@transaction.atomic
def hide_amendment(*, actor: Actor, amendment: Amendment, reason: str) -> Amendment:
    """Hide an abusive amendment: only its author and the facilitators still see it."""
    amendment = _locked(amendment)
    _require_moderator(actor, amendment, staged=False)
    if amendment.state in (AmendmentState.ACCEPTED, AmendmentState.HIDDEN):
        raise AmendmentClosed(_("Cet amendement ne peut pas être masqué."))
    reason = _clean_reason(reason, required=True)
    history_reason = in_site_language(_lazy("Masqué : %(reason)s")) % {"reason": reason}
    if outcomes.decided_by_collective(amendment):
        position = _take_position(actor, amendment, PositionKind.HIDDEN, reason)
        track(amendment, actor=actor, reason=history_reason).save()
        _journal_position(amendment, position)
        return amendment
    _decide(amendment, actor, AmendmentState.HIDDEN, reason)
    # The public answer does not repeat the reason for hiding (for its author and the facilitators).
    outcomes.give_outcome(amendment, user=actor.user, outcome=Outcome.SET_ASIDE, final=True, reason=reason)
    track(amendment, actor=actor, reason=history_reason).save()
    _journal("amendment.hidden", amendment)
    return amendment


@transaction.atomic
def reopen_amendment(*, actor: Actor, amendment: Amendment) -> Amendment:
    amendment = _locked(amendment)
    _require_moderator(actor, amendment)
    if amendment.state not in REOPENABLE:
        raise AmendmentClosed(_("Cet amendement ne peut pas être rouvert."))
    _require_not_answered(amendment)
    amendment.duplicate_of = None
    amendment.merged_into = None
    # The agora reconsiders: its position is withdrawn until it takes a new one.
    AgoraPosition.objects.filter(amendment=amendment).delete()
    outcomes.clear_outcome(amendment)
    _decide(amendment, actor, AmendmentState.OPEN)
    track(amendment, actor=actor, reason=in_site_language(_lazy("Rouvert"))).save()
    _journal("amendment.reopened", amendment)
    return amendment


# ------------------------------------------------------------------------- the decision mode


@transaction.atomic
def set_decision_mode(*, actor, manifesto: Manifesto, decision_mode: str) -> Manifesto:
    """The organiser chooses who turns decisions into the text: the room or the collective.

    It lives here rather than in manifesto because what makes a change unsafe is deliberation's:
    refused while the text is frozen, while a live session is open (the room would be told one
    thing and see another), and, from collective to room, while amendments carry an agora's
    position the collective has not answered (no one would answer them, and their public state
    "transmis au collectif" would become false). Going to collective mode loses nothing: what
    the room decided keeps its final answer.
    """
    from agora.models import LiveSession
    from manifesto import permissions as manifesto_permissions
    from manifesto.models import DecisionMode

    if not manifesto_permissions.can_manage_collective(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices choisissent qui décide du texte."))
    if decision_mode not in DecisionMode.values:
        raise InvalidInput(_("Mode de décision inconnu."))
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    if manifesto.decision_mode == decision_mode:
        return manifesto
    _require_drafting(manifesto)
    if LiveSession.objects.filter(agora__manifesto=manifesto, closed_at__isnull=True).exists():
        raise PermissionDenied(_("Une séance en direct est ouverte : changez de mode quand toutes les séances sont closes."))
    if decision_mode == DecisionMode.ROOM:
        waiting = Amendment.objects.filter(manifesto=manifesto, positions__isnull=False, outcome_final=False).distinct().count()
        if waiting:
            raise PermissionDenied(
                ngettext(
                    "%(count)d amendement porte la position d'une agora et attend la réponse du collectif de rédaction : répondez-y avant de confier le texte aux séances.",
                    "%(count)d amendements portent la position d'une agora et attendent la réponse du collectif de rédaction : répondez-y avant de confier le texte aux séances.",
                    waiting,
                )
                % {"count": waiting}
            )
    manifesto.decision_mode = decision_mode
    manifesto.save(update_fields=["decision_mode"])
    record_event(
        manifesto_id=manifesto.pk,
        type="manifesto.decision_mode_changed",
        data={"decision_mode": decision_mode, "label": in_site_language(DecisionMode(decision_mode).label)},
    )
    return manifesto


def _require_projection(actor: Actor, session: LiveSession) -> LiveSession:
    if not permissions.can_moderate_session(actor, session):
        raise PermissionDenied(_("Seul·es les animateur·rices de cette agora peuvent choisir ce que montre la projection."))
    session = LiveSession.objects.select_for_update().select_related("agora").get(pk=session.pk)
    if session.closed_at is not None:
        raise InvalidInput(_("Cette séance est close."))
    return session


MAX_SIDE_BY_SIDE = 4


@transaction.atomic
def show_amendment(*, actor: Actor, session: LiveSession, amendment_id: int | None) -> Amendment | None:
    """The facilitator puts an amendment of this manifesto on the session's projector (None clears it)."""
    shown = show_amendments(actor=actor, session=session, amendment_ids=[] if amendment_id is None else [amendment_id])
    return shown[0] if shown else None


@transaction.atomic
def show_amendments(*, actor: Actor, session: LiveSession, amendment_ids: list[int]) -> list[Amendment]:
    """Put one amendment on the projector, or several side by side (a conflict set, or the
    amendments of one article), or none (an empty list).

    Journals `session.amendment_shown` with what the projector draws, so a projector that
    reconnects or reloads shows the same thing (the page renders `selectors.shown_amendment`).
    """
    from deliberation.models import Projection

    session = _require_projection(actor, session)
    ids = list(dict.fromkeys(amendment_ids))  # in the facilitator's order, once each
    if len(ids) > MAX_SIDE_BY_SIDE:
        raise InvalidInput(_("La projection montre au plus %(max)d amendements côte à côte.") % {"max": MAX_SIDE_BY_SIDE})
    found = {a.pk: a for a in selectors.with_relations().filter(pk__in=ids, manifesto_id=session.agora.manifesto_id)}
    amendments = [found.get(pk) for pk in ids]
    if any(a is None or a.state == AmendmentState.HIDDEN for a in amendments):
        raise InvalidInput(_("Cet amendement n'existe pas ou ne peut pas être projeté."))
    Projection.objects.update_or_create(
        session=session,
        defaults={"amendment": amendments[0] if amendments else None, "group": ids if len(ids) > 1 else []},
    )
    record_event(
        manifesto_id=session.agora.manifesto_id,
        type="session.amendment_shown",
        data=selectors.projected_group(amendments, session.pk),
    )
    return amendments


@transaction.atomic
def set_join_box(*, actor: Actor, session: LiveSession, small: bool) -> bool:
    """Shrink the projector's join box (QR and code) once the room has joined, or enlarge it again."""
    from deliberation.models import Projection

    session = _require_projection(actor, session)
    Projection.objects.update_or_create(session=session, defaults={"join_small": bool(small)})
    record_event(
        manifesto_id=session.agora.manifesto_id,
        type="session.join_box_changed",
        data={"session_id": session.pk, "small": bool(small)},
    )
    return bool(small)
