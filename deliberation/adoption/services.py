"""Writes of the adoption vote: prepare, open, cast a secret ballot, close, proclaim.

Secrecy (docs/process.md, "Le secret du vote"): `cast_ballot` writes the voter's `Turnout` row
and an unlinked `Ballot` in one transaction and logs nothing about either; the journal gets the
turnout only. At close the tables are rewritten in key order on PostgreSQL, so not even the
physical order of rows tells in which order ballots were cast.
"""

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.models import Agora, Registration
from deliberation.adoption import permissions, roll, selectors
from deliberation.adoption.errors import (
    AlreadyVoted,
    InvalidInput,
    InvalidVoteLink,
    PermissionDenied,
    VoteNotOpen,
    WrongVersion,
)
from deliberation.adoption.models import (
    AdoptionVote,
    Ballot,
    BallotChoice,
    Majority,
    RollSource,
    Turnout,
    Voter,
    VoteState,
)
from manifesto import stage_services, stages
from manifesto.journal import record_event
from manifesto.models import Manifesto, ManifestoVersion, StageKind
from manifesto.signatures import services as signature_services
from manifesto.signatures.validation import normalise_email

logger = logging.getLogger(__name__)

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
RECEIPT_LENGTH = 16  # 80 bits


# ----------------------------------------------------------------------------- tokens and receipts


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def normalise_receipt_code(code: str) -> str:
    return "".join(char for char in (code or "").upper() if char.isalnum())[:RECEIPT_LENGTH]


def issue_link_token(voter_id: int) -> str | None:
    """A fresh single-use token for a voter who has not voted, while the vote is open (the
    previous link stops working). Called by the email task, so the token is never stored in clear."""
    token = new_token()
    closes_at = AdoptionVote.objects.filter(voters__pk=voter_id).values_list("closes_at", flat=True).first()
    updated = Voter.objects.filter(pk=voter_id, vote__state=VoteState.OPEN, turnout__isnull=True).update(
        token_hash=hash_secret(token), token_expires_at=closes_at
    )
    return token if updated else None


def _enqueue_invitation(voter_id: int) -> None:
    from deliberation.adoption.tasks import send_voter_invitation

    transaction.on_commit(lambda: send_voter_invitation.enqueue(voter_id))


# ----------------------------------------------------------------------------- preparing


def _require_manager(actor, manifesto: Manifesto) -> None:
    if not permissions.can_manage_vote(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices peuvent organiser le vote d'adoption."))


def _locked(vote: AdoptionVote) -> AdoptionVote:
    return AdoptionVote.objects.select_for_update().select_related("manifesto", "version").get(pk=vote.pk)


def _require_draft(vote: AdoptionVote) -> None:
    if vote.state != VoteState.DRAFT:
        raise InvalidInput(_("Les règles et la liste électorale ne changent plus une fois le vote ouvert."))


def _check_version(manifesto: Manifesto, version: ManifestoVersion) -> None:
    if version.manifesto_id != manifesto.pk:
        raise WrongVersion(_("Cette version appartient à un autre manifeste."))
    latest = manifesto.versions.order_by("-number").values_list("pk", flat=True).first()
    if version.pk != latest:
        raise WrongVersion(
            _("On ne vote que sur la dernière version figée du texte (la version %(number)d ne l'est plus).")
            % {"number": version.number}
        )


@dataclass(frozen=True)
class Rules:
    title: str
    closes_at: datetime.datetime
    per_article: bool = False
    majority: str = Majority.SIMPLE
    quorum_percent: int = 0


def _check_rules(rules: Rules) -> None:
    if not rules.title.strip():
        raise InvalidInput(_("Donnez un intitulé au vote."))
    if rules.majority not in Majority.values:
        raise InvalidInput(_("Majorité inconnue."))
    if not 0 <= rules.quorum_percent <= 100:
        raise InvalidInput(_("Le quorum est un pourcentage entre 0 et 100."))
    if rules.closes_at <= timezone.now():
        raise InvalidInput(_("La clôture du vote doit être dans le futur."))


@transaction.atomic
def create_vote(*, actor, manifesto: Manifesto, version: ManifestoVersion, rules: Rules) -> AdoptionVote:
    """A vote in preparation on a frozen version: its rules can change and its roll be imported until it opens."""
    _require_manager(actor, manifesto)
    _check_version(manifesto, version)
    _check_rules(rules)
    return AdoptionVote.objects.create(
        manifesto=manifesto,
        version=version,
        title=" ".join(rules.title.split()),
        closes_at=rules.closes_at,
        per_article=rules.per_article,
        majority=rules.majority,
        quorum_percent=rules.quorum_percent,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def set_rules(*, actor, vote: AdoptionVote, rules: Rules) -> AdoptionVote:
    _require_manager(actor, vote.manifesto)
    vote = _locked(vote)
    _require_draft(vote)
    _check_rules(rules)
    vote.title = " ".join(rules.title.split())
    vote.closes_at, vote.per_article = rules.closes_at, rules.per_article
    vote.majority, vote.quorum_percent = rules.majority, rules.quorum_percent
    vote.save(update_fields=["title", "closes_at", "per_article", "majority", "quorum_percent"])
    return vote


@dataclass(frozen=True)
class ImportResult:
    report: roll.RollReport
    imported: int


@transaction.atomic
def import_roll(*, actor, vote: AdoptionVote, csv_text: str, accept_valid_rows: bool = False) -> ImportResult:
    """Add the CSV's voters to the roll. With any bad row nothing is imported, unless the
    organiser, having read the report, confirms importing the good rows only."""
    _require_manager(actor, vote.manifesto)
    vote = _locked(vote)
    _require_draft(vote)
    existing = frozenset(Voter.objects.filter(vote=vote).values_list("email", flat=True))
    report = roll.parse_roll(csv_text, existing_emails=existing)
    if (report.errors and not accept_valid_rows) or not report.rows:
        return ImportResult(report=report, imported=0)
    Voter.objects.bulk_create(
        [
            Voter(vote=vote, name=row.name, email=row.email, organisation=row.organisation, weight=row.weight)
            for row in report.rows
        ]
    )
    if vote.roll_source != RollSource.CSV:
        vote.roll_source = RollSource.CSV
        vote.save(update_fields=["roll_source"])
    return ImportResult(report=report, imported=len(report.rows))


@transaction.atomic
def add_agora_registrants(*, actor, vote: AdoptionVote, agoras: list[Agora]) -> int:
    """Put the people registered to the chosen agoras of this manifesto on the roll, one voice each."""
    _require_manager(actor, vote.manifesto)
    vote = _locked(vote)
    _require_draft(vote)
    if not agoras or any(agora.manifesto_id != vote.manifesto_id for agora in agoras):
        raise InvalidInput(_("Choisissez des agoras de ce manifeste."))
    existing = set(Voter.objects.filter(vote=vote).values_list("email", flat=True))
    added = []
    registrations = Registration.objects.filter(agora__in=agoras).order_by("created_at", "pk")
    for registration in registrations:
        email = normalise_email(registration.email)
        if email in existing:
            continue
        existing.add(email)
        added.append(
            Voter(vote=vote, name=registration.name[:150], email=email, organisation=registration.organisation, weight=1)
        )
    Voter.objects.bulk_create(added)
    vote.agoras.add(*agoras)
    vote.roll_source = RollSource.AGORAS
    vote.save(update_fields=["roll_source"])
    return len(added)


@transaction.atomic
def clear_roll(*, actor, vote: AdoptionVote) -> int:
    _require_manager(actor, vote.manifesto)
    vote = _locked(vote)
    _require_draft(vote)
    deleted, _counts = Voter.objects.filter(vote=vote).delete()
    vote.agoras.clear()
    return deleted


# ----------------------------------------------------------------------------- opening


@transaction.atomic
def open_vote(*, actor, vote: AdoptionVote) -> AdoptionVote:
    """Fix the rules, open the ballot box and email every voter their personal link (after commit)."""
    _require_manager(actor, vote.manifesto)
    vote = _locked(vote)
    stages.require_allowed(vote.manifesto, "vote.open")
    _require_draft(vote)
    _check_version(vote.manifesto, vote.version)
    if vote.closes_at <= timezone.now():
        raise InvalidInput(_("La clôture du vote est passée : choisissez une nouvelle date avant d'ouvrir."))
    voter_ids = list(Voter.objects.filter(vote=vote).values_list("pk", flat=True))
    if not voter_ids:
        raise InvalidInput(_("La liste électorale est vide : importez-la avant d'ouvrir le vote."))
    if AdoptionVote.objects.filter(manifesto=vote.manifesto, state=VoteState.OPEN).exists():
        raise InvalidInput(_("Un autre vote d'adoption est déjà ouvert sur ce manifeste."))
    vote.state = VoteState.OPEN
    vote.opened_at = timezone.now()
    vote.save(update_fields=["state", "opened_at"])
    record_event(
        manifesto_id=vote.manifesto_id,
        type="adoption.opened",
        data={
            "vote_id": vote.pk,
            "title": vote.title,
            "version": vote.version.number,
            "fingerprint": vote.version.fingerprint,
            "closes_at": vote.closes_at.isoformat(),
            "per_article": vote.per_article,
            "majority": vote.majority,
            "quorum_percent": vote.quorum_percent,
            "roll": len(voter_ids),
        },
    )
    for voter_id in voter_ids:
        _enqueue_invitation(voter_id)
    return vote


@transaction.atomic
def resend_invitations(*, actor, vote: AdoptionVote) -> int:
    """A fresh link to every voter who has not voted yet (the previous link stops working)."""
    _require_manager(actor, vote.manifesto)
    vote = _locked(vote)
    if vote.state != VoteState.OPEN:
        raise VoteNotOpen()
    voter_ids = list(Voter.objects.filter(vote=vote, turnout__isnull=True).values_list("pk", flat=True))
    for voter_id in voter_ids:
        _enqueue_invitation(voter_id)
    return len(voter_ids)


# ----------------------------------------------------------------------------- voting


def voter_for_link(token: str) -> Voter:
    """The voter of a personal link that can still vote, or InvalidVoteLink (one sentence for every case)."""
    voter = (
        Voter.objects.select_related("vote", "vote__version", "vote__manifesto")
        .filter(token_hash=hash_secret(token or ""), token_expires_at__gt=timezone.now())
        .first()
    )
    if voter is None or not voter.vote.is_open or voter.vote.closes_at <= timezone.now():
        raise InvalidVoteLink()
    return voter


def _clean_choices(vote: AdoptionVote, choices: dict) -> dict:
    whole = choices.get(selectors.WHOLE_TEXT)
    if whole not in BallotChoice.values:
        raise InvalidInput(_("Choisissez pour, contre ou abstention sur l'ensemble du texte."))
    articles = {}
    if vote.per_article:
        given = choices.get("articles") or {}
        for number in selectors.version_clause_numbers(vote.version):
            value = given.get(str(number), given.get(number))
            if value not in BallotChoice.values:
                raise InvalidInput(_("Choisissez pour, contre ou abstention sur l'article %(number)d.") % {"number": number})
            articles[str(number)] = value
    return {selectors.WHOLE_TEXT: whole, "articles": articles}


def _turnout_changed(vote_id: int, manifesto_id: int) -> None:
    """Journal the new turnout (counts only) and push it to the vote page after commit."""
    vote = AdoptionVote(pk=vote_id)
    figures = selectors.turnout(vote)
    record_event(manifesto_id=manifesto_id, type="adoption.turnout", data={"vote_id": vote_id, "turnout": figures})
    from deliberation.adoption import broadcast

    transaction.on_commit(lambda: broadcast.turnout_changed(vote_id, figures))


def cast_ballot(*, token: str, fingerprint: str, choices: dict) -> str:
    """Record one secret ballot from a personal link; return the receipt code, shown once to the voter.

    The voter's Turnout row and the Ballot are written in one transaction; Turnout's primary key
    is the voter, so a second ballot (another tab, a replayed form) fails on the constraint and
    rolls back with its ballot. Nothing links the two rows: the ballot has a random key, no time
    and no voter, and nothing about it is logged.
    """
    voter = voter_for_link(token)
    with transaction.atomic():
        # Serialises ballots with each other and with the close: a ballot is either in the
        # count or refused, and each turnout figure journaled is exact.
        vote = _locked(voter.vote)
        if not vote.is_open or vote.closes_at <= timezone.now():
            raise InvalidVoteLink()
        stages.require_allowed(vote.manifesto, "vote.cast")
        if fingerprint != vote.version.fingerprint:
            raise WrongVersion()
        cleaned = _clean_choices(vote, choices)
        try:
            with transaction.atomic():
                Turnout.objects.create(voter=voter)
        except IntegrityError:
            raise AlreadyVoted() from None
        # The link is single-use: it stops working with this ballot.
        Voter.objects.filter(pk=voter.pk).update(token_hash=None, token_expires_at=None)
        receipt = new_receipt_code()
        Ballot.objects.create(vote=vote, weight=voter.weight, choices=cleaned, receipt_hash=hash_secret(receipt))
        _turnout_changed(vote.pk, vote.manifesto_id)
    return receipt


def receipt_counted(*, vote: AdoptionVote, code: str) -> bool:
    """Whether a ballot with this receipt is in the box; never what it says."""
    code = normalise_receipt_code(code)
    return len(code) == RECEIPT_LENGTH and selectors.ballot_counted(vote, hash_secret(code))


# ----------------------------------------------------------------------------- closing


def shuffle_storage() -> None:
    """Rewrite the voting tables in primary-key order (random for ballots, roll order for the
    others), so that the physical order of rows no longer tells in which order people voted.

    Run after the close has committed, in its own short transaction (CLUSTER refuses a table
    with deferred constraint checks pending). PostgreSQL only: SQLite is the single-machine demo.
    A failure is logged and leaves the results as published; the next close rewrites again.
    """
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '10s'")
            for model in (Ballot, Turnout, Voter):
                table = model._meta.db_table
                cursor.execute(f'CLUSTER "{table}" USING "{table}_pkey"')
    except Exception:  # noqa: BLE001 - the vote is closed and counted; only the rewrite is missing
        logger.exception("rewriting the voting tables after a close failed")


@transaction.atomic
def close_vote(*, actor, vote: AdoptionVote, now: datetime.datetime | None = None) -> AdoptionVote:
    """Close the ballot box and publish the results. `actor` None is the scheduler (the
    `close_due_votes` command), which may only close a vote whose closing time has passed."""
    now = now or timezone.now()
    if actor is None:
        if vote.closes_at > now:
            raise PermissionDenied(_("Ce vote n'est pas encore arrivé à sa clôture."))
    else:
        _require_manager(actor, vote.manifesto)
    vote = _locked(vote)
    if vote.state != VoteState.OPEN:
        raise VoteNotOpen(_("Seul un vote ouvert peut être clos."))
    # Links stop working now, before the count.
    Voter.objects.filter(vote=vote, token_hash__isnull=False).update(token_hash=None, token_expires_at=None)
    results = selectors.tally(vote)
    vote.state = VoteState.CLOSED
    vote.closed_at = now
    vote.results = results
    vote.adopted = results["adopted"]
    vote.quorum_reached = results["quorum_reached"]
    vote.save(update_fields=["state", "closed_at", "results", "adopted", "quorum_reached"])
    record_event(
        manifesto_id=vote.manifesto_id,
        type="adoption.closed",
        data={"vote_id": vote.pk, **results},
    )
    from deliberation.adoption import broadcast

    transaction.on_commit(shuffle_storage)
    transaction.on_commit(lambda: broadcast.vote_closed(vote.pk))
    return vote


def close_due_votes(*, now: datetime.datetime | None = None) -> list[AdoptionVote]:
    """Close every open vote whose closing time has passed; run by `manage.py close_due_votes`."""
    now = now or timezone.now()
    closed = []
    for vote in selectors.due_votes(now):
        try:
            closed.append(close_vote(actor=None, vote=vote, now=now))
        except VoteNotOpen:
            continue  # closed meanwhile by its organiser
    return closed


# ----------------------------------------------------------------------------- proclamation


@transaction.atomic
def proclaim(*, actor, vote: AdoptionVote) -> AdoptionVote:
    """The adopted version becomes final: the signature campaign opens on exactly that version."""
    _require_manager(actor, vote.manifesto)
    vote = _locked(vote)
    if vote.state != VoteState.CLOSED:
        raise VoteNotOpen(_("On ne proclame un texte qu'une fois le vote clos et dépouillé."))
    if not vote.adopted:
        raise InvalidInput(_("Le texte n'a pas été adopté par ce vote : il ne peut pas être proclamé."))
    if vote.proclaimed_at is not None:
        raise InvalidInput(_("Ce texte a déjà été proclamé."))
    stages.require_allowed(vote.manifesto, "proclaim")
    if stages.stages_of(vote.manifesto):
        # The text is final: the process moves to its proclaimed stage, where signing is allowed.
        stage_services.open_stage(actor=actor, manifesto=vote.manifesto, kind=StageKind.PROCLAIMED)
    signature_services.open_campaign(actor=actor, manifesto=vote.manifesto, version=vote.version)
    vote.proclaimed_at = timezone.now()
    vote.save(update_fields=["proclaimed_at"])
    record_event(
        manifesto_id=vote.manifesto_id,
        type="adoption.proclaimed",
        data={"vote_id": vote.pk, "version": vote.version.number, "fingerprint": vote.version.fingerprint},
    )
    return vote




# ----------------------------------------------------------------------------- retention


def delete_expired_rolls(*, now: datetime.datetime | None = None, months: int | None = None) -> int:
    """Delete the voters' roll (names, addresses) and its "has voted" rows of votes closed more
    than `months` ago (VOTER_ROLL_RETENTION_MONTHS). The published results and the anonymous
    ballots stay: the count can still be checked, and receipts still answer."""
    from manifesto.signatures.services import months_before

    now = now or timezone.now()
    cutoff = months_before(now, months if months is not None else settings.VOTER_ROLL_RETENTION_MONTHS)
    deleted, _detail = Voter.objects.filter(vote__state=VoteState.CLOSED, vote__closed_at__lte=cutoff).delete()
    return _detail.get(Voter._meta.label, 0)
