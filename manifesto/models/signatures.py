"""Signatures of the final text, and the campaign that collects them.

Signing can reveal a political opinion (a special category under the GDPR), so:
no django-simple-history here (history tables would keep personal data after erasure),
the email is stored once, normalised, and every personal field can be blanked while the
row stays as an anonymous trace that still counts.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from manifesto.models.families import EssFamily


# The ESS families as a signatory declares them: an "entreprise sociale" signs as an enterprise
# holding the ESUS approval (agrément « entreprise solidaire d'utilité sociale »). Same values
# as EssFamily, so totals and filters line up with the rest of the platform.
SIGNATURE_FAMILY_CHOICES = [
    (value, _("Entreprise sociale agréée ESUS") if value == EssFamily.ENTREPRISE_SOCIALE else label)
    for value, label in EssFamily.choices
]


class SignatureCampaign(models.Model):
    """The signature campaign of one manifesto: which frozen version is final, when, how many hoped for."""

    manifesto = models.OneToOneField("manifesto.Manifesto", on_delete=models.CASCADE, related_name="signature_campaign")
    version = models.ForeignKey(
        "manifesto.ManifestoVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("version finale")
    )
    starts_at = models.DateTimeField(_("ouverture"))
    ends_at = models.DateTimeField(_("clôture prévue"), null=True, blank=True)
    goal = models.PositiveIntegerField(_("objectif"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    class Meta:
        verbose_name = _("campagne de signature")
        verbose_name_plural = _("campagnes de signature")

    def __str__(self) -> str:
        return str(self.manifesto)


class SignatureKind(models.TextChoices):
    PERSON = "person", _("À titre personnel")
    ORGANISATION = "organisation", _("Au nom d'une organisation")


class SignatureState(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation")
    CONFIRMED = "confirmed", _("Confirmée")
    WITHDRAWN = "withdrawn", _("Retirée")
    INVALIDATED = "invalidated", _("Invalidée")


class Signature(models.Model):
    manifesto = models.ForeignKey("manifesto.Manifesto", on_delete=models.CASCADE, related_name="signatures")
    # The version this signature endorses: the final version when it was (re)confirmed.
    version = models.ForeignKey("manifesto.ManifestoVersion", on_delete=models.PROTECT, related_name="signatures")
    kind = models.CharField(_("type"), max_length=16, choices=SignatureKind.choices)
    state = models.CharField(_("état"), max_length=16, choices=SignatureState.choices, default=SignatureState.PENDING)

    # Personal data: blanked by erasure, withdrawal and anonymisation.
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    role = models.CharField(_("titre ou fonction"), max_length=150, blank=True)
    email = models.EmailField(_("adresse électronique"), max_length=254, null=True, blank=True)
    # HMAC of the normalised address (manifesto.signatures.validation.email_digest): kept when
    # the address is erased, so the same mailbox cannot be counted twice.
    email_digest = models.CharField(max_length=64, null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    # "siren:…" or "name:…": groups the signatures made for one organisation on the public list.
    organisation_key = models.CharField(max_length=220, blank=True)

    # Kept in the anonymous trace: they are what the totals are made of.
    family = models.CharField(_("famille de l'ESS"), max_length=32, choices=SIGNATURE_FAMILY_CHOICES, blank=True)
    territory = models.CharField(_("territoire"), max_length=3)
    entitled = models.BooleanField(_("habilité·e à signer pour l'organisation"), default=False)
    consent_public = models.BooleanField(_("accepte d'apparaître sur la liste publique"), default=False)
    consent_news = models.BooleanField(_("accepte de recevoir des nouvelles"), default=False)

    # SHA-256 of the single-use confirmation token; the token itself is never stored.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    emails_sent = models.PositiveSmallIntegerField(default=0)
    receipt_code = models.CharField(_("code de reçu"), max_length=16, null=True, blank=True, unique=True)

    created_at = models.DateTimeField(_("signée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    invalidated_at = models.DateTimeField(_("invalidée le"), null=True, blank=True)
    erased_at = models.DateTimeField(_("données effacées le"), null=True, blank=True)

    class Meta:
        ordering = ["manifesto", "-confirmed_at", "-id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            # One signature per address per text; NULL (erased) addresses never collide.
            models.UniqueConstraint(fields=["manifesto", "email"], name="signature_one_per_email"),
            # The same, surviving erasure.
            models.UniqueConstraint(fields=["manifesto", "email_digest"], name="signature_one_per_mailbox"),
            models.CheckConstraint(condition=Q(email__isnull=True) | Q(email__exact=models.functions.Lower(models.functions.Trim("email"))), name="signature_email_normalised"),
        ]
        indexes = [
            # The live counter and the public list: confirmed signatures of one manifesto.
            models.Index(fields=["manifesto", "state", "confirmed_at"], name="signature_state_idx"),
            models.Index(fields=["manifesto", "organisation_key"], name="signature_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def territory_label(self) -> str:
        from manifesto.signatures.territories import territory_label

        return territory_label(self.territory)

    @property
    def display_name(self) -> str:
        if self.kind == SignatureKind.ORGANISATION:
            return self.organisation_name
        return f"{self.first_name} {self.last_name}".strip()
