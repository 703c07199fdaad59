"""Load the demo data of every app. Idempotent: running it twice changes nothing.

It lives in `deliberation`, the app that may import the other two.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from agora import demo as agora_demo
from deliberation import demo as deliberation_demo
from deliberation import demo_collective
from deliberation.adoption import demo as adoption_demo
from deliberation.contributions import demo as contributions_demo
from deliberation.editorial import demo as editorial_demo
from manifesto import demo as manifesto_demo
from manifesto.signatures import demo as signatures_demo


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            text = manifesto_demo.load()
            agora = agora_demo.load(text.manifesto)
            amendments = deliberation_demo.load(agora)
            collective = demo_collective.load(
                organiser=text.organiser, facilitator=text.facilitator, password=manifesto_demo.DEMO_PASSWORD
            )
            editor = collective.manifesto.collective.exclude(pk=text.organiser.pk).order_by("pk").first() or text.organiser
            contributions = contributions_demo.load(manifesto=collective.manifesto, organiser=text.organiser, editor=editor)
            editorial_demo.load(collective.manifesto)
            # Last: a declaration written from that text goes through the vote and its proclamation.
            vote = adoption_demo.load(manifesto=collective.manifesto, organiser=text.organiser)
            # Its signing campaign's first day, for the signatories' list, charts and PDF.
            signatures = signatures_demo.load(vote.manifesto)
        self.stdout.write(self.style.SUCCESS(f"Manifeste de démonstration : {text.manifesto.title}"))
        self.stdout.write(f"Agora de démonstration : {agora.title} (/agoras/{agora.slug}/)")
        self.stdout.write(f"Amendements de démonstration : {amendments}")
        self.stdout.write(
            f"Manifeste en mode collectif : {collective.manifesto.title} (/manifeste/{collective.manifesto.slug}/)"
        )
        self.stdout.write(
            f"  Contributions : {contributions} (/manifeste/{collective.manifesto.slug}/contributions/), "
            f"étapes sur la page du manifeste"
        )
        self.stdout.write(
            f"Déclaration adoptée et proclamée : {vote.manifesto.title} (/manifeste/{vote.manifesto.slug}/), "
            f"vote /vote/{vote.manifesto.slug}/{vote.pk}/resultats/, signature /signer/{vote.manifesto.slug}/"
        )
        self.stdout.write(f"  Signatures : {signatures} (/signer/{vote.manifesto.slug}/signataires/)")
        for demo_agora in collective.agoras:
            self.stdout.write(f"  {demo_agora.title} : bilan /agoras/{demo_agora.slug}/bilan/")
        self.stdout.write("Comptes de démonstration :")
        for line in dict.fromkeys(text.logins + collective.logins):  # once each
            self.stdout.write(f"  {line}")
