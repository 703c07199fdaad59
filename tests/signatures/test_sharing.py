"""Signatures that spread: link previews with a share image, share links, the partner counter
and badge (manifesto/sharing, deliberation/publishing/embed.py; docs/publishing.md)."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from PIL import Image

from deliberation.publishing.api.http import BODY_CACHE_SECONDS
from manifesto.sharing import image as share_image
from manifesto.sharing.links import instance_host
from tests.factories import make_agora
from tests.signatures.conftest import person

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


# ----------------------------------------------------------------------------- share links


def third_party_sources(html: str) -> list[str]:
    """Every script, image, frame, style or object the page would load from another site."""
    found = []
    for tag, attrs in Tags(html).tags:
        source = {"script": "src", "img": "src", "iframe": "src", "frame": "src", "embed": "src", "object": "data",
                  "source": "src", "video": "src", "audio": "src"}.get(tag)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "preload", "icon", "modulepreload"):
            source = "href"
        value = attrs.get(source or "", "") if source else ""
        if value and urlsplit(value).netloc:
            found.append(f"<{tag} {value}>")
        if tag == "img" and attrs.get("srcset"):
            found.append(f"<img srcset {attrs['srcset']}>")
    return found


def share_hrefs(html: str) -> dict[str, str]:
    return {attrs["data-share-link"]: attrs["href"] for tag, attrs in Tags(html).tags if "data-share-link" in attrs}


def test_confirmed_signatory_is_offered_share_links_correctly_encoded(client, campaign, sign, django_capture_on_commit_callbacks):
    from tests.signatures.conftest import confirm_token

    campaign.manifesto.title = "Économie & solidarité : 100 % ensemble ?"
    campaign.manifesto.save()
    token = confirm_token(sign(campaign))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signatures:confirm", kwargs={"token": token}))
    html = response.content.decode()
    assert "Votre signature est confirmée" in html and "Faites-le signer autour de vous" in html
    sign_url = SITE + reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug})
    sentence = "Je soutiens « Économie & solidarité : 100 % ensemble ? » : lisez-le et signez-le vous aussi."
    links = share_hrefs(html)
    email = urlsplit(links["email"])
    assert email.scheme == "mailto" and "+" not in email.query  # RFC 6068: spaces as %20
    assert parse_qs(email.query) == {"subject": [campaign.manifesto.title], "body": [f"{sentence} {sign_url}"]}
    linkedin = urlsplit(links["linkedin"])
    assert (linkedin.netloc, linkedin.path) == ("www.linkedin.com", "/sharing/share-offsite/")
    assert parse_qs(linkedin.query) == {"url": [sign_url]}
    whatsapp = urlsplit(links["whatsapp"])
    assert (whatsapp.netloc, parse_qs(whatsapp.query)) == ("wa.me", {"text": [f"{sentence} {sign_url}"]})
    # The address to copy, readable without JavaScript; the button only with it.
    tags = Tags(html).tags
    assert any(attrs.get("value") == sign_url and "readonly" in attrs for tag, attrs in tags if tag == "input")
    assert any("data-share-copy" in attrs and "hidden" in attrs for tag, attrs in tags)
    assert third_party_sources(html) == []


def test_signing_page_offers_the_share_block_without_loading_anything_from_elsewhere(client, campaign):
    response = client.get(reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug}))
    html = response.content.decode()
    assert "Faites-le signer autour de vous" in html and set(share_hrefs(html)) == {"email", "linkedin", "whatsapp"}
    assert third_party_sources(html) == []
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "img-src 'self' data:" in policy and "frame-ancestors 'none'" in policy


def test_the_check_finds_a_third_party_source():
    assert third_party_sources('<script src="https://cdn.example/x.js"></script><img src="/static/a.png">') == [
        "<script https://cdn.example/x.js>"
    ]


def test_the_share_block_is_not_offered_before_confirming(client, campaign, sign):
    from tests.signatures.conftest import confirm_token

    token = confirm_token(sign(campaign))
    html = client.get(reverse("signatures:confirm", kwargs={"token": token})).content.decode()
    assert "Faites-le signer autour de vous" not in html


@pytest.mark.parametrize(
    "typed, host",
    [
        ("mastodon.social", "mastodon.social"),
        (" https://Piaille.fr/ ", "piaille.fr"),
        ("@alice@framapiaf.org", "framapiaf.org"),
        ("localhost", None),
        ("evil.example/path?x=1", None),
        ("javascript:alert(1)", None),
        ("a" * 400 + ".org", None),
        ("", None),
    ],
)
def test_a_mastodon_instance_is_a_host_name_and_nothing_else(typed, host):
    assert instance_host(typed) == host


def test_mastodon_step_links_to_the_instances_share_form(client, campaign):
    url = reverse("sharing:mastodon", kwargs={"slug": campaign.manifesto.slug})
    response = client.get(url, {"instance": "@alice@mastodon.social"})
    assert response.status_code == 200
    target = next(attrs["href"] for tag, attrs in Tags(response.content.decode()).tags if "data-mastodon-target" in attrs)
    parts = urlsplit(target)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "mastodon.social", "/share")
    assert parse_qs(parts.query)["text"][0].endswith(SITE + reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug}))


def test_mastodon_step_refuses_what_is_not_an_instance_with_a_sentence(client, campaign):
    url = reverse("sharing:mastodon", kwargs={"slug": campaign.manifesto.slug})
    response = client.get(url, {"instance": "https://evil.example/phish?"})
    assert response.status_code == 400
    assert "Ce n'est pas une adresse d'instance Mastodon" in response.content.decode()
    assert "data-mastodon-target" not in response.content.decode()


def test_mastodon_step_of_a_text_not_open_to_signature_is_404(client, manifesto):
    assert client.get(reverse("sharing:mastodon", kwargs={"slug": manifesto.slug}), {"instance": "mastodon.social"}).status_code == 404


# ----------------------------------------------------------------------------- partner sites


def api_count(client, campaign) -> int:
    response = client.get(reverse("api:signatures", kwargs={"slug": campaign.manifesto.slug}))
    assert response.status_code == 200
    return response.json()["total"]


def max_age(response) -> int:
    match = re.search(r"max-age=(\d+)", response["Cache-Control"])
    assert match and "public" in response["Cache-Control"], response["Cache-Control"]
    return int(match.group(1))


def test_badge_shows_the_apis_count_and_is_kept_no_longer_than_the_api_may_be_stale(client, campaign, signed, settings):
    settings.SIGNATURE_COUNT_CACHE_SECONDS = 2  # the default: the badge reads the cached count
    signed(campaign)
    signed(campaign, person(email="b@example.org"))
    response = client.get(reverse("publishing:badge", kwargs={"slug": campaign.manifesto.slug}))
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = ElementTree.fromstring(response.content)
    shown = [text.text for text in svg.iter("{http://www.w3.org/2000/svg}text") if text.get("class") == "count"]
    assert shown == [str(api_count(client, campaign))] == ["2"]
    # What a browser keeps plus how old the count may be never exceeds the API's own staleness.
    assert max_age(response) + settings.SIGNATURE_COUNT_CACHE_SECONDS <= BODY_CACHE_SECONDS
    assert not response.cookies


def test_counter_page_may_be_framed_by_any_site_and_other_pages_may_not(client, campaign, signed):
    signed(campaign)
    response = client.get(reverse("publishing:embed_counter", kwargs={"slug": campaign.manifesto.slug}))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not response.cookies
    html = response.content.decode()
    assert re.search(r"data-counter-count>1<", html) and str(api_count(client, campaign)) == "1"
    sign_links = [attrs["href"] for tag, attrs in Tags(html).tags if tag == "a"]
    assert SITE + reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug}) in sign_links
    assert max_age(response) <= BODY_CACHE_SECONDS
    assert third_party_sources(html) == []
    for other in (
        reverse("signatures:sign", kwargs={"slug": campaign.manifesto.slug}),
        reverse("manifesto:read", kwargs={"slug": campaign.manifesto.slug}),
        reverse("publishing:badge", kwargs={"slug": campaign.manifesto.slug}),
    ):
        denied = client.get(other)
        assert denied["X-Frame-Options"] == "DENY", other
        assert "frame-ancestors 'none'" in denied["Content-Security-Policy"], other


def test_counter_and_badge_of_a_text_not_open_to_signature_are_404(client, manifesto, final_version):
    for name in ("publishing:embed_counter", "publishing:badge"):
        assert client.get(reverse(name, kwargs={"slug": manifesto.slug})).status_code == 404, name
    assert client.get(reverse("publishing:badge", kwargs={"slug": "inconnu"})).status_code == 404
