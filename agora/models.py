from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manifesto.models import Clause, EssFamily, Manifesto


class Agora(models.Model):
    """One workshop, in one place and time, feeding the shared manifesto."""

    manifesto = models.ForeignKey(Manifesto, on_delete=models.CASCADE, related_name="agoras")
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    departement = models.CharField(_("département"), max_length=80, blank=True)
    region = models.CharField(_("région"), max_length=80, blank=True)
    venue = models.CharField(_("lieu"), max_length=300, blank=True)
    online_url = models.URLField(_("lien en ligne"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    host_organisation = models.CharField(_("structure d'accueil"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Seats in the room; empty: no limit. A full agora refuses registrations (agora.services.register).
    capacity = models.PositiveIntegerField(_("capacité"), null=True, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_agoras", blank=True, verbose_name=_("animateur·rices")
    )
    # The standing space where participants propose amendments online between agoras, when the
    # organiser opens it (agora.services.open_online_proposals): one per manifesto, not on the agenda.
    is_online_space = models.BooleanField(_("espace de contributions en ligne"), default=False)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["manifesto"], condition=models.Q(is_online_space=True), name="one_online_space_per_manifesto"
            )
        ]
        verbose_name = _("agora")
        verbose_name_plural = _("agoras")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agora:detail", kwargs={"slug": self.slug})


class Phase(models.TextChoices):
    """The phases of a live session. Which commands each phase allows is data: see agora.phases."""

    # "Accueil" is also the home page: the context keeps the phase ("Welcome") apart in English.
    WELCOME = "welcome", pgettext_lazy("phase d'une séance", "Accueil")
    PROPOSALS = "proposals", _("Propositions")
    SUPPORTS = "supports", _("Soutiens et votes")
    CLOSING = "closing", _("Clôture")


class LiveSession(models.Model):
    """A live session (séance en direct) of an agora, joined by code or QR code."""

    agora = models.ForeignKey(Agora, on_delete=models.CASCADE, related_name="sessions")
    code = models.CharField(_("code"), max_length=12, unique=True)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.WELCOME)
    scope = models.ManyToManyField(Clause, related_name="+", blank=True, verbose_name=_("articles en discussion"))
    focus_clause = models.ForeignKey(Clause, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("séance en direct")
        verbose_name_plural = _("séances en direct")

    def __str__(self) -> str:
        return f"{self.agora} — {self.code}"

    @property
    def manifesto_id(self) -> int:
        return self.agora.manifesto_id

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Participant(models.Model):
    """A person in a live session, without account: bound to one browser session."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    display_name = models.CharField(_("nom affiché"), max_length=60)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    ess_family = models.CharField(_("famille de l'ESS"), max_length=32, choices=EssFamily.choices, blank=True)
    browser_key = models.CharField(max_length=64, db_index=True)
    # A long-lived random cookie of the device that joined: a removed participant cannot come
    # back from the same device with a fresh browser session unless the facilitators readmit them.
    device_key = models.CharField(max_length=64, blank=True, db_index=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    readmitted_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)  # name and organisation erased (deliberation.erasure)

    class Meta:
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·es")

    def __str__(self) -> str:
        return self.display_name


class Registration(models.Model):
    """A person's registration (inscription) to an agora, before the day."""

    agora = models.ForeignKey(Agora, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("adresse e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    ess_family = models.CharField(_("famille de l'ESS"), max_length=32, choices=EssFamily.choices, blank=True)
    accessibility_needs = models.TextField(_("besoins d'accessibilité"), blank=True)
    consent = models.BooleanField(_("consentement"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the day-before reminder was queued (manage.py send_agora_reminders): one reminder per registration.
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agora", "created_at"]
        constraints = [models.UniqueConstraint(fields=["agora", "email"], name="registration_email_unique")]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")

    def __str__(self) -> str:
        return f"{self.name} — {self.agora}"


class ConsoleChecklistDismissal(models.Model):
    """A facilitator who dismissed the console's first-session checklist: it does not come back."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)


class RaisedHand(models.Model):
    """A participant waiting in the speaker queue (file des prises de parole)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="raised_hands")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "participant"], name="one_raised_hand_per_participant")]


class Floor(models.Model):
    """Who has the floor in a session, if anyone (one row per session at most)."""

    session = models.OneToOneField(LiveSession, on_delete=models.CASCADE, related_name="floor")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(auto_now_add=True)


class Connection(models.Model):
    """One open websocket of a live session, for presence.

    A process refreshes `seen_at` of its connections regularly; rows not refreshed for
    LIVE_PRESENCE_TIMEOUT seconds (a process that died) no longer count. A client that
    vanishes without closing is dropped by daphne's ping timeout, which deletes its row.
    """

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="connections")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    key = models.CharField(max_length=64, unique=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)


class CommandReceipt(models.Model):
    """The stored reply to one client command, so a command resent after a reconnect is applied once."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="+")
    actor = models.CharField(max_length=40)  # "participant:<id>" or "user:<id>"
    command_id = models.CharField(max_length=64)
    command_type = models.CharField(max_length=64)
    reply = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "actor", "command_id"], name="command_receipt_unique")
        ]
