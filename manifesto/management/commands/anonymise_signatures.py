"""Anonymise signatures once their campaign has been closed long enough (run it daily, e.g. from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from manifesto.signatures import services


class Command(BaseCommand):
    help = (
        "Efface les données personnelles des signatures dont la campagne est close depuis plus de "
        "SIGNATURE_RETENTION_MONTHS mois (elles restent comptées), et supprime les signatures jamais confirmées "
        "dont le lien a expiré."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=settings.SIGNATURE_RETENTION_MONTHS,
            help="Délai après la clôture, en mois (par défaut SIGNATURE_RETENTION_MONTHS).",
        )

    def handle(self, *args, months, **options):
        result = services.anonymise_expired(months=months)
        self.stdout.write(
            f"{result.anonymised} signature(s) rendue(s) anonyme(s), "
            f"{result.deleted_pending} signature(s) non confirmée(s) supprimée(s)."
        )
