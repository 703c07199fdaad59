"""Demo data for agoras: one upcoming agora of the demo manifesto, facilitated by the demo facilitator."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from agora.models import Agora

DEMO_AGORA_SLUG = "agora-lille"


def load(manifesto) -> Agora:
    agora = Agora.objects.filter(slug=DEMO_AGORA_SLUG).first()
    if agora is None:
        starts = (timezone.now() + timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)
        agora = Agora.objects.create(
            manifesto=manifesto, title="Agora de Lille", slug=DEMO_AGORA_SLUG, departement="Nord",
            region="Hauts-de-France", venue="Maison de l'ESS, 235 boulevard Paul Painlevé, Lille",
            starts_at=starts, ends_at=starts + timedelta(hours=3), host_organisation="CRESS Hauts-de-France",
            description="Une soirée pour relire ensemble le manifeste et l'amender, article par article.",
        )
    facilitator = get_user_model().objects.filter(username="animateur").first()
    if facilitator is not None:
        agora.facilitators.add(facilitator)
    return agora
