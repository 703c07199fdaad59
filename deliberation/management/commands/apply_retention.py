"""Apply every retention period of docs/privacy.md (run it daily, e.g. from cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from deliberation.retention import apply_retention


class Command(BaseCommand):
    help = "Applique les durées de conservation des données personnelles (signatures, inscriptions, participant·es)."

    def handle(self, *args, **options):
        for line in apply_retention().lines():
            self.stdout.write(line)
