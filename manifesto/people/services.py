"""Invitations and roles: every write about who holds which role on a text (docs/people.md).

Views, commands and other apps (agora's CSV import) call only these. Each checks who may act,
runs in one transaction, and records every grant and revocation in RoleChange. Invitation
emails leave through the task queue after commit; the task makes the link's token when it sends
it, so a token is never stored in clear (only its SHA-256), nor kept in the task's arguments.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from manifesto.errors import InvalidInput, InvalidToken, PermissionDenied
from manifesto.models import Invitation, InvitationStatus, Manifesto, RoleAction, RoleChange
from manifesto.people import roles
from manifesto.people.permissions import can_manage_people
from manifesto.signatures.services import hash_token, new_token
from manifesto.signatures.validation import clean_email, normalise_email

# The grant only manage.py invite_first_organiser writes; no role kind of the registry has this
# code, so invite() refuses it like any unknown role.
SUPERUSER_GRANT = "superuser"


def _expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.INVITATION_DAYS)


def _require_people_manager(actor, manifesto) -> None:
    if not can_manage_people(actor, manifesto):
        raise PermissionDenied(_("Seuls les organisateur·rices de ce texte peuvent inviter des personnes ou retirer des rôles."))


def _clean_address(email: str) -> str:
    try:
        return clean_email(email)
    except ValidationError as error:
        raise InvalidInput(error.messages[0]) from None


def clean_grants(manifesto: Manifesto, grants: list[dict]) -> list[dict]:
    """The grants in their stored form, one entry per role, in the registry's order.

    Refuses an unknown role (including "superuser"), a role without its targets, and a target
    that is not one of this text's (an agora of another text).
    """
    merged: dict[str, set] = {}
    for grant in grants or []:
        code = (grant or {}).get("role") if isinstance(grant, dict) else None
        kind = roles.get(code) if isinstance(code, str) else None
        if kind is None:
            raise InvalidInput(_("Ce rôle n'existe pas : choisissez parmi les rôles proposés."))
        targets = set()
        if kind.has_targets:
            raw = grant.get("targets") or []
            try:
                targets = {int(target) for target in raw}
            except (TypeError, ValueError):
                raise InvalidInput(_("Choisissez les agoras parmi celles de ce texte.")) from None
            allowed = {target_id for target_id, _label in kind.target_choices(manifesto)}
            if not targets:
                raise InvalidInput(
                    _("Pour le rôle « %(role)s », choisissez au moins une agora.") % {"role": kind.label}
                )
            if not targets <= allowed:
                raise InvalidInput(_("Choisissez les agoras parmi celles de ce texte."))
        merged.setdefault(kind.code, set()).update(targets)
    if not merged:
        raise InvalidInput(_("Choisissez au moins un rôle."))
    cleaned = []
    for kind in roles.all_kinds():
        if kind.code in merged:
            entry = {"role": kind.code}
            if kind.has_targets:
                entry["targets"] = sorted(merged[kind.code])
            cleaned.append(entry)
    return cleaned


def _merge(existing: list[dict], extra: list[dict]) -> list[dict]:
    by_role = {grant["role"]: set(grant.get("targets", [])) for grant in existing}
    for grant in extra:
        by_role.setdefault(grant["role"], set()).update(grant.get("targets", []))
    merged = []
    for kind in roles.all_kinds():
        if kind.code in by_role:
            entry = {"role": kind.code}
            if kind.has_targets:
                entry["targets"] = sorted(by_role[kind.code])
            merged.append(entry)
    return merged


def _enqueue_email(invitation_id: int) -> None:
    from manifesto.people.tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id))


def _check_send_budget(invitation: Invitation) -> None:
    if invitation.emails_sent >= settings.INVITATION_MAX_EMAILS:
        raise InvalidInput(
            _(
                "Cette invitation a déjà été envoyée %(count)d fois : retirez-la, puis invitez de nouveau "
                "si l'adresse est la bonne."
            )
            % {"count": invitation.emails_sent}
        )


# ----------------------------------------------------------------------------- inviting


@transaction.atomic
def invite(*, actor, manifesto: Manifesto, email: str, grants: list[dict], send: bool = True) -> Invitation:
    """Invite `email` to the roles `grants` on `manifesto`.

    grants: [{"role": "organiser"}, {"role": "collective"}, {"role": "facilitator", "targets": [agora ids]}].
    A pending, unexpired invitation of the same address to the same text gets the new grants
    merged in, a fresh expiry, and is sent again, instead of a second invitation.
    """
    _require_people_manager(actor, manifesto)
    address = _clean_address(email)
    cleaned = clean_grants(manifesto, grants)
    now = timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .filter(manifesto=manifesto, email=address, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is not None and invitation.expires_at <= now:
        # An expired invitation is closed off (its link already refuses) and a new one starts.
        invitation.status = InvitationStatus.REVOKED
        invitation.revoked_at = now
        invitation.save(update_fields=["status", "revoked_at"])
        invitation = None
    if invitation is None:
        invitation = Invitation.objects.create(
            manifesto=manifesto,
            email=address,
            grants=cleaned,
            expires_at=_expiry(now),
            invited_by=actor,
        )
    else:
        if send:
            _check_send_budget(invitation)
        invitation.grants = _merge(invitation.grants, cleaned)
        invitation.expires_at = _expiry(now)
        invitation.invited_by = actor
        invitation.save(update_fields=["grants", "expires_at", "invited_by"])
    if send:
        _enqueue_email(invitation.pk)
    return invitation


@transaction.atomic
def resend(*, actor, invitation: Invitation) -> Invitation:
    """Send the invitation again with a new link (the previous link stops working) and a fresh expiry."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_people_manager(actor, invitation.manifesto)
    if invitation.status != InvitationStatus.PENDING:
        raise InvalidInput(_("Seule une invitation en attente ou expirée peut être renvoyée."))
    _check_send_budget(invitation)
    invitation.expires_at = _expiry(timezone.now())
    invitation.save(update_fields=["expires_at"])
    _enqueue_email(invitation.pk)
    return invitation


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation: its link then answers that it was withdrawn."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_people_manager(actor, invitation.manifesto)
    if invitation.status != InvitationStatus.PENDING:
        raise InvalidInput(_("Cette invitation n'est plus en attente : il n'y a rien à retirer."))
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["status", "revoked_at"])
    return invitation


def issue_token(invitation_id: int) -> str | None:
    """A fresh single-use token for a pending invitation (the previous link stops working).

    Called by the email task when it sends the link; None when the invitation is no longer pending.
    """
    token = new_token()
    updated = Invitation.objects.filter(pk=invitation_id, status=InvitationStatus.PENDING).update(
        token_hash=hash_token(token), last_sent_at=timezone.now(), emails_sent=F("emails_sent") + 1
    )
    return token if updated else None


@transaction.atomic
def invite_first_organiser(*, email: str) -> Invitation:
    """The invitation manage.py invite_first_organiser sends: its acceptance makes a superuser.

    No actor: only someone with a shell on the server can run the command. Nothing else writes
    this grant.
    """
    address = _clean_address(email)
    now = timezone.now()
    invitation = Invitation.objects.create(
        manifesto=None,
        email=address,
        grants=[{"role": SUPERUSER_GRANT}],
        expires_at=_expiry(now),
        invited_by=None,
    )
    _enqueue_email(invitation.pk)
    return invitation


# ----------------------------------------------------------------------------- roles


def _record(*, manifesto, user, role: str, targets, action: str, actor, invitation=None) -> RoleChange:
    return RoleChange.objects.create(
        manifesto=manifesto,
        user=user,
        user_label=user.get_username(),
        role=role,
        targets=sorted(targets or []),
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        invitation=invitation,
    )


@transaction.atomic
def revoke_role(*, actor, manifesto: Manifesto, user, role: str, targets: list | None = None) -> None:
    """Take a role (or some of its targets) away from `user` on `manifesto`.

    The last organiser of a text cannot be removed: someone must be able to manage it.
    """
    _require_people_manager(actor, manifesto)
    kind = roles.get(role)
    if kind is None:
        raise InvalidInput(_("Ce rôle n'existe pas : choisissez parmi les rôles proposés."))
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    holding = next((held for held in kind.holders(manifesto) if held.user.pk == user.pk), None)
    if holding is None:
        raise InvalidInput(_("Cette personne n'a pas ce rôle sur ce texte."))
    targets = [int(target) for target in (targets or [])]
    if kind.has_targets and targets and not set(targets) <= set(holding.targets):
        raise InvalidInput(_("Cette personne n'anime pas ces agoras."))
    if role == "organiser" and manifesto.organisers.count() <= 1:
        raise InvalidInput(
            _("C'est le dernier organisateur ou la dernière organisatrice de ce texte : invitez-en un·e autre avant de retirer ce rôle.")
        )
    kind.revoke(user, manifesto, targets, actor)
    _record(
        manifesto=manifesto,
        user=user,
        role=role,
        targets=targets or list(holding.targets),
        action=RoleAction.REVOKED,
        actor=actor,
    )


# ----------------------------------------------------------------------------- accepting


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation a link opens, or InvalidToken with the sentence that says why not.

    Forged, reused, expired and withdrawn links each get their own sentence: whoever holds the
    link already knows it was sent to them, and knowing why helps them ask for a new one.
    """
    queryset = Invitation.objects.select_related("manifesto", "invited_by")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=hash_token(token or "")).first() if token else None
    if invitation is None:
        raise InvalidToken(_("Ce lien d'invitation n'est pas valide : vérifiez qu'il a été copié en entier, ou demandez une nouvelle invitation."))
    if invitation.status == InvitationStatus.ACCEPTED:
        raise InvalidToken(_("Cette invitation a déjà été acceptée : connectez-vous avec votre compte."))
    if invitation.status == InvitationStatus.REVOKED:
        raise InvalidToken(_("Cette invitation a été retirée par les organisateur·rices du texte."))
    if invitation.is_expired:
        raise InvalidToken(_("Cette invitation a expiré : demandez aux organisateur·rices du texte de vous la renvoyer."))
    if invitation.manifesto is not None and not can_manage_people(invitation.invited_by, invitation.manifesto):
        # The person who invited no longer organises the text: what they granted lapses with them.
        raise InvalidToken(_("Cette invitation n'est plus valable : la personne qui l'a envoyée n'organise plus ce texte."))
    return invitation


def _apply_grants(invitation: Invitation, user) -> None:
    if invitation.manifesto is None:
        if invitation.grants == [{"role": SUPERUSER_GRANT}]:
            user.is_superuser = True
            user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
            _record(manifesto=None, user=user, role=SUPERUSER_GRANT, targets=[], action=RoleAction.GRANTED,
                    actor=None, invitation=invitation)
        return
    manifesto = invitation.manifesto
    for grant in invitation.grants:
        kind = roles.get(grant.get("role"))
        if kind is None:  # a role no app registers any more: nothing to give
            continue
        targets = []
        if kind.has_targets:
            # Agoras deleted since the invitation was sent are simply not granted.
            still_there = {target_id for target_id, _label in kind.target_choices(manifesto)}
            targets = [target for target in grant.get("targets", []) if target in still_there]
            if not targets:
                continue
        kind.grant(user, manifesto, targets, invitation.invited_by)
        _record(manifesto=manifesto, user=user, role=kind.code, targets=targets, action=RoleAction.GRANTED,
                actor=invitation.invited_by, invitation=invitation)


def _close(invitation: Invitation, user) -> None:
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])


@transaction.atomic
def accept_as(*, actor, token: str) -> Invitation:
    """A logged-in person accepts with their account. Its address must be the invited one:
    an invitation is for one mailbox, and another account would take roles meant for someone else."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Connectez-vous pour accepter cette invitation avec votre compte."))
    invitation = invitation_for_token(token, lock=True)
    if normalise_email(actor.email or "") != invitation.email:
        raise PermissionDenied(
            _(
                "Cette invitation a été envoyée à une autre adresse que celle de votre compte. "
                "Déconnectez-vous pour l'accepter avec le compte de cette adresse, ou en créer un."
            )
        )
    _apply_grants(invitation, actor)
    _close(invitation, actor)
    return invitation


def account_exists_for(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=normalise_email(email)).exists()


@transaction.atomic
def accept_with_new_account(*, token: str, first_name: str, last_name: str, username: str, password: str):
    """A new person creates their account from the invitation; returns the new user.

    The account's address is the invited one (the link proves the person reads that mailbox).
    """
    invitation = invitation_for_token(token, lock=True)
    User = get_user_model()
    if account_exists_for(invitation.email):
        raise InvalidInput(
            _("Un compte existe déjà pour cette adresse : connectez-vous avec ce compte, puis rouvrez le lien de l'invitation.")
        )
    first_name = " ".join((first_name or "").split())
    last_name = " ".join((last_name or "").split())
    if not first_name:
        raise InvalidInput(_("Indiquez votre prénom."))
    if len(first_name) > 150 or len(last_name) > 150:
        raise InvalidInput(_("Un prénom ou un nom ne peut pas dépasser 150 caractères."))
    username = (username or "").strip()
    try:
        User.username_validator(username)
    except ValidationError:
        raise InvalidInput(
            _("Un identifiant ne peut contenir que des lettres, des chiffres et les caractères @ . + - _")
        ) from None
    if not username or len(username) > 150:
        raise InvalidInput(_("Choisissez un identifiant de 1 à 150 caractères."))
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("Cet identifiant est déjà pris : choisissez-en un autre."))
    user = User(username=username, email=invitation.email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(str(message) for message in error.messages)) from None
    user.set_password(password)
    user.save()
    _apply_grants(invitation, user)
    _close(invitation, user)
    return user


# ----------------------------------------------------------------------------- retention


def delete_closed_invitations(*, now: datetime.datetime | None = None) -> int:
    """Invitations (an address, the roles offered) are deleted INVITATION_RETENTION_DAYS after they
    were accepted, withdrawn or expired (docs/privacy.md); the audit (RoleChange) stays without them."""
    from django.db.models import Q

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.INVITATION_RETENTION_DAYS)
    closed = (
        Q(status=InvitationStatus.ACCEPTED, accepted_at__lte=cutoff)
        | Q(status=InvitationStatus.REVOKED, revoked_at__lte=cutoff)
        | Q(status=InvitationStatus.PENDING, expires_at__lte=cutoff)
    )
    deleted, _detail = Invitation.objects.filter(closed).delete()
    return deleted
