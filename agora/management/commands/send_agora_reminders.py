"""Queue the day-before reminder of the agoras starting within 25 hours (docs/agoras.md).

Run it every hour from the scheduler (cron, a systemd timer): `manage.py send_agora_reminders`.
Each registration gets one reminder, whatever the number of runs.
"""

from django.core.management.base import BaseCommand

from agora import services


class Command(BaseCommand):
    help = "Met en file le rappel, la veille, des inscriptions aux agoras qui commencent dans les 25 heures."

    def handle(self, *args, **options):
        queued = services.queue_reminders()
        self.stdout.write(f"Rappels mis en file : {queued}")
