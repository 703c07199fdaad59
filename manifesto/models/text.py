from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ManifestoStatus(models.TextChoices):
    DRAFTING = "drafting", _("En rédaction")
    FROZEN = "frozen", _("Figé")
    SIGNING = "signing", _("Ouvert à la signature")
    CLOSED = "closed", _("Clos")


class DecisionMode(models.TextChoices):
    """Who turns the room's decisions into the text (see docs/process.md)."""

    # A facilitator's accept changes the text at once: one workshop writing its own text.
    ROOM = "room", _("En séance : l'animation intègre au texte")
    # A facilitator's decision is the agora's position; only the editorial collective changes the text.
    COLLECTIVE = "collective", _("Par le collectif de rédaction")


class Manifesto(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    preamble = models.TextField(_("préambule"), blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=ManifestoStatus.choices, default=ManifestoStatus.DRAFTING)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="organised_manifestos", blank=True, verbose_name=_("organisateur·rices")
    )
    # New manifestos are written by many agoras, so the collective decides by default; rows that
    # existed before the mode was introduced were migrated to `room`, their behaviour until then.
    decision_mode = models.CharField(
        _("qui décide du texte"), max_length=16, choices=DecisionMode.choices, default=DecisionMode.COLLECTIVE
    )
    collective = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="editorial_collectives", blank=True, verbose_name=_("collectif de rédaction")
    )
    # The last journal seq handed out; read and bumped under a row lock (see manifesto.journal).
    last_seq = models.BigIntegerField(default=0, editable=False)
    # The last clause number handed out: clause numbers are stable anchors and never reused.
    last_clause_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("manifeste")
        verbose_name_plural = _("manifestes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("manifesto:read", kwargs={"slug": self.slug})

    @property
    def decided_by_collective(self) -> bool:
        return self.decision_mode == DecisionMode.COLLECTIVE


class Section(models.Model):
    manifesto = models.ForeignKey(Manifesto, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("titre"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("partie")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.title


class Clause(models.Model):
    manifesto = models.ForeignKey(Manifesto, on_delete=models.CASCADE, related_name="clauses")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="clauses")
    # Stable number used in anchors (#article-12) and citations; never reused.
    number = models.PositiveIntegerField(_("numéro"))
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("texte"))
    # Grows by one on every change of `text`; the optimistic-concurrency token.
    revision = models.PositiveIntegerField(_("révision"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["manifesto", "number"], name="clause_number_unique")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return _("Article %(number)s") % {"number": self.number}

    @property
    def anchor(self) -> str:
        return f"article-{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("manifesto:clause", kwargs={"slug": self.manifesto.slug, "number": self.number})


class ManifestoVersion(models.Model):
    """A frozen, immutable snapshot of the whole text and its SHA-256 fingerprint."""

    manifesto = models.ForeignKey(Manifesto, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("numéro"))
    label = models.CharField(_("libellé"), max_length=120)
    content = models.JSONField(_("contenu"))
    canonical_text = models.TextField(_("texte canonique"))
    fingerprint = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["manifesto", "number"]
        constraints = [models.UniqueConstraint(fields=["manifesto", "number"], name="version_number_unique")]
        verbose_name = _("version")
        verbose_name_plural = _("versions")

    def __str__(self) -> str:
        return f"{self.number} — {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("manifesto:version", kwargs={"slug": self.manifesto.slug, "number": self.number})
