"""What people do in the room: amendments, supports and comments. Fields and constraints only;
every write goes through deliberation.services."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AmendmentKind(models.TextChoices):
    MODIFY = "modify", _("Nouvelle rédaction")
    DELETE = "delete", _("Suppression")
    INSERT = "insert", _("Nouvel article")


class AmendmentState(models.TextChoices):
    OPEN = "open", _("En discussion")
    ACCEPTED = "accepted", _("Adopté")
    REJECTED = "rejected", _("Rejeté")
    DUPLICATE = "duplicate", _("Doublon")
    MERGED = "merged", _("Fusionné")
    WITHDRAWN = "withdrawn", _("Retiré")
    HIDDEN = "hidden", _("Masqué")


class Amendment(models.Model):
    """A proposed change to one clause (new wording or deletion) or a new clause.

    `base_text` and `base_revision` record the clause as its author read it, so that accepting
    it later can merge with what changed since, or report a conflict, but never lose an update.
    """

    manifesto = models.ForeignKey("manifesto.Manifesto", on_delete=models.CASCADE, related_name="amendments")
    # "Amendement n° 12": numbered per manifesto, never reused.
    number = models.PositiveIntegerField(_("numéro"))
    session = models.ForeignKey(
        "agora.LiveSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="amendments"
    )
    # The participant who proposed it, or the facilitator who wrote a compromise.
    author = models.ForeignKey(
        "agora.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="amendments"
    )
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("nature"), max_length=16, choices=AmendmentKind.choices)
    # modify/delete: the clause changed; insert: the clause after which the new one goes (or none: end of section).
    clause = models.ForeignKey(
        "manifesto.Clause", on_delete=models.SET_NULL, null=True, blank=True, related_name="amendments"
    )
    section = models.ForeignKey("manifesto.Section", on_delete=models.CASCADE, related_name="amendments")
    # Kept so an amendment still names its clause once that clause is deleted.
    clause_number = models.PositiveIntegerField(_("numéro de l'article"), null=True, blank=True)
    base_revision = models.PositiveIntegerField(_("révision de départ"), null=True, blank=True)
    base_text = models.TextField(_("texte de départ"), blank=True)
    text = models.TextField(_("texte proposé"), blank=True)
    justification = models.TextField(_("exposé des motifs"), blank=True)
    state = models.CharField(_("état"), max_length=16, choices=AmendmentState.choices, default=AmendmentState.OPEN)
    # The reason of the last decision (rejection, hiding).
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("date de la décision"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    # Set on acceptance: the clause revision it produced and, when the clause was merged, how.
    applied_revision = models.PositiveIntegerField(null=True, blank=True)
    applied_clause = models.ForeignKey(
        "manifesto.Clause", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    applied_with_merge = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("proposé le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["manifesto", "number"]
        constraints = [models.UniqueConstraint(fields=["manifesto", "number"], name="amendment_number_unique")]
        indexes = [models.Index(fields=["clause", "state"]), models.Index(fields=["session", "state"])]
        verbose_name = _("amendement")
        verbose_name_plural = _("amendements")

    def __str__(self) -> str:
        return _("Amendement n° %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("deliberation:amendment", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == AmendmentState.OPEN

    @property
    def author_name(self) -> str:
        if self.author_id:
            return self.author.display_name
        if self.author_user_id:
            return self.author_user.get_full_name() or self.author_user.get_username()
        return str(_("anonyme"))

    @property
    def agora(self):
        return self.session.agora if self.session_id else None


class SupportValue(models.TextChoices):
    FOR = "pour", _("Pour")
    AGAINST = "contre", _("Contre")
    ABSTAIN = "abstention", _("Abstention")


class Support(models.Model):
    """One participant's voice on one amendment; they may change it."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    participant = models.ForeignKey("agora.Participant", on_delete=models.CASCADE, related_name="supports")
    value = models.CharField(_("position"), max_length=16, choices=SupportValue.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["amendment", "participant"], name="support_one_per_participant"),
        ]
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")

    def __str__(self) -> str:
        return f"{self.participant} — {self.get_value_display()}"


class CommentStance(models.TextChoices):
    FOR = "pour", _("Pour")
    AGAINST = "contre", _("Contre")


class Comment(models.Model):
    """A short argument for or against an amendment."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("agora.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    stance = models.CharField(_("sens"), max_length=16, choices=CommentStance.choices)
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def author_name(self) -> str:
        if self.author_id:
            return self.author.display_name
        if self.author_user_id:
            return self.author_user.get_full_name() or self.author_user.get_username()
        return str(_("anonyme"))
from deliberation.adoption.models import AdoptionVote, Ballot, Turnout, Voter  # noqa: F401  (the adoption vote)
