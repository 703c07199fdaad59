"""The adoption vote (vote d'adoption) on a frozen version, and its secret ballots.

Secrecy is a property of the schema (docs/process.md, "Le secret du vote"):

- who may vote is the roll (`Voter`); who has voted is `Turnout`, one row per voter whose
  primary key is the voter's id (unique: a voter cannot vote twice), with no time and no id of
  its own;
- what was voted is `Ballot`, with a random UUID key (no sequence to read the order from), no
  time, no reference to a voter, and only the hash of the receipt code the voter took away;
- none of them has a history table, and the journal only ever carries the turnout.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class VoteState(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Majorité simple : plus de voix pour que de voix contre")
    ABSOLUTE = "absolute", _("Majorité absolue : plus de la moitié des voix exprimées, abstentions comprises")
    TWO_THIRDS = "two_thirds", _("Majorité des deux tiers des voix pour et contre")


class BallotChoice(models.TextChoices):
    POUR = "pour", _("Pour")
    CONTRE = "contre", _("Contre")
    ABSTENTION = "abstention", _("Abstention")


class RollSource(models.TextChoices):
    CSV = "csv", _("Liste électorale importée")
    AGORAS = "agoras", _("Inscrit·es confirmé·es d'agoras choisies")


class AdoptionVote(models.Model):
    """A vote on one frozen version. Its rules are fixed when it opens and shown to every voter."""

    manifesto = models.ForeignKey("manifesto.Manifesto", on_delete=models.CASCADE, related_name="adoption_votes")
    version = models.ForeignKey(
        "manifesto.ManifestoVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("version soumise au vote")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    per_article = models.BooleanField(_("vote aussi article par article"), default=False)
    majority = models.CharField(_("majorité requise"), max_length=16, choices=Majority.choices, default=Majority.SIMPLE)
    # The share of the roll's total voting weight that must take part for the vote to count.
    quorum_percent = models.PositiveSmallIntegerField(_("quorum (% des voix inscrites)"), default=0)
    closes_at = models.DateTimeField(_("clôture du vote"))
    roll_source = models.CharField(_("qui vote"), max_length=16, choices=RollSource.choices, default=RollSource.CSV)
    agoras = models.ManyToManyField("agora.Agora", blank=True, related_name="+", verbose_name=_("agoras"))
    state = models.CharField(_("état"), max_length=16, choices=VoteState.choices, default=VoteState.DRAFT)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    proclaimed_at = models.DateTimeField(_("proclamé le"), null=True, blank=True)

    # Published at close, never before: the tally (see selectors.tally) and its outcome.
    results = models.JSONField(_("résultats"), null=True, blank=True)
    adopted = models.BooleanField(_("texte adopté"), null=True, blank=True)
    quorum_reached = models.BooleanField(_("quorum atteint"), null=True, blank=True)

    class Meta:
        ordering = ["manifesto", "-created_at"]
        verbose_name = _("vote d'adoption")
        verbose_name_plural = _("votes d'adoption")
        constraints = [
            models.UniqueConstraint(fields=["manifesto"], condition=Q(state="open"), name="adoption_one_open_vote"),
            models.CheckConstraint(condition=Q(quorum_percent__lte=100), name="adoption_quorum_percent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("adoption:detail", kwargs={"slug": self.manifesto.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == VoteState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == VoteState.CLOSED


class Voter(models.Model):
    """One line of the voters' roll. Knows nothing of what its voter voted."""

    vote = models.ForeignKey(AdoptionVote, on_delete=models.CASCADE, related_name="voters")
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse électronique"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    weight = models.PositiveIntegerField(_("nombre de voix"), default=1)
    # SHA-256 of the personal voting link's token; cleared when used and at close.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    emails_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["vote", "name", "id"]
        verbose_name = _("électeur·rice")
        verbose_name_plural = _("électeur·rices")
        constraints = [
            models.UniqueConstraint(fields=["vote", "email"], name="voter_one_per_email"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="voter_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Turnout(models.Model):
    """"Has voted": one row per voter, written in the ballot's transaction. The primary key is
    the voter, so a second ballot from the same voter fails on this constraint. No time, no id."""

    voter = models.OneToOneField(Voter, on_delete=models.CASCADE, primary_key=True, related_name="turnout")

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")


class Ballot(models.Model):
    """What was voted, with nothing that points to who: random key, no time, no voter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(AdoptionVote, on_delete=models.CASCADE, related_name="ballots")
    weight = models.PositiveIntegerField()
    # {"texte": "pour", "articles": {"12": "contre", ...}}; "articles" is empty unless per_article.
    choices = models.JSONField()
    # SHA-256 of the receipt code shown once to the voter on screen.
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        # Random order: listing ballots never shows the order they were cast in.
        ordering = ["vote", "id"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
