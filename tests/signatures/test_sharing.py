"""Signatures that spread: link previews with a share image, share links, the partner counter
and badge (manifesto/sharing, deliberation/publishing/embed.py; docs/publishing.md)."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from PIL import Image

from deliberation.publishing.api.http import BODY_CACHE_SECONDS
from manifesto.sharing import image as share_image
from manifesto.sharing.links import instance_host
from tests.factories import make_agora

SITE = "https://coecrire.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE  # not the test client's host: previews must use SITE_URL


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def meta(self, key: str) -> str | None:
        for tag, attrs in self.tags:
            if tag == "meta" and (attrs.get("property") == key or attrs.get("name") == key):
                return attrs.get("content")
        return None


def assert_preview(html: str, url: str):
    tags = Tags(html)
    for key in ("og:title", "og:description", "og:image", "og:type", "og:locale", "twitter:title"):
        assert tags.meta(key), key
    assert tags.meta("og:url") == SITE + url
    assert tags.meta("og:image").startswith(SITE + "/manifeste/")
    assert tags.meta("twitter:card") == "summary_large_image"
    assert tags.meta("og:locale") == "fr_FR"
    return tags


def test_reading_page_has_a_link_preview_with_absolute_addresses(client, campaign):
    manifesto = campaign.manifesto
    url = reverse("manifesto:read", kwargs={"slug": manifesto.slug})
    tags = assert_preview(client.get(url).content.decode(), url)
    assert tags.meta("og:title") == manifesto.title
    assert tags.meta("og:type") == "article"


def test_signing_page_has_a_link_preview_with_the_count(client, campaign, signed):
    signed(campaign)
    url = reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug})
    tags = assert_preview(client.get(url).content.decode(), url)
    assert tags.meta("og:title") == f"Signer « {campaign.manifesto.title} »"
    assert tags.meta("og:description").startswith("1 signature confirmée")


def test_agora_report_has_a_link_preview(client, campaign, facilitator):
    agora = make_agora(manifesto=campaign.manifesto, facilitators=[facilitator], title="Agora de Lille")
    url = reverse("deliberation_answers:report", kwargs={"slug": agora.slug})
    tags = assert_preview(client.get(url).content.decode(), url)
    assert tags.meta("og:title") == "Bilan — Agora de Lille"


def test_previews_are_in_english_for_english_readers(client, campaign):
    client.cookies["django_language"] = "en"
    url = reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug})
    tags = Tags(client.get(url).content.decode())
    assert tags.meta("og:locale") == "en_GB"
    assert tags.meta("og:title") == f"Sign “{campaign.manifesto.title}”" or "Sign" in tags.meta("og:title")


def test_share_image_is_a_png_of_1200_by_630(client, campaign):
    response = client.get(reverse("sharing:image", kwargs={"slug": campaign.manifesto.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "PNG" and picture.size == (1200, 630)
    assert "public" in response["Cache-Control"] and response["ETag"]


def test_share_image_is_drawn_once_for_a_burst_of_crawlers(client, campaign, monkeypatch, django_assert_max_num_queries):
    drawn = []
    real = share_image.render_card
    monkeypatch.setattr(share_image, "render_card", lambda **kw: drawn.append(kw) or real(**kw))
    url = reverse("sharing:image", kwargs={"slug": campaign.manifesto.slug})
    first = client.get(url)
    second = client.get(url)
    assert first.content == second.content
    assert len(drawn) == 1
    # A crawler that kept it revalidates for a 304, without a new drawing.
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and len(drawn) == 1


def test_share_image_is_redrawn_when_the_count_moves(client, campaign, signed, monkeypatch):
    drawn = []
    real = share_image.render_card
    monkeypatch.setattr(share_image, "render_card", lambda **kw: drawn.append(kw) or real(**kw))
    url = reverse("sharing:image", kwargs={"slug": campaign.manifesto.slug})
    client.get(url)
    signed(campaign)
    client.get(url)
    assert [kw["count_line"] for kw in drawn] == ["Aucune signature pour l'instant", "1 signature"]
    assert drawn[0]["fingerprint_line"].endswith(campaign.version.fingerprint[:12] + "…")
    assert drawn[0]["title"] == campaign.manifesto.title


def test_share_image_of_a_text_without_version_has_no_fingerprint_nor_count(client, manifesto, monkeypatch):
    drawn = []
    real = share_image.render_card
    monkeypatch.setattr(share_image, "render_card", lambda **kw: drawn.append(kw) or real(**kw))
    assert client.get(reverse("sharing:image", kwargs={"slug": manifesto.slug})).status_code == 200
    assert drawn[0]["fingerprint_line"] == "" and "signature" not in drawn[0]["count_line"]


def test_share_image_of_an_unknown_text_is_404(client, db):
    assert client.get(reverse("sharing:image", kwargs={"slug": "inconnu"})).status_code == 404


def test_share_image_falls_back_to_pillows_font_without_dejavu(monkeypatch, tmp_path):
    monkeypatch.setattr(share_image, "FONT_DIR", tmp_path)
    share_image._font.cache_clear()
    try:
        png = share_image.render_card(site="Coécrire", title="Un très long titre " * 12, fingerprint_line="v1", count_line="3 signatures")
    finally:
        share_image._font.cache_clear()
    assert Image.open(io.BytesIO(png)).size == (1200, 630)
