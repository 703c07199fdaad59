"""People and their roles on a text: invitations, the audit of every grant, and a person's preferences.

An invitation is an emailed, single-use, expiring link that gives a person one or several roles
on a text (docs/people.md). Only a SHA-256 of its token is stored, as for signatures and votes.
Roles themselves live where the app that owns them keeps them (Manifesto.organisers,
Manifesto.collective, Agora.facilitators); RoleChange records who granted or revoked what, and when.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REVOKED = "revoked", _("Retirée")


# "expired" is derived (a pending invitation past its expiry), never stored.
EXPIRED = "expired"


class Invitation(models.Model):
    # Null only for the first organiser's invitation (manage.py invite_first_organiser), whose
    # grant makes a superuser rather than a role on one text.
    manifesto = models.ForeignKey(
        "manifesto.Manifesto", on_delete=models.CASCADE, related_name="invitations", null=True, blank=True
    )
    # Normalised (manifesto.signatures.validation.normalise_email); blanked by retention.
    email = models.EmailField(_("adresse électronique"), max_length=254)
    # SHA-256 of the single-use token; the token itself is never stored. Null until the first email.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    expires_at = models.DateTimeField(_("expire le"))
    # [{"role": "organiser"}, {"role": "facilitator", "targets": [agora ids]}, ...]
    grants = models.JSONField(_("rôles"), default=list)
    status = models.CharField(
        _("état"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    emails_sent = models.PositiveSmallIntegerField(_("envois"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["manifesto", "status"], name="invitation_state_idx")]
        constraints = [
            # One pending invitation per address and text: a second invite merges into it.
            models.UniqueConstraint(
                fields=["manifesto", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"

    @property
    def is_expired(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        """pending, accepted, revoked, or expired (a pending invitation past its date)."""
        return EXPIRED if self.is_expired else self.status

    @property
    def state_label(self) -> str:
        return _("Expirée") if self.is_expired else self.get_status_display()


class RoleAction(models.TextChoices):
    GRANTED = "granted", _("Rôle donné")
    REVOKED = "revoked", _("Rôle retiré")


class RoleChange(models.Model):
    """One grant or revocation of a role: the audit row, never edited."""

    manifesto = models.ForeignKey(
        "manifesto.Manifesto", on_delete=models.CASCADE, related_name="role_changes", null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="role_changes"
    )
    # The person's username when the row was written, so the audit still reads after the
    # account is renamed; blanked when the account is deleted (docs/privacy.md).
    user_label = models.CharField(max_length=150, blank=True)
    role = models.CharField(_("rôle"), max_length=32)
    targets = models.JSONField(_("cibles"), default=list, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=RoleAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="role_changes"
    )
    at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("changement de rôle")
        verbose_name_plural = _("changements de rôle")

    def __str__(self) -> str:
        return f"{self.action} {self.role} {self.user_label}"


class Profile(models.Model):
    """What a person chooses for their account that Django's user has no field for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    # One of settings.LANGUAGES; empty: the browser's choice.
    language = models.CharField(_("langue"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")

    def __str__(self) -> str:
        return str(self.user)
