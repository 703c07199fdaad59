"""Load the demo data of every app. Idempotent: running it twice changes nothing.

It lives in `deliberation`, the app that may import the other two.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from manifesto import demo as manifesto_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            text = manifesto_demo.load()
        self.stdout.write(self.style.SUCCESS(f"Manifeste de démonstration : {text.manifesto.title}"))
        self.stdout.write("Comptes de démonstration :")
        for line in text.logins:
            self.stdout.write(f"  {line}")
