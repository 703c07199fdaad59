"""Reads of agoras and live sessions that are more than a one-line query."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from agora.models import Agora, CommandReceipt, Connection, ConsoleChecklistDismissal, Floor, LiveSession, Participant, RaisedHand

SESSION_KEY = "live_participants"  # in the Django session: {"<live session id>": "<browser key>"}


def _django_session(request_or_session):
    return getattr(request_or_session, "session", request_or_session)


def browser_key(request_or_session, live_session: LiveSession) -> str | None:
    store = _django_session(request_or_session)
    if store is None:
        return None
    return (store.get(SESSION_KEY) or {}).get(str(live_session.pk))


def current_participant(request_or_scope_session, live_session: LiveSession) -> Participant | None:
    """The participant this browser session is in `live_session`, if any and not removed.

    Takes an HTTP request or a Django session (a consumer's scope["session"]).
    """
    key = browser_key(request_or_scope_session, live_session)
    if not key:
        return None
    return Participant.objects.filter(session=live_session, browser_key=key, removed_at__isnull=True).first()


def participant_in_session(django_session, session_id: int) -> Participant | None:
    """`current_participant` by the live session's id (a join need not load the session)."""
    key = (django_session.get(SESSION_KEY) or {}).get(str(session_id)) if django_session is not None else None
    if not key:
        return None
    return Participant.objects.filter(session_id=session_id, browser_key=key, removed_at__isnull=True).first()


def session_by_code(code: str) -> LiveSession | None:
    cleaned = normalise_code(code)
    if not cleaned:
        return None
    return LiveSession.objects.select_related("agora").filter(code=cleaned, closed_at__isnull=True).first()


def online_space(manifesto) -> Agora | None:
    """The manifesto's standing space for online proposals, if the organiser ever opened it."""
    return Agora.objects.filter(manifesto=manifesto, is_online_space=True).first()


def online_session(manifesto) -> LiveSession | None:
    """The open live session of the manifesto's online space: online proposals are open when there is one."""
    return (
        LiveSession.objects.select_related("agora", "agora__manifesto")
        .filter(agora__manifesto=manifesto, agora__is_online_space=True, closed_at__isnull=True)
        .order_by("-opened_at", "-pk")
        .first()
    )


def open_session_of(agora: Agora) -> LiveSession | None:
    """The agora's open live session: there is at most one (services.open_session refuses a second)."""
    return agora.sessions.filter(closed_at__isnull=True).order_by("-opened_at", "-pk").first()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def participant_payload(participant: Participant) -> dict:
    return {
        "id": participant.pk,
        "display_name": participant.display_name,
        "organisation": participant.organisation,
        "ess_family": participant.ess_family,
    }


def queue_state(session: LiveSession) -> dict:
    hands = RaisedHand.objects.filter(session=session).select_related("participant").order_by("raised_at", "id")
    floor = Floor.objects.filter(session=session).select_related("participant").first()
    return {
        "hands": [participant_payload(hand.participant) for hand in hands],
        "floor": participant_payload(floor.participant) if floor else None,
    }


def _live_connections(session_id: int):
    since = timezone.now() - timedelta(seconds=settings.LIVE_PRESENCE_TIMEOUT)
    return Connection.objects.filter(session_id=session_id, seen_at__gte=since)


def presence_count(session_id: int) -> int:
    """How many people are connected: distinct participants, plus connected facilitators."""
    counts = _live_connections(session_id).aggregate(
        participants=Count("participant", distinct=True),
        users=Count("user", distinct=True, filter=Q(participant__isnull=True)),
    )
    return counts["participants"] + counts["users"]


def present_participants(session_id: int) -> list[dict]:
    ids = _live_connections(session_id).exclude(participant=None).values("participant_id")
    people = Participant.objects.filter(pk__in=ids, removed_at__isnull=True).order_by("display_name", "id")
    return [participant_payload(p) for p in people]


def stored_reply(*, session: LiveSession, actor: str, command_id: str) -> dict | None:
    """The reply already given to this command id by this person in this session, if any."""
    return (
        CommandReceipt.objects.filter(session=session, actor=actor, command_id=command_id)
        .values_list("reply", flat=True)
        .first()
    )


def focus_lines(session: LiveSession) -> dict:
    """The article in focus cut into numbered lines, numbered through the whole text as on the
    reading page and in the PDFs (manifesto/lines.py): {"clause": {"id", "number"} or None,
    "lines": [{"number", "text", "paragraph_start"}]}. For the projector."""
    from manifesto.selectors import current_numbering

    clause = session.focus_clause
    if clause is None:
        return {"clause": None, "lines": []}
    block = current_numbering(session.agora.manifesto).clause(clause.number)
    return {
        "clause": {"id": clause.pk, "number": clause.number},
        "lines": [{"number": line.number, "text": line.text, "paragraph_start": line.paragraph_start} for line in block.lines],
    }


# ------------------------------------------------------------------------- agenda, import, console


def agenda_agoras(*, departement: str = "", date_from=None, date_to=None):
    """The agoras of the agenda (not the online spaces), filtered by département and by start date (inclusive)."""
    agoras = Agora.objects.select_related("manifesto").filter(is_online_space=False)
    if departement:
        agoras = agoras.filter(departement__iexact=departement)
    if date_from:
        agoras = agoras.filter(starts_at__date__gte=date_from)
    if date_to:
        agoras = agoras.filter(starts_at__date__lte=date_to)
    return agoras


def agenda_departements() -> list[str]:
    """The départements the agenda's agoras are in, for its filter."""
    values = Agora.objects.filter(is_online_space=False).exclude(departement="").values_list("departement", flat=True)
    return sorted(set(values), key=str.casefold)


def registered_count(agora: Agora) -> int:
    return agora.registrations.count()


def console_checklist_dismissed(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and ConsoleChecklistDismissal.objects.filter(user=user).exists()
