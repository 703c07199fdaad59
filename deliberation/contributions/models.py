"""Open contributions: ideas posted before or beside the draft, their supports, comments and
the articles that drew on them. Fields and constraints only; every write goes through
deliberation.contributions.services."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from manifesto.models import EssFamily


class Contributor(models.Model):
    """A person who contributes online without an account, known by an address confirmed by email
    (double opt-in, as for signing). Once confirmed, the browser that clicked the link is bound to
    them (its Django session keeps the contributor's id)."""

    manifesto = models.ForeignKey("manifesto.Manifesto", on_delete=models.CASCADE, related_name="contributors")
    email = models.EmailField(_("adresse e-mail"))
    display_name = models.CharField(_("nom affiché"), max_length=60)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    ess_family = models.CharField(_("famille de l'ESS"), max_length=32, choices=EssFamily.choices, blank=True)
    territory = models.CharField(_("territoire"), max_length=3, blank=True)  # département code, "99" abroad
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    emails_sent = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["manifesto", "email"], name="contributor_email_unique")]
        verbose_name = _("contributeur·rice")
        verbose_name_plural = _("contributeur·rices")

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ContributionState(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation de l'adresse")
    PUBLISHED = "published", _("Publiée")
    HIDDEN = "hidden", _("Masquée")
    DUPLICATE = "duplicate", _("Doublon")


class ContributionOutcome(models.TextChoices):
    """The public answer (suite donnée) of the collective."""

    WAITING = "waiting", _("En attente de réponse")
    TAKEN_UP = "taken_up", _("Reprise dans le texte")
    SET_ASIDE = "set_aside", _("Écartée")


class Contribution(models.Model):
    manifesto = models.ForeignKey("manifesto.Manifesto", on_delete=models.CASCADE, related_name="contributions")
    # "Contribution n° 12": numbered per manifesto, never reused.
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte"))
    # The theme: a section of the manifesto, or a new theme named by the author.
    section = models.ForeignKey(
        "manifesto.Section", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    new_theme = models.CharField(_("nouveau thème"), max_length=120, blank=True)
    clause = models.ForeignKey(
        "manifesto.Clause", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    clause_number = models.PositiveIntegerField(_("article concerné"), null=True, blank=True)
    # Who: a participant of a live session or of the online space, or a confirmed contributor.
    participant = models.ForeignKey(
        "agora.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    contributor = models.ForeignKey(
        Contributor, on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    session = models.ForeignKey(
        "agora.LiveSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    agora = models.ForeignKey("agora.Agora", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions")
    # Copied at posting, so that browsing by family and territory needs no join and survives erasure.
    author_name = models.CharField(_("auteur·rice"), max_length=60)
    ess_family = models.CharField(_("famille de l'ESS"), max_length=32, choices=EssFamily.choices, blank=True)
    territory = models.CharField(_("territoire"), max_length=80, blank=True)
    state = models.CharField(_("état"), max_length=16, choices=ContributionState.choices, default=ContributionState.PENDING)
    moderation_reason = models.TextField(_("motif de modération"), blank=True)
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates")
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("suite donnée"), max_length=16, choices=ContributionOutcome.choices, default=ContributionOutcome.WAITING)
    outcome_reason = models.TextField(_("motif"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)

    class Meta:
        ordering = ["manifesto", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["manifesto", "number"], name="contribution_number_unique"),
            models.CheckConstraint(
                condition=~(models.Q(participant__isnull=False) & models.Q(contributor__isnull=False)),
                name="contribution_one_author_kind",
            ),
        ]
        indexes = [models.Index(fields=["manifesto", "state", "published_at"])]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return _("Contribution n° %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("contributions:detail", kwargs={"slug": self.manifesto.slug, "number": self.number})

    @property
    def is_public(self) -> bool:
        return self.state in (ContributionState.PUBLISHED, ContributionState.DUPLICATE)


class ContributionSupport(models.Model):
    """One voice (pour / contre / abstention) on a contribution; it may be changed, never doubled.

    `voter` names the person: "contributor:<id>" or "browser:<key>" (a participant's browser, the
    same person from one live session to the next), so one person has one voice per contribution.
    """

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="supports")
    voter = models.CharField(max_length=80)
    participant = models.ForeignKey("agora.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    contributor = models.ForeignKey(Contributor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    value = models.CharField(_("position"), max_length=16, choices=[("pour", _("Pour")), ("contre", _("Contre")), ("abstention", _("Abstention"))])
    ess_family = models.CharField(_("famille de l'ESS"), max_length=32, choices=EssFamily.choices, blank=True)
    territory = models.CharField(_("territoire"), max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contribution", "voter"], name="contribution_support_one_voice")]
        verbose_name = _("soutien à une contribution")
        verbose_name_plural = _("soutiens aux contributions")


class ContributionComment(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="comments")
    participant = models.ForeignKey("agora.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    contributor = models.ForeignKey(Contributor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    author_name = models.CharField(_("auteur·rice"), max_length=60)
    text = models.TextField(_("commentaire"))
    hidden_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commentaire de contribution")
        verbose_name_plural = _("commentaires de contributions")


class ContributionLink(models.Model):
    """An article that draws on a contribution, written by the collective in the rédaction stage."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="links")
    clause = models.ForeignKey("manifesto.Clause", on_delete=models.SET_NULL, null=True, blank=True, related_name="contribution_links")
    # Kept so the answer still names the article once it is deleted.
    clause_number = models.PositiveIntegerField(_("article"))
    # The clause revision the collective wrote from it (null: linked without rewriting).
    revision = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clause_number", "id"]
        constraints = [models.UniqueConstraint(fields=["contribution", "clause_number"], name="contribution_link_unique")]
        verbose_name = _("article tiré d'une contribution")
        verbose_name_plural = _("articles tirés de contributions")
