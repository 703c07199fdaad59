from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StageKind(models.TextChoices):
    """The stages of the whole process, in their order. What each allows is data: manifesto.stages."""

    CONTRIBUTIONS = "contributions", _("Contributions")
    DRAFTING = "redaction", _("Rédaction")
    AGORAS = "agoras", _("Agoras")
    SYNTHESIS = "synthese", _("Synthèse")
    ADOPTION = "adoption", _("Adoption")
    PROCLAIMED = "proclamee", _("Proclamée")
    CLOSED = "close", _("Clôture")


class Stage(models.Model):
    """One stage of a manifesto's process, with its planned and actual dates.

    A manifesto without any Stage row has no staged process: every action is allowed as
    before. Written only through manifesto.stages (open, close, skip, plan).
    """

    manifesto = models.ForeignKey("manifesto.Manifesto", on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("étape"), max_length=16, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    planned_opens_on = models.DateField(_("ouverture prévue"), null=True, blank=True)
    planned_closes_on = models.DateField(_("clôture prévue"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("passée le"), null=True, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["manifesto", "position"]
        constraints = [
            models.UniqueConstraint(fields=["manifesto", "kind"], name="stage_kind_unique"),
            models.UniqueConstraint(fields=["manifesto", "position"], name="stage_position_unique"),
            # At most one stage is open at a time: the current one.
            models.UniqueConstraint(
                fields=["manifesto"],
                condition=models.Q(opened_at__isnull=False, closed_at__isnull=True),
                name="one_open_stage_per_manifesto",
            ),
        ]
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @property
    def state(self) -> str:
        if self.skipped_at is not None:
            return "skipped"
        if self.opened_at is None:
            return "pending"
        if self.closed_at is None:
            return "open"
        return "closed"

    @property
    def is_open(self) -> bool:
        return self.state == "open"
