"""The demo as a new user first sees it: the declaration's timeline counts nothing it did not do
(no « 0 contributions »), its preamble says what it is, its vote reads closed when its
signatures opened, and no page asks in vain for /favicon.ico."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from deliberation.adoption.models import AdoptionVote
from manifesto.models import Manifesto, SignatureCampaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")
    return AdoptionVote.objects.get()


def test_the_declarations_timeline_and_preamble_make_sense(client, demo):
    declaration = demo.manifesto
    source = Manifesto.objects.get(slug="manifeste-collectif")
    assert declaration.preamble != source.preamble and source.title in declaration.preamble
    page = client.get(declaration.get_absolute_url()).content.decode()
    timeline = page[page.index('class="timeline"'):page.index("</section>", page.index('class="timeline"'))]
    for nothing in ("0 contribution", "0 agora", "0 amendement"):
        assert f">{nothing}" not in timeline, nothing
    assert "passées" in timeline  # Contributions passées, Agoras passées: they took place on the source text


def test_the_vote_reads_closed_before_the_signatures_opened(client, demo):
    campaign = SignatureCampaign.objects.get(manifesto=demo.manifesto)
    assert demo.closed_at <= campaign.starts_at
    page = client.get(reverse("adoption:detail", kwargs={"slug": demo.manifesto.slug, "pk": demo.pk})).content.decode()
    assert "Clos le" in page


def test_the_favicon_is_served_and_linked(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"].endswith(".ico")
    assert 'rel="icon"' in client.get("/").content.decode()
