"""The public answer to a proposal (suite donnée) and the agora's position in collective mode.

Helpers the services share (the room's moderation here, the editorial desk in
deliberation/editorial/): they set fields on rows the caller has locked and journal nothing;
the calling service saves, tracks the history and journals. Reading helpers say in words what
became of an amendment, for pages and the live payload alike.
"""

from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from deliberation.models import AgoraPosition, Amendment, AmendmentState, Outcome, PositionKind
from manifesto.models import DecisionMode
from manifesto.services import in_site_language

# An agora's position on an amendment → the amendment's state in the room.
POSITION_STATE = {
    PositionKind.RETAINED: AmendmentState.RETAINED,
    PositionKind.NOT_RETAINED: AmendmentState.REJECTED,
    PositionKind.DUPLICATE: AmendmentState.DUPLICATE,
    PositionKind.MERGED: AmendmentState.MERGED,
    PositionKind.HIDDEN: AmendmentState.HIDDEN,
}
# Positions by which the agora does not carry the proposal on: its public answer becomes "non
# retenu par l'agora" (not final: the collective may still take it up). A duplicate or a merged
# original lives on in the amendment it duplicates or the compromise, which the collective answers.
NOT_CARRIED = {PositionKind.NOT_RETAINED, PositionKind.HIDDEN}


def decided_by_collective(amendment: Amendment) -> bool:
    return amendment.manifesto.decision_mode == DecisionMode.COLLECTIVE


def state_label(amendment: Amendment) -> str:
    """The amendment's state in words. In collective mode a room never adopts: an amendment the
    collective integrated reads « Intégré par le collectif de rédaction », never « Adopté »
    (docs/process.md); its agora's part is its position."""
    if decided_by_collective(amendment) and amendment.state == AmendmentState.ACCEPTED:
        return _("Intégré par le collectif de rédaction")
    return str(amendment.get_state_display())


def give_outcome(
    amendment: Amendment,
    *,
    user,
    outcome: str,
    final: bool,
    reason: str = "",
    clause=None,
    related: Amendment | None = None,
) -> Amendment:
    """Set the public answer on a locked amendment (the caller saves, tracks and journals)."""
    amendment.outcome = outcome
    amendment.outcome_final = final
    amendment.outcome_reason = reason
    amendment.outcome_clause = clause
    amendment.outcome_related = related
    amendment.outcome_at = timezone.now()
    amendment.outcome_by = user if getattr(user, "is_authenticated", False) else None
    amendment.deferred_at = None
    return amendment


def clear_outcome(amendment: Amendment) -> Amendment:
    """Back to "en attente" (the room reopened it)."""
    amendment.outcome = Outcome.PENDING
    amendment.outcome_final = False
    amendment.outcome_reason = ""
    amendment.outcome_clause = None
    amendment.outcome_related = None
    amendment.outcome_at = None
    amendment.outcome_by = None
    return amendment


def position_data(position: AgoraPosition) -> dict:
    """The position as broadcast (manifesto.vocabulary.POSITION)."""
    return {
        "agora_id": position.agora_id,
        "agora": position.agora.title,
        "position": position.position,
        # A journal record: in the site's language, whoever decided; clients name it from the
        # code in their own language (the page's words), as they do phases.
        "label": in_site_language(lazy(position_note, str)(position)),
        "reason": "" if position.position == PositionKind.HIDDEN else position.reason,
        "tally": position.tally,
        "decided_at": position.decided_at.isoformat(),
    }


def agora_name(title: str) -> str:
    """ "l'Agora de Lille" in French, where an agora's title usually starts with a vowel; as is elsewhere."""
    if (translation.get_language() or "fr").startswith("fr") and title[:1].lower() in "aàâeéèêiîoôuûy":
        return f"l'{title}"
    return title


def position_note(position: AgoraPosition) -> str:
    """What the room decided, said so nobody mistakes it for a change of the text."""
    return position_note_for(position.position, position.agora.title)


def position_note_for(kind: str, title: str) -> str:
    agora = agora_name(title)
    position = kind
    if position == PositionKind.RETAINED:
        return _("Retenu par %(agora)s — transmis au collectif de rédaction") % {"agora": agora}
    if position == PositionKind.NOT_RETAINED:
        return _("Non retenu par %(agora)s") % {"agora": agora}
    if position == PositionKind.DUPLICATE:
        return _("Doublon selon %(agora)s — transmis au collectif de rédaction") % {"agora": agora}
    if position == PositionKind.MERGED:
        return _("Fusionné dans un compromis par %(agora)s") % {"agora": agora}
    return _("Masqué par %(agora)s") % {"agora": agora}


def answer(amendment: Amendment, *, public: bool = True) -> str:
    """The public answer in words: "intégré modifié — voir article 4", "doublon de n° 12"…

    The reason of a hidden amendment stays with its author and the facilitators (`public`).
    """
    outcome = amendment.outcome
    if outcome == Outcome.PENDING:
        if amendment.deferred_at is not None:
            return _("en attente — reporté par le collectif de rédaction")
        return pgettext("outcome", "en attente")
    if outcome == Outcome.INTEGRATED:
        if amendment.outcome_clause_id:
            return _("intégré — article %(number)s") % {"number": amendment.outcome_clause.number}
        return pgettext("outcome", "intégré")
    if outcome == Outcome.INTEGRATED_MODIFIED:
        if amendment.outcome_clause_id:
            return _("intégré modifié — voir article %(number)s") % {"number": amendment.outcome_clause.number}
        return pgettext("outcome", "intégré modifié")
    if outcome == Outcome.MERGED:
        if amendment.outcome_related_id:
            return _("fusionné avec n° %(number)s") % {"number": amendment.outcome_related.number}
        return pgettext("outcome", "fusionné")
    if outcome == Outcome.DUPLICATE:
        if amendment.outcome_related_id:
            return _("doublon de n° %(number)s") % {"number": amendment.outcome_related.number}
        return pgettext("outcome", "doublon")
    hidden = amendment.state == AmendmentState.HIDDEN
    reason = "" if (hidden and public) else amendment.outcome_reason
    if outcome == Outcome.SET_ASIDE:
        return _("écarté — %(reason)s") % {"reason": reason} if reason else pgettext("outcome", "écarté")
    return _("non retenu par l'agora — %(reason)s") % {"reason": reason} if reason else pgettext("outcome", "non retenu par l'agora")


def answer_parts(amendment: Amendment, *, public: bool = True) -> dict:
    """What `answer` says, as data: `deferred` (pending, postponed by the collective), the
    article its words went into, the amendment it joined, and the public reason."""
    hidden = amendment.state == AmendmentState.HIDDEN
    return {
        "deferred": amendment.outcome == Outcome.PENDING and amendment.deferred_at is not None,
        "outcome_clause_number": amendment.outcome_clause.number if amendment.outcome_clause_id else None,
        "outcome_related_number": amendment.outcome_related.number if amendment.outcome_related_id else None,
        "outcome_reason": "" if (hidden and public) else amendment.outcome_reason,
    }


def is_answered(amendment: Amendment) -> bool:
    """Answered for good: by the collective, or by the room in room mode."""
    return amendment.outcome_final
