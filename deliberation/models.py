"""What people do in the room: amendments, supports and comments. Fields and constraints only;
every write goes through deliberation.services."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class AmendmentKind(models.TextChoices):
    MODIFY = "modify", _("Nouvelle rédaction")
    DELETE = "delete", pgettext_lazy("nature d'un amendement", "Suppression")
    INSERT = "insert", _("Nouvel article")


class AmendmentState(models.TextChoices):
    OPEN = "open", _("En discussion")
    ACCEPTED = "accepted", _("Adopté")
    REJECTED = "rejected", _("Rejeté")
    DUPLICATE = "duplicate", _("Doublon")
    MERGED = "merged", _("Fusionné")
    WITHDRAWN = "withdrawn", _("Retiré")
    HIDDEN = "hidden", _("Masqué")
    # Collective mode: the agora retained it and passed it on to the editorial collective; the text did not change.
    RETAINED = "retained", _("Retenu par l'agora")


class Outcome(models.TextChoices):
    """The public answer to a proposal (suite donnée). Final only when `outcome_final` is set:
    given by the collective, or by the room in room mode (see docs/process.md)."""

    PENDING = "pending", _("En attente")
    INTEGRATED = "integrated", _("Intégré")
    INTEGRATED_MODIFIED = "integrated_modified", _("Intégré modifié")
    MERGED = "merged", _("Fusionné")
    DUPLICATE = "duplicate", _("Doublon")
    SET_ASIDE = "set_aside", _("Écarté")
    NOT_RETAINED = "not_retained", _("Non retenu par l'agora")


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
    # Set on acceptance in room mode: the clause's text and revision just before it, which an undo
    # within the undo window writes back (services.undo_acceptance). Null: nothing to restore
    # (a new article, or an acceptance from before the undo existed).
    replaced_text = models.TextField(blank=True)
    replaced_revision = models.PositiveIntegerField(null=True, blank=True)

    # The public answer (suite donnée). `applied_clause` / `applied_revision` above stay the link
    # to the revision its words went into, whoever integrated it (the room or the collective).
    outcome = models.CharField(_("suite donnée"), max_length=24, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_reason = models.TextField(_("motif de la suite donnée"), blank=True)
    outcome_at = models.DateTimeField(_("date de la suite donnée"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # True when the answer is final: given by the collective, or by the room in room mode.
    # An agora's "non retenu" in collective mode is public but not final: the collective may still take it up.
    outcome_final = models.BooleanField(_("suite définitive"), default=False)
    # The article its words went into (integrated / integrated with modification).
    outcome_clause = models.ForeignKey(
        "manifesto.Clause", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Merged with / duplicate of this amendment.
    outcome_related = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="related_outcomes"
    )
    # Set when the collective defers its answer ("à reprendre plus tard"); cleared by an answer.
    deferred_at = models.DateTimeField(_("reporté le"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposé le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["manifesto", "number"]
        constraints = [models.UniqueConstraint(fields=["manifesto", "number"], name="amendment_number_unique")]
        indexes = [
            models.Index(fields=["clause", "state"]),
            models.Index(fields=["session", "state"]),
            models.Index(fields=["manifesto", "outcome"]),
        ]
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


class PositionKind(models.TextChoices):
    """An agora's position on an amendment in collective mode (position de l'agora)."""

    RETAINED = "retained", _("Retenu par l'agora")
    NOT_RETAINED = "not_retained", _("Non retenu par l'agora")
    DUPLICATE = "duplicate", _("Doublon")
    MERGED = "merged", _("Fusionné dans un compromis")
    HIDDEN = "hidden", _("Masqué")


class AgoraPosition(models.Model):
    """What one agora decided on one amendment in collective mode, with the room's tally frozen
    at that moment: {"pour", "contre", "abstention", "by_family": {family: totals},
    "by_territory": {territory: totals}}. The text does not change; the collective reads it."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="positions")
    agora = models.ForeignKey("agora.Agora", on_delete=models.CASCADE, related_name="positions")
    session = models.ForeignKey(
        "agora.LiveSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="positions"
    )
    position = models.CharField(_("position"), max_length=16, choices=PositionKind.choices)
    reason = models.TextField(_("motif"), blank=True)
    tally = models.JSONField(_("décompte"), default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"))

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [models.UniqueConstraint(fields=["amendment", "agora"], name="agora_position_unique")]
        verbose_name = _("position de l'agora")
        verbose_name_plural = _("positions des agoras")

    def __str__(self) -> str:
        return f"{self.agora} — {self.amendment} — {self.get_position_display()}"


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


class Projection(models.Model):
    """What the projector of a live session shows besides the article: the amendment the
    facilitator put on screen (session.show_amendment), or none."""

    session = models.OneToOneField("agora.LiveSession", on_delete=models.CASCADE, related_name="projection")
    amendment = models.ForeignKey(Amendment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Amendments shown side by side (a conflict set, or several on one article); empty: one or none.
    group = models.JSONField(default=list, blank=True)
    # The join box (QR and code) made small once the room has joined.
    join_small = models.BooleanField(default=False)
    shown_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.session} → {self.amendment_id or '—'}"


from deliberation.adoption.models import AdoptionVote, Ballot, Turnout, Voter  # noqa: F401  (the adoption vote)
from deliberation.contributions.models import Contribution, ContributionComment, ContributionLink, ContributionSupport, Contributor  # noqa: E402,F401
