"""The stages page offers only the moves that can be made: once going back would lose something
(signatures collected on a proclaimed text), no « Ouvrir l'étape » leads to « Retour en arrière
impossible »; the page says why instead."""

import pytest
from django.urls import reverse

from manifesto import services as text_services
from manifesto import stage_services
from manifesto.models import Signature
from manifesto.signatures import services as signature_services

pytestmark = pytest.mark.django_db


def test_a_proclaimed_text_offers_no_stage_it_cannot_go_back_to(client, manifesto, organiser):
    stage_services.configure_stages(actor=organiser, manifesto=manifesto)
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Adoptée")
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="proclamee")
    signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=None)
    Signature.objects.create(manifesto=manifesto, version=version, kind="person", email="a@example.org", first_name="A", last_name="B")
    client.force_login(organiser)
    page = client.get(reverse("manifesto:stages", kwargs={"slug": manifesto.slug})).content.decode()
    for kind in ("contributions", "redaction", "agoras", "synthese", "adoption"):
        assert reverse("manifesto:stage_open", kwargs={"slug": manifesto.slug, "kind": kind}) not in page, kind
    assert page.count("est plus possible") == 5
    # Moving on is still offered.
    assert reverse("manifesto:stage_open", kwargs={"slug": manifesto.slug, "kind": "close"}) in page


def test_going_back_where_nothing_is_lost_is_still_offered(client, manifesto, organiser):
    stage_services.configure_stages(actor=organiser, manifesto=manifesto)
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="agoras")
    client.force_login(organiser)
    page = client.get(reverse("manifesto:stages", kwargs={"slug": manifesto.slug})).content.decode()
    assert reverse("manifesto:stage_open", kwargs={"slug": manifesto.slug, "kind": "contributions"}) in page
    assert "est plus possible" not in page
