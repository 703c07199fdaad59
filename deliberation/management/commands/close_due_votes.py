"""Close the adoption votes whose closing time has passed, and publish their results.

Run it every minute from the scheduler (cron, a systemd timer): `manage.py close_due_votes`.
Until it runs, a vote past its closing time already refuses every ballot.
"""

from django.core.management.base import BaseCommand

from deliberation.adoption import services


class Command(BaseCommand):
    help = "Clôt les votes d'adoption arrivés à échéance et publie leurs résultats."

    def handle(self, *args, **options):
        for vote in services.close_due_votes():
            self.stdout.write(f"Vote clos : {vote.title} (#{vote.pk})")
