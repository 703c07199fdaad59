"""A final (proclaimed) text is downloaded as that version: the plain download addresses give the
final version, never « Texte en cours de rédaction (non figé) », and its reading page links them."""

import pytest
from django.urls import reverse

from manifesto import services as text_services
from manifesto.signatures import services as signature_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(manifesto, organiser):
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte adopté")
    signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version)
    return version


def test_the_plain_text_downloads_of_a_final_text_are_that_version(client, manifesto, final):
    slug = {"slug": manifesto.slug}
    markdown = client.get(reverse("publishing:text_md", kwargs=slug))
    body = markdown.content.decode()
    assert "non figé" not in body and "Texte adopté" in body and final.fingerprint in body
    assert f"-v{final.number}.md" in markdown["Content-Disposition"]
    html = client.get(reverse("publishing:text_html", kwargs=slug)).content.decode()
    assert "non figé" not in html and final.fingerprint in html


def test_the_reading_page_of_a_final_text_links_its_downloads(client, manifesto, final):
    page = client.get(manifesto.get_absolute_url()).content.decode()
    assert reverse("publishing:version_pdf", kwargs={"slug": manifesto.slug, "number": final.number}) in page
    assert reverse("publishing:version_md", kwargs={"slug": manifesto.slug, "number": final.number}) in page
