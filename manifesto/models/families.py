from django.db import models
from django.utils.translation import gettext_lazy as _


class EssFamily(models.TextChoices):
    """The families of the social and solidarity economy (famille de l'ESS)."""

    ASSOCIATION = "association", _("Association")
    COOPERATIVE = "cooperative", _("Coopérative")
    MUTUELLE = "mutuelle", _("Mutuelle")
    FONDATION = "fondation", _("Fondation")
    ENTREPRISE_SOCIALE = "entreprise_sociale", _("Entreprise sociale")
    AUTRE = "autre", _("Autre")
