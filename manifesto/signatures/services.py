"""Writes to signatures and their campaign. Views, consumers and commands call only these.

The signing path is the hot one: one campaign read, one INSERT, and the email queued after
commit. The live counter is not journaled (that would serialise every signature on the
manifesto's row lock): a fresh count is broadcast after commit to the counter group, and
each message carries the whole count, so a lost message is corrected by the next one.
"""

import calendar
import contextlib
import datetime
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from manifesto import permissions, stages
from manifesto import services as text_services
from manifesto.errors import CampaignClosed, InvalidInput, InvalidToken, PermissionDenied, RateLimited
from manifesto.journal import record_event
from manifesto.models import (
    Manifesto,
    ManifestoStatus,
    ManifestoVersion,
    Signature,
    SignatureCampaign,
    SignatureKind,
    SignatureState,
)
from manifesto.signatures import ratelimit, selectors
from manifesto.signatures.validation import email_digest, normalise_domain, normalise_email

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
RECEIPT_LENGTH = 12
MANAGE_SALT = "coecrire.signatures.manage"


# ----------------------------------------------------------------------------- tokens


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def normalise_receipt_code(code: str) -> str:
    return "".join(char for char in (code or "").upper() if char.isalnum())[:RECEIPT_LENGTH]


def manage_token(signature_id: int) -> str:
    """The withdrawal/erasure link's secret: derived from the id, so nothing is stored and every email can carry it."""
    return salted_hmac(MANAGE_SALT, str(signature_id), algorithm="sha256").hexdigest()


def check_manage_token(signature_id: int, token: str) -> bool:
    return constant_time_compare(manage_token(signature_id), token or "")


def _token_expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.SIGNATURE_TOKEN_DAYS)


# ----------------------------------------------------------------------------- after commit


def _enqueue_email(signature_id: int, kind: str) -> None:
    """Queue an email after commit. Its task arguments are the id and the kind only: a link's
    token is made by the task when it sends the email, so it is never stored anywhere in clear
    (the database task backend keeps its arguments)."""
    from manifesto.signatures.tasks import send_signature_email

    transaction.on_commit(lambda: send_signature_email.enqueue(signature_id, kind))


def issue_link_token(signature_id: int, *, states: tuple[str, ...]) -> str | None:
    """A fresh single-use token for the signature (the previous link stops working); None if it left `states`."""
    token = new_token()
    updated = Signature.objects.filter(pk=signature_id, state__in=states, email__isnull=False).update(
        token_hash=hash_token(token), token_expires_at=_token_expiry(timezone.now())
    )
    return token if updated else None


def _count_changed(manifesto_id: int) -> None:
    from manifesto.signatures import broadcast

    transaction.on_commit(lambda: broadcast.count_changed(manifesto_id), robust=True)


# ----------------------------------------------------------------------------- campaign


def _require_organiser(actor, manifesto: Manifesto) -> None:
    if not permissions.is_organiser(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices peuvent gérer la campagne de signature."))


@transaction.atomic
def open_campaign(
    *,
    actor,
    manifesto: Manifesto,
    version: ManifestoVersion,
    starts_at: datetime.datetime | None = None,
    ends_at: datetime.datetime | None = None,
    goal: int | None = None,
) -> SignatureCampaign:
    """Mark `version` as the final text and open (or reopen) signing.

    When the final version changes, the signatories of an earlier version are invited to
    confirm again for the new one; until they do, the list shows the version they signed.
    """
    _require_organiser(actor, manifesto)
    if version.manifesto_id != manifesto.pk:
        raise InvalidInput(_("Cette version appartient à un autre manifeste."))
    now = timezone.now()
    starts_at = starts_at or now
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidInput(_("La date de clôture doit être postérieure à la date d'ouverture."))
    if goal is not None and goal < 1:
        raise InvalidInput(_("L'objectif doit être un nombre positif."))
    campaign = SignatureCampaign.objects.select_for_update().filter(manifesto=manifesto).first()
    previous_version_id = campaign.version_id if campaign else None
    if campaign is None:
        campaign = SignatureCampaign(manifesto=manifesto)
    campaign.version = version
    campaign.starts_at = starts_at
    campaign.ends_at = ends_at
    campaign.goal = goal
    campaign.closed_at = None
    campaign.opened_by = actor if getattr(actor, "is_authenticated", False) else None
    campaign.save()
    if manifesto.status != ManifestoStatus.SIGNING:
        campaign.manifesto = text_services.set_status(actor=actor, manifesto=manifesto, status=ManifestoStatus.SIGNING)
    record_event(
        manifesto_id=manifesto.pk,
        type="signatures.campaign_opened",
        data={
            "version": version.number,
            "label": version.label,
            "fingerprint": version.fingerprint,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat() if ends_at else None,
            "goal": goal,
        },
    )
    if previous_version_id is not None and previous_version_id != version.pk:
        _invite_reconfirmation(campaign)
    _count_changed(manifesto.pk)
    return campaign


def _invite_reconfirmation(campaign: SignatureCampaign) -> int:
    earlier = list(
        Signature.objects.filter(manifesto_id=campaign.manifesto_id, state=SignatureState.CONFIRMED, email__isnull=False)
        .exclude(version_id=campaign.version_id)
        .values_list("pk", flat=True)
    )
    for signature_id in earlier:
        _enqueue_email(signature_id, "reconfirm")
    return len(earlier)


@transaction.atomic
def close_campaign(*, actor, manifesto: Manifesto) -> SignatureCampaign:
    _require_organiser(actor, manifesto)
    campaign = SignatureCampaign.objects.select_for_update().filter(manifesto=manifesto).first()
    if campaign is None:
        raise InvalidInput(_("Aucune campagne de signature n'a été ouverte pour ce manifeste."))
    if campaign.closed_at is None:
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["closed_at"])
    if manifesto.status != ManifestoStatus.CLOSED:
        campaign.manifesto = text_services.set_status(actor=actor, manifesto=manifesto, status=ManifestoStatus.CLOSED)
    record_event(manifesto_id=manifesto.pk, type="signatures.campaign_closed", data={"closed_at": campaign.closed_at.isoformat()})
    _count_changed(manifesto.pk)
    return campaign


# ----------------------------------------------------------------------------- signing


@dataclass(frozen=True)
class SignatureInput:
    """What the signing form validated. Names and email are already cleaned (see validation.py)."""

    kind: str
    email: str
    territory: str
    first_name: str = ""
    last_name: str = ""
    role: str = ""
    organisation_name: str = ""
    family: str = ""
    siren: str = ""
    organisation_key: str = ""
    entitled: bool = False
    consent_public: bool = False
    consent_news: bool = False


def _client_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def sign(*, campaign: "SignatureCampaign | selectors.CampaignState", data: SignatureInput, ip: str | None) -> None:
    """Record a pending signature and email its confirmation link.

    Returns nothing on purpose: a second signature for an address gets exactly what a first
    one gets (the address receives an "already signed" email instead), so the response
    cannot tell whether an address has signed.
    """
    if not ratelimit.hit(scope="sign", ip=ip):
        raise RateLimited()
    if not selectors.campaign_is_open(campaign):
        raise CampaignClosed()
    stages.require_allowed(campaign.manifesto_id, "signature.sign")
    if data.kind == SignatureKind.ORGANISATION and not data.entitled:
        raise InvalidInput(_("Confirmez que vous êtes habilité·e à signer au nom de l'organisation."))
    email = normalise_email(data.email)
    # One INSERT is atomic by itself: in autocommit (a request) it needs no BEGIN/COMMIT of its
    # own; inside a caller's transaction a savepoint keeps a duplicate from spoiling it.
    in_transaction = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if in_transaction else contextlib.nullcontext():
            signature = Signature.objects.create(
                manifesto_id=campaign.manifesto_id,
                version_id=campaign.version_id,
                kind=data.kind,
                first_name=data.first_name,
                last_name=data.last_name,
                role=data.role,
                email=email,
                email_digest=email_digest(email),
                ip_address=_client_ip(ip),
                organisation_name=data.organisation_name if data.kind == SignatureKind.ORGANISATION else "",
                family=data.family if data.kind == SignatureKind.ORGANISATION else "",
                siren=data.siren if data.kind == SignatureKind.ORGANISATION else "",
                organisation_key=data.organisation_key if data.kind == SignatureKind.ORGANISATION else "",
                territory=data.territory,
                entitled=data.entitled,
                consent_public=data.consent_public,
                consent_news=data.consent_news,
                emails_sent=1,
            )
            _enqueue_email(signature.pk, "confirm")
    except IntegrityError:
        _email_existing(manifesto_id=campaign.manifesto_id, email=email)


def _email_existing(*, manifesto_id: int, email: str) -> None:
    """The address has a signature already: a fresh link if it is pending, "already signed" if confirmed."""
    existing = (
        Signature.objects.filter(manifesto_id=manifesto_id, email_digest=email_digest(email), email__isnull=False)
        .values_list("pk", "state")
        .first()
    )
    if existing is None:
        return  # Unknown, or erased: an erased signature keeps counting once and has no address to write to.
    pk, state = existing
    if state == SignatureState.PENDING:
        _send_capped(pk, kind="confirm")
    elif state == SignatureState.CONFIRMED:
        _send_capped(pk, kind="already_signed")
    # An invalidated signature keeps its address so that it cannot simply sign again; it gets no email.


def _send_capped(signature_id: int, *, kind: str) -> bool:
    """Queue an email within the per-signature cap. A link is made by the task, and the previous one then stops working."""
    with transaction.atomic():
        updated = Signature.objects.filter(pk=signature_id, emails_sent__lt=settings.SIGNATURE_MAX_EMAILS).update(
            emails_sent=F("emails_sent") + 1
        )
        if updated:
            _enqueue_email(signature_id, kind)
    return bool(updated)


def resend_confirmation(*, manifesto: Manifesto, email: str, ip: str | None) -> None:
    """Send a new confirmation link to a pending signature; the same answer whatever the address."""
    if not ratelimit.hit(scope="resend", ip=ip):
        raise RateLimited()
    email = normalise_email(email)
    if not email:
        return
    _email_existing(manifesto_id=manifesto.pk, email=email)


@transaction.atomic
def confirm(*, token: str) -> Signature:
    """Confirm the signature that `token` belongs to. Confirming twice changes nothing the second time."""
    if not token or len(token) > 100:
        raise InvalidToken()
    signature = (
        Signature.objects.select_for_update()
        .filter(token_hash=hash_token(token))
        .first()
    )
    if signature is None or signature.state not in {SignatureState.PENDING, SignatureState.CONFIRMED}:
        raise InvalidToken()
    campaign = SignatureCampaign.objects.select_related("version", "manifesto").get(manifesto_id=signature.manifesto_id)
    reconfirming = signature.state == SignatureState.CONFIRMED
    if reconfirming and signature.version_id == campaign.version_id:
        return signature  # Already done: the same page again, counted once.
    now = timezone.now()
    if signature.token_expires_at is None or signature.token_expires_at <= now:
        raise InvalidToken()
    if not selectors.campaign_is_open(campaign, now=now):
        raise CampaignClosed()
    if reconfirming:
        signature.version = campaign.version
    signature.state = SignatureState.CONFIRMED
    signature.confirmed_at = now
    signature.receipt_code = new_receipt_code()
    signature.save(update_fields=["state", "version", "confirmed_at", "receipt_code"])
    _enqueue_email(signature.pk, "receipt")
    _count_changed(signature.manifesto_id)
    return signature


# ----------------------------------------------------------------------------- leaving


PERSONAL_FIELDS_BLANK = {
    "first_name": "",
    "last_name": "",
    "role": "",
    "organisation_name": "",
    "siren": "",
    "organisation_key": "",
}


def _blank_personal_data(signature: Signature, now: datetime.datetime) -> None:
    for field, value in PERSONAL_FIELDS_BLANK.items():
        setattr(signature, field, value)
    signature.email = None
    if signature.state != SignatureState.CONFIRMED:
        # Only a signature that counts keeps its mailbox's digest: erasing a pending or
        # withdrawn one leaves the person free to sign (once) later.
        signature.email_digest = None
    signature.ip_address = None
    signature.token_hash = None
    signature.token_expires_at = None
    signature.consent_public = False
    signature.consent_news = False
    signature.erased_at = now


ERASED_UPDATE_FIELDS = [
    *PERSONAL_FIELDS_BLANK,
    "email",
    "email_digest",
    "ip_address",
    "token_hash",
    "token_expires_at",
    "consent_public",
    "consent_news",
    "erased_at",
]


def _signature_for_manage(signature_id: int, token: str) -> Signature:
    if not check_manage_token(signature_id, token):
        raise InvalidToken()
    signature = Signature.objects.select_for_update().filter(pk=signature_id).first()
    if signature is None:
        raise InvalidToken()
    return signature


@transaction.atomic
def withdraw(*, signature_id: int, token: str) -> Signature:
    """Withdraw a signature: it leaves the count and the list at once, and its personal data goes.

    Nothing personal is kept: the signatory asked to leave, so there is nothing left to use it for.
    """
    signature = _signature_for_manage(signature_id, token)
    if signature.state == SignatureState.WITHDRAWN:
        return signature
    was_counted = signature.state == SignatureState.CONFIRMED
    now = timezone.now()
    signature.state = SignatureState.WITHDRAWN
    signature.withdrawn_at = now
    _blank_personal_data(signature, now)
    signature.save(update_fields=["state", "withdrawn_at", *ERASED_UPDATE_FIELDS])
    if was_counted:
        _count_changed(signature.manifesto_id)
    return signature


@transaction.atomic
def erase(*, signature_id: int, token: str) -> Signature:
    """Erase the personal data of a signature; a confirmed one still counts, anonymously."""
    signature = _signature_for_manage(signature_id, token)
    if signature.erased_at is None:
        _blank_personal_data(signature, timezone.now())
        signature.save(update_fields=ERASED_UPDATE_FIELDS)
        _count_changed(signature.manifesto_id)  # it may have left the public list
    return signature


@transaction.atomic
def erase_by_organiser(*, actor, manifesto: Manifesto, email: str) -> bool:
    """Erasure on request received by the organisers (by mail, in person). True when a signature matched."""
    _require_organiser(actor, manifesto)
    signature = (
        Signature.objects.select_for_update()
        .filter(manifesto=manifesto, email_digest=email_digest(email), erased_at__isnull=True)
        .first()
    )
    if signature is None:
        return False
    _blank_personal_data(signature, timezone.now())
    signature.save(update_fields=ERASED_UPDATE_FIELDS)
    _count_changed(manifesto.pk)
    return True


# ----------------------------------------------------------------------------- organiser tools


@dataclass(frozen=True)
class InvalidationResult:
    matched: int
    were_counted: int


def _invalidation_queryset(
    *,
    manifesto: Manifesto,
    email_domain: str = "",
    ip_network: str = "",
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
):
    email_domain = normalise_domain(email_domain)
    if not (email_domain or ip_network or since or until):
        raise InvalidInput(_("Indiquez au moins un critère : domaine, plage d'adresses IP ou période."))
    queryset = Signature.objects.filter(
        manifesto=manifesto, state__in=[SignatureState.PENDING, SignatureState.CONFIRMED]
    )
    if email_domain:
        queryset = queryset.filter(email__endswith="@" + email_domain)
    if since:
        queryset = queryset.filter(created_at__gte=since)
    if until:
        queryset = queryset.filter(created_at__lt=until)
    if ip_network:
        try:
            network = ipaddress.ip_network(ip_network.strip(), strict=False)
        except ValueError:
            raise InvalidInput(_("La plage d'adresses IP n'est pas valide (exemple : 192.0.2.0/24).")) from None
        # Portable across SQLite and PostgreSQL: filter the (few) candidate addresses in Python.
        ids = [
            pk
            for pk, address in queryset.filter(ip_address__isnull=False).values_list("pk", "ip_address")
            if ipaddress.ip_address(address) in network
        ]
        queryset = queryset.filter(pk__in=ids)
    return queryset


def preview_invalidation(*, actor, manifesto: Manifesto, **criteria) -> InvalidationResult:
    _require_organiser(actor, manifesto)
    queryset = _invalidation_queryset(manifesto=manifesto, **criteria)
    return InvalidationResult(
        matched=queryset.count(), were_counted=queryset.filter(state=SignatureState.CONFIRMED).count()
    )


@transaction.atomic
def bulk_invalidate(*, actor, manifesto: Manifesto, **criteria) -> InvalidationResult:
    """Invalidate every pending or confirmed signature matching all the criteria given."""
    _require_organiser(actor, manifesto)
    queryset = _invalidation_queryset(manifesto=manifesto, **criteria)
    ids = list(queryset.select_for_update().values_list("pk", "state"))
    were_counted = sum(1 for _pk, state in ids if state == SignatureState.CONFIRMED)
    matched = Signature.objects.filter(pk__in=[pk for pk, _state in ids]).update(
        state=SignatureState.INVALIDATED, invalidated_at=timezone.now(), token_hash=None, token_expires_at=None
    )
    if matched:
        record_event(manifesto_id=manifesto.pk, type="signatures.invalidated", data={"count": matched})
        _count_changed(manifesto.pk)
    return InvalidationResult(matched=matched, were_counted=were_counted)


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    month_index = moment.month - 1 - months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class AnonymisationResult:
    anonymised: int
    deleted_pending: int


@transaction.atomic
def anonymise_expired(*, now: datetime.datetime | None = None, months: int | None = None) -> AnonymisationResult:
    """Anonymise the signatures of campaigns closed more than `months` ago; delete long-expired pending ones.

    Anonymised signatures keep counting; pending ones never counted and hold nothing worth keeping.
    """
    now = now or timezone.now()
    months = settings.SIGNATURE_RETENTION_MONTHS if months is None else months
    cutoff = months_before(now, months)
    closed_manifestos = SignatureCampaign.objects.filter(closed_at__isnull=False, closed_at__lte=cutoff).values(
        "manifesto_id"
    )
    # Pending signatures never counted: those of a long-closed campaign, or whose link expired long ago, go.
    long_ago = now - datetime.timedelta(days=2 * settings.SIGNATURE_TOKEN_DAYS)
    deleted, _detail = Signature.objects.filter(
        Q(manifesto_id__in=closed_manifestos)
        | Q(token_expires_at__lt=long_ago)
        | Q(token_expires_at__isnull=True, created_at__lt=long_ago),
        state=SignatureState.PENDING,
    ).delete()
    anonymised = Signature.objects.filter(manifesto_id__in=closed_manifestos, erased_at__isnull=True).update(
        **PERSONAL_FIELDS_BLANK,
        email=None,
        ip_address=None,
        token_hash=None,
        token_expires_at=None,
        consent_public=False,
        consent_news=False,
        erased_at=now,
    )
    return AnonymisationResult(anonymised=anonymised, deleted_pending=deleted)
