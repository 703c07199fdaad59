"""Writes of agoras and live sessions: the only place that changes their state.

Facilitator services take the acting user and check `permissions.is_facilitator`;
participant services take the acting Participant. Every change clients must see is
journaled (manifesto.journal.record_event) in the same transaction.
"""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora import permissions, selectors
from agora.models import Agora, CommandReceipt, Connection, ConsoleChecklistDismissal, Floor, LiveSession, Participant, Phase, RaisedHand, Registration
from manifesto import stages
from manifesto.errors import InvalidInput, PermissionDenied, ServiceError
from manifesto.journal import record_event
from manifesto.models import Clause, EssFamily, Manifesto, ManifestoStatus
from manifesto.permissions import is_organiser
from manifesto.services import clause_payload, in_site_language

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read aloud or from a wall is typed right the first time.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
MAX_TIMER_SECONDS = 3 * 60 * 60
MAX_DISPLAY_NAME = 60


class SessionClosed(ServiceError):
    code = "session_closed"
    default_message = gettext_lazy("Cette séance est close.")


class SessionAlreadyOpen(ServiceError):
    """An agora runs one live session at a time: the facilitator resumes the open one."""
    code = "session_already_open"
    default_message = gettext_lazy("Une séance est déjà ouverte pour cette agora : reprenez-la ou closez-la d'abord.")

    def __init__(self, session: LiveSession, message=None):
        self.session = session
        super().__init__(message)


class NotFound(ServiceError):
    code = "not_found"


# ------------------------------------------------------------------------- helpers


def _require_facilitator(actor, session: LiveSession) -> None:
    if not permissions.is_facilitator(actor, session.agora):
        raise PermissionDenied(_("Seul·es les animateur·rices de cette agora peuvent faire cela."))


def _lock_open(session: LiveSession) -> LiveSession:
    """Lock the session row for this transaction; refuse if the session is closed."""
    locked = LiveSession.objects.select_for_update().select_related("agora").get(pk=session.pk)
    if locked.closed_at is not None:
        raise SessionClosed()
    return locked


def _participant_in(session: LiveSession, participant_id: int) -> Participant:
    participant = Participant.objects.filter(session=session, pk=participant_id, removed_at__isnull=True).first()
    if participant is None:
        raise NotFound(_("Cette personne ne participe pas à la séance."))
    return participant


def _record(session: LiveSession, type: str, **data):
    return record_event(manifesto_id=session.agora.manifesto_id, type=type, data={"session_id": session.pk, **data})


def _record_queue(session: LiveSession) -> None:
    _record(session, "queue.changed", **selectors.queue_state(session))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# ------------------------------------------------------------------------- agoras and registrations


@transaction.atomic
def register(*, agora: Agora, name: str, email: str, organisation: str = "", ess_family: str = "",
             accessibility_needs: str = "", consent: bool) -> Registration:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Indiquez votre nom."))
    if not consent:
        raise InvalidInput(_("Votre accord est nécessaire pour enregistrer votre inscription."))
    if ess_family and ess_family not in EssFamily.values:
        raise InvalidInput(_("Famille de l'ESS inconnue."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Indiquez une adresse e-mail valide.")) from None
    if Registration.objects.filter(agora=agora, email=email).exists():
        raise InvalidInput(_("Cette adresse e-mail est déjà inscrite à cette agora."))
    if agora.capacity is not None:
        # Lock the agora row: two people taking the last seat at once must not both get it.
        Agora.objects.select_for_update().filter(pk=agora.pk).first()
        if Registration.objects.filter(agora=agora).count() >= agora.capacity:
            raise InvalidInput(_("Cette agora est complète : toutes ses places sont prises, les inscriptions sont closes."))
    registration = Registration.objects.create(
        agora=agora, name=name[:120], email=email, organisation=organisation.strip()[:200], ess_family=ess_family,
        accessibility_needs=accessibility_needs.strip(), consent=True,
    )
    from agora.tasks import send_registration_confirmation

    transaction.on_commit(lambda: send_registration_confirmation.enqueue(registration.pk))
    return registration


@transaction.atomic
def create_agora(*, actor, manifesto, title: str, slug: str, starts_at, ends_at, departement: str = "",
                 region: str = "", venue: str = "", online_url: str = "", host_organisation: str = "",
                 description: str = "", facilitators=(), capacity: int | None = None) -> Agora:
    """An organiser of the manifesto creates an agora and assigns its facilitators."""
    if not permissions.can_manage_agoras(actor, manifesto):
        raise PermissionDenied(_("Seul·es les organisateur·rices du manifeste peuvent créer une agora."))
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(_("Indiquez le titre de l'agora."))
    if Agora.objects.filter(slug=slug).exists():
        raise InvalidInput(_("Une agora porte déjà cet identifiant."))
    if ends_at <= starts_at:
        raise InvalidInput(_("L'agora doit finir après avoir commencé."))
    if not (venue or online_url):
        raise InvalidInput(_("Indiquez un lieu ou un lien en ligne."))
    if capacity is not None and capacity < 1:
        raise InvalidInput(_("La capacité est un nombre de places supérieur à zéro (laissez vide : sans limite)."))
    agora = Agora.objects.create(
        manifesto=manifesto, title=title[:200], slug=slug, starts_at=starts_at, ends_at=ends_at,
        departement=departement.strip(), region=region.strip(), venue=venue.strip(), online_url=online_url,
        host_organisation=host_organisation.strip(), description=description.strip(), capacity=capacity,
    )
    agora.facilitators.set(facilitators)
    return agora


class ImportRefused(InvalidInput):
    """A CSV file of agoras with errors: nothing was written; `errors` are (line or None, sentence)."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        self.errors = errors
        super().__init__(gettext_lazy("Le fichier contient des erreurs : aucune agora n'a été créée."))


def unique_slug(title: str, taken: set[str] = frozenset()) -> str:
    """A slug from the title that no agora has yet (nor one of `taken`, slugs chosen in this transaction)."""
    base = slugify(title)[:70] or "agora"
    slug, n = base, 1
    while slug in taken or Agora.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def import_agoras(*, actor, manifesto: Manifesto, content: bytes) -> list[Agora]:
    """An organiser creates the agoras of a CSV file (docs/agoras.md): all of them or, at the first error, none.

    The file is read again here, whatever a preview said. Each facilitator email gets one
    invitation (manifesto.people) for all the agoras of the file that name it.
    """
    from agora import bulk
    from manifesto.people.services import invite

    if not permissions.can_manage_agoras(actor, manifesto):
        raise PermissionDenied(_("Seul·es les organisateur·rices du manifeste peuvent importer des agoras."))
    # Lock the text's row: two imports of one file at once would both pass the duplicate-title check.
    Manifesto.objects.select_for_update().filter(pk=manifesto.pk).first()
    reading = bulk.read_agoras(manifesto=manifesto, content=content)
    if not reading.ok:
        raise ImportRefused(reading.errors or [(None, _("Le fichier ne contient aucune agora."))])
    created, taken, by_line = [], set(), {}
    for row in reading.rows:
        slug = unique_slug(row.title, taken)
        taken.add(slug)
        agora = Agora.objects.create(
            manifesto=manifesto, title=row.title, slug=slug, starts_at=row.starts_at, ends_at=row.ends_at,
            departement=row.departement, venue=row.place, capacity=row.capacity,
        )
        created.append(agora)
        by_line[row.line] = agora.pk
    for email, lines in reading.facilitator_agoras().items():
        invite(actor=actor, manifesto=manifesto, email=email,
               grants=[{"role": "facilitator", "targets": [by_line[line] for line in lines]}])
    return created


# The reminder goes out the day before: `manage.py send_agora_reminders`, run every hour, queues it
# for agoras starting within this window (so 24 to 25 hours before, or at once for a later registration).
REMINDER_WINDOW = timedelta(hours=25)


def queue_reminders(*, now=None) -> int:
    """Queue the reminder of every registration to an agora starting within REMINDER_WINDOW, once each.

    Run by the scheduler, not by a person. A registration is claimed (reminded_at set) by a
    conditional update, so two runs at once never queue it twice; the email is queued after
    that commit. Returns how many reminders were queued.
    """
    from agora.tasks import send_agora_reminder

    now = now or timezone.now()
    due = Registration.objects.filter(
        reminded_at__isnull=True, agora__is_online_space=False,
        agora__starts_at__gt=now, agora__starts_at__lte=now + REMINDER_WINDOW,
    ).values_list("pk", flat=True)
    queued = 0
    for registration_id in list(due):
        with transaction.atomic():
            if Registration.objects.filter(pk=registration_id, reminded_at__isnull=True).update(reminded_at=now):
                transaction.on_commit(lambda pk=registration_id: send_agora_reminder.enqueue(pk))
                queued += 1
    return queued


def dismiss_console_checklist(*, actor) -> None:
    """The facilitator has read the console's first-session checklist: it is not shown to them again."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    ConsoleChecklistDismissal.objects.get_or_create(user=actor)


# ------------------------------------------------------------------------- sessions


@transaction.atomic
def open_session(*, actor, agora: Agora, clause_ids: list[int] | None = None) -> LiveSession:
    if not permissions.is_facilitator(actor, agora):
        raise PermissionDenied(_("Seul·es les animateur·rices de cette agora peuvent ouvrir une séance."))
    stages.require_allowed(agora.manifesto_id, "session.open")
    clauses = list(Clause.objects.filter(manifesto_id=agora.manifesto_id, pk__in=clause_ids or []))
    if clause_ids and len(clauses) != len(set(clause_ids)):
        raise InvalidInput(_("Certains articles choisis n'appartiennent pas à ce manifeste."))
    # Lock the agora row so two facilitators clicking "Ouvrir" together cannot both open one.
    Agora.objects.select_for_update().filter(pk=agora.pk).first()
    already = selectors.open_session_of(agora)
    if already is not None:
        raise SessionAlreadyOpen(already)
    for _attempt in range(10):
        code = new_code()
        if not LiveSession.objects.filter(code=code).exists():
            break
    else:  # pragma: no cover - 25^6 codes
        raise ServiceError(_("Impossible de créer un code de séance, réessayez."))
    session = LiveSession.objects.create(agora=agora, code=code, opened_by=actor)
    session.scope.set(clauses)
    if clauses:
        session.focus_clause = min(clauses, key=lambda c: (c.section.position, c.position))
        session.save(update_fields=["focus_clause"])
    _record(session, "session.opened", code=session.code, phase=session.phase)
    return session


@transaction.atomic
def close_session(*, actor, session: LiveSession) -> LiveSession:
    _require_facilitator(actor, session)
    session = _lock_open(session)
    session.closed_at = timezone.now()
    session.save(update_fields=["closed_at"])
    _record(session, "session.closed")
    return session


@transaction.atomic
def set_phase(*, actor, session: LiveSession, phase: str) -> LiveSession:
    _require_facilitator(actor, session)
    if phase not in Phase.values:
        raise InvalidInput(_("Phase inconnue."))
    session = _lock_open(session)
    if session.phase != phase:
        session.phase = phase
        session.save(update_fields=["phase"])
        _record(session, "session.phase_changed", phase=phase)
    return session


@transaction.atomic
def set_focus(*, actor, session: LiveSession, clause_id: int | None) -> LiveSession:
    _require_facilitator(actor, session)
    session = _lock_open(session)
    clause = None
    if clause_id is not None:
        clause = Clause.objects.filter(manifesto_id=session.agora.manifesto_id, pk=clause_id).first()
        if clause is None:
            raise NotFound(_("Cet article n'existe pas dans ce manifeste."))
        scope = set(session.scope.values_list("pk", flat=True))
        if scope and clause.pk not in scope:
            raise InvalidInput(_("Cet article n'est pas dans le périmètre de la séance."))
    if session.focus_clause_id != clause_id:
        session.focus_clause = clause
        session.save(update_fields=["focus_clause"])
        _record(session, "session.focus_changed", clause=clause_payload(clause) if clause else None)
    return session


@transaction.atomic
def set_timer(*, actor, session: LiveSession, seconds: int | None) -> LiveSession:
    _require_facilitator(actor, session)
    if seconds is not None and not 0 <= seconds <= MAX_TIMER_SECONDS:
        raise InvalidInput(_("Le minuteur doit durer entre 1 seconde et 3 heures."))
    session = _lock_open(session)
    seconds = seconds or None
    session.timer_ends_at = timezone.now() + timedelta(seconds=seconds) if seconds else None
    session.save(update_fields=["timer_ends_at"])
    _record(
        session, "session.timer_changed",
        ends_at=session.timer_ends_at.isoformat() if session.timer_ends_at else None, seconds=seconds,
    )
    return session


# ------------------------------------------------------------------------- online proposals between agoras

ONLINE_SPACE_TITLE = gettext_lazy("Contributions en ligne")
ONLINE_SPACE_YEARS = 10


def _require_organiser(actor, manifesto: Manifesto) -> None:
    if not is_organiser(actor, manifesto):
        raise PermissionDenied(
            _("Seul·es les organisateur·rices du manifeste peuvent ouvrir ou fermer les propositions en ligne.")
        )


def _online_space_slug(manifesto: Manifesto) -> str:
    base = f"en-ligne-{manifesto.slug}"[:70]
    slug, n = base, 1
    while Agora.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def open_online_proposals(*, actor, manifesto: Manifesto) -> LiveSession:
    """The organiser lets participants propose amendments online, between agoras.

    Creates the manifesto's standing online space once (an agora that the organiser facilitates)
    and opens a live session in it, straight in the proposals phase, on the whole text. Opening
    again while it is open returns the open session.
    """
    _require_organiser(actor, manifesto)
    # Serialise the organisers of one manifesto: two clicks make one space and one session.
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    if manifesto.status != ManifestoStatus.DRAFTING:
        raise InvalidInput(_("Le texte est figé : on ne peut plus y proposer d'amendements."))
    space = selectors.online_space(manifesto)
    if space is None:
        now = timezone.now()
        space = Agora.objects.create(
            manifesto=manifesto, is_online_space=True, title=in_site_language(ONLINE_SPACE_TITLE),
            slug=_online_space_slug(manifesto), starts_at=now,
            ends_at=now + timedelta(days=365 * ONLINE_SPACE_YEARS),
        )
    space.facilitators.add(actor)
    session = selectors.online_session(manifesto)
    if session is None:
        session = open_session(actor=actor, agora=space)
    return set_phase(actor=actor, session=session, phase=Phase.PROPOSALS)


@transaction.atomic
def close_online_proposals(*, actor, manifesto: Manifesto) -> LiveSession:
    """The organiser stops online proposals; the amendments already made stay, for moderation."""
    _require_organiser(actor, manifesto)
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    session = selectors.online_session(manifesto)
    if session is None:
        raise InvalidInput(_("Les propositions en ligne sont déjà fermées."))
    return close_session(actor=actor, session=session)


# ------------------------------------------------------------------------- participants


@transaction.atomic
def join(*, session: LiveSession, display_name: str, organisation: str = "", ess_family: str = "",
         browser_key: str | None = None, device_key: str = "") -> Participant:
    """Join without an account; the caller binds the returned participant's browser_key to the browser session.

    `device_key` is the device's long-lived cookie: a device whose participant was removed from
    this session may not join it again until the facilitators readmit them.
    """
    session = _lock_open(session)
    if device_key and Participant.objects.filter(
        session=session, device_key=device_key, removed_at__isnull=False, readmitted_at__isnull=True
    ).exists():
        raise PermissionDenied(
            _("L'animation vous a retiré·e de cette séance : vous pourrez la rejoindre si elle vous réadmet.")
        )
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise InvalidInput(_("Indiquez le nom sous lequel vous apparaîtrez."))
    if len(display_name) > MAX_DISPLAY_NAME:
        raise InvalidInput(_("Le nom affiché dépasse %(max)d caractères.") % {"max": MAX_DISPLAY_NAME})
    if ess_family and ess_family not in EssFamily.values:
        raise InvalidInput(_("Famille de l'ESS inconnue."))
    return Participant.objects.create(
        session=session, display_name=display_name, organisation=" ".join((organisation or "").split())[:200],
        ess_family=ess_family or "", browser_key=browser_key or secrets.token_urlsafe(24),
        device_key=device_key or "",
    )


@transaction.atomic
def remove_participant(*, actor, session: LiveSession, participant_id: int) -> Participant:
    _require_facilitator(actor, session)
    session = _lock_open(session)
    participant = _participant_in(session, participant_id)
    participant.removed_at = timezone.now()
    participant.save(update_fields=["removed_at"])
    had_hand = RaisedHand.objects.filter(session=session, participant=participant).delete()[0]
    had_floor = Floor.objects.filter(session=session, participant=participant).delete()[0]
    Connection.objects.filter(participant=participant).delete()
    _record(session, "session.participant_removed", participant_id=participant.pk)
    if had_hand or had_floor:
        _record_queue(session)
    transaction.on_commit(lambda: _kick(session, participant.pk), robust=True)
    return participant


@transaction.atomic
def readmit_participant(*, actor, session: LiveSession, participant_id: int) -> Participant:
    """Let a removed participant's device join this session again (as a new participant)."""
    _require_facilitator(actor, session)
    session = _lock_open(session)
    participant = Participant.objects.select_for_update().filter(
        session=session, pk=participant_id, removed_at__isnull=False
    ).first()
    if participant is None:
        raise InvalidInput(_("Cette personne n'a pas été retirée de la séance."))
    if participant.readmitted_at is None:
        participant.readmitted_at = timezone.now()
        participant.save(update_fields=["readmitted_at"])
    return participant


def _kick(session: LiveSession, participant_id: int) -> None:
    from agora import hub

    hub.kick(manifesto_id=session.agora.manifesto_id, session_id=session.pk, participant_id=participant_id)


# ------------------------------------------------------------------------- speaker queue


def _require_participant(participant: Participant | None, session: LiveSession) -> Participant:
    if participant is None or participant.session_id != session.pk:
        raise PermissionDenied(_("Rejoignez la séance pour demander la parole."))
    if Participant.objects.filter(pk=participant.pk, removed_at__isnull=False).exists():
        raise PermissionDenied(_("Vous avez été retiré·e de cette séance."))
    return participant


@transaction.atomic
def raise_hand(*, participant: Participant) -> None:
    session = _lock_open(participant.session)
    _require_participant(participant, session)
    if Floor.objects.filter(session=session, participant=participant).exists():
        return
    try:
        with transaction.atomic():
            RaisedHand.objects.create(session=session, participant=participant)
    except IntegrityError:
        return  # Already in the queue: raising twice is the same as once.
    _record_queue(session)


@transaction.atomic
def lower_own_hand(*, participant: Participant) -> None:
    session = _lock_open(participant.session)
    _require_participant(participant, session)
    if RaisedHand.objects.filter(session=session, participant=participant).delete()[0]:
        _record_queue(session)


@transaction.atomic
def lower_hand(*, actor, session: LiveSession, participant_id: int) -> None:
    _require_facilitator(actor, session)
    session = _lock_open(session)
    if RaisedHand.objects.filter(session=session, participant_id=participant_id).delete()[0]:
        _record_queue(session)


@transaction.atomic
def give_floor(*, actor, session: LiveSession, participant_id: int | None) -> None:
    """Give the floor to a participant (taking their hand out of the queue), or take it back (None)."""
    _require_facilitator(actor, session)
    session = _lock_open(session)
    Floor.objects.filter(session=session).delete()
    if participant_id is not None:
        participant = _participant_in(session, participant_id)
        RaisedHand.objects.filter(session=session, participant=participant).delete()
        Floor.objects.create(session=session, participant=participant)
    _record_queue(session)


@transaction.atomic
def clear_queue(*, actor, session: LiveSession) -> None:
    _require_facilitator(actor, session)
    session = _lock_open(session)
    RaisedHand.objects.filter(session=session).delete()
    Floor.objects.filter(session=session).delete()
    _record_queue(session)


# ------------------------------------------------------------------------- command receipts


@transaction.atomic(savepoint=False)  # a duplicate id fails the whole command, as it should
def record_command_reply(*, session: LiveSession, actor: str, command_id: str, command_type: str, reply: dict) -> None:
    """Keep the reply to a live command, so the same command id resent (after a reconnect) is answered
    with it instead of being applied again. Called in the command's own transaction: the receipt
    commits with the change or not at all. `actor` is "user:<id>" or "participant:<id>".

    Raises IntegrityError when that id already has a reply (the same command sent twice at once).
    """
    CommandReceipt.objects.create(
        session=session, actor=actor, command_id=command_id, command_type=command_type, reply=reply
    )


# ------------------------------------------------------------------------- presence


def connection_opened(*, session: LiveSession, participant: Participant | None, user, key: str) -> None:
    Connection.objects.create(
        session=session, participant=participant, user=user if getattr(user, "is_authenticated", False) else None,
        key=key, seen_at=timezone.now(),
    )


def connection_closed(*, key: str) -> None:
    Connection.objects.filter(key=key).delete()


def connections_changed(*, opened: list[dict], closed: list[str]) -> None:
    """A process's presence rows for one tick: the connections opened and closed since the last
    (dicts of key, session_id, participant_id, user_id), in two queries whatever their number."""
    now = timezone.now()
    # A participant removed or erased (or a session deleted) since the connection opened: no row.
    participants = set(Participant.objects.filter(pk__in={r["participant_id"] for r in opened} - {None},
                                                  removed_at__isnull=True).values_list("pk", flat=True))
    sessions = set(LiveSession.objects.filter(pk__in={r["session_id"] for r in opened}).values_list("pk", flat=True))
    opened = [r for r in opened if r["session_id"] in sessions
              and (r["participant_id"] is None or r["participant_id"] in participants)]
    if opened:
        Connection.objects.bulk_create([Connection(seen_at=now, **row) for row in opened], ignore_conflicts=True)
    for start in range(0, len(closed), 500):
        Connection.objects.filter(key__in=closed[start : start + 500]).delete()


def connections_seen(*, keys: list[str]) -> None:
    """A process's heartbeat for its open connections (one query, whatever their number)."""
    now = timezone.now()
    for start in range(0, len(keys), 500):
        Connection.objects.filter(key__in=keys[start : start + 500]).update(seen_at=now)


def forget_stale_connections() -> list[tuple[int, int]]:
    """Delete connections nobody refreshed (their process died); the (session, manifesto) ids touched."""
    from django.conf import settings

    limit = timezone.now() - timedelta(seconds=settings.LIVE_PRESENCE_TIMEOUT)
    stale = Connection.objects.filter(seen_at__lt=limit)
    touched = set(stale.values_list("session_id", "session__agora__manifesto_id"))
    if touched:
        stale.delete()
    return sorted(touched)


def remember_participant(django_session, participant: Participant) -> None:
    """Bind `participant` to this browser: its Django session keeps the participant's browser key."""
    known = dict(django_session.get(selectors.SESSION_KEY) or {})
    known[str(participant.session_id)] = participant.browser_key
    django_session[selectors.SESSION_KEY] = known
