"""Reads behind link previews: the share image's state and bytes, and each page's metadata.

A shared link is fetched by every network's crawler and every chat that unfurls it, often in a
burst: the image is drawn once per state (text, version, signature count rounded as below,
language) and then served from Django's cache; its address carries the state's key, so a network
that keeps images by address fetches a new one when the count moves on.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from manifesto.models import Manifesto, ManifestoVersion, SignatureCampaign
from manifesto.sharing import image

CARD_SECONDS = 24 * 3600  # the key names the state: an entry is never stale, only evicted
SHORT_FINGERPRINT = 12  # as the versions' page shows it


def count_bucket(count: int) -> int:
    """The count the image shows: exact below 100, then rounded down to two significant figures
    (1 234 → 1 200, shown « plus de 1 200 »), so a busy campaign redraws it now and then, not
    at every signature."""
    if count < 100:
        return count
    step = 10 ** (len(str(count)) - 2)
    return count - count % step


@dataclass(frozen=True)
class CardState:
    manifesto_id: int
    born: float  # the manifesto's creation time: a rebuilt database hands out the same ids again
    title: str
    version_number: int | None
    fingerprint: str
    count: int | None  # None: no signature campaign
    bucket: int | None

    @property
    def key(self) -> str:
        parts = (self.manifesto_id, self.born, self.title, self.version_number, self.fingerprint, self.bucket, get_language())
        return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def card_state(manifesto: Manifesto, *, known: tuple[ManifestoVersion | None, bool] | None = None) -> CardState:
    """The text's version (the one open to signature, else the latest frozen) and its count.
    `known`: (that version, whether a campaign exists) when the page has read them already."""
    from manifesto.signatures.selectors import signature_count

    if known is not None:
        found, has_campaign = known
        version = (found.number, found.fingerprint) if found is not None else None
    else:
        campaign = SignatureCampaign.objects.filter(manifesto_id=manifesto.pk).values_list("version_id", flat=True).first()
        has_campaign = campaign is not None
        versions = ManifestoVersion.objects.filter(manifesto_id=manifesto.pk)
        version = (
            versions.filter(pk=campaign) if has_campaign else versions.order_by("-number")
        ).values_list("number", "fingerprint").first()
    count = signature_count(manifesto.pk) if has_campaign else None
    return CardState(
        manifesto_id=manifesto.pk,
        born=manifesto.created_at.timestamp(),
        title=manifesto.title,
        version_number=version[0] if version else None,
        fingerprint=version[1] if version else "",
        count=count,
        bucket=count_bucket(count) if count is not None else None,
    )


def _count_line(state: CardState) -> str:
    if state.bucket is None:  # no campaign yet: the band says what the text is
        return _("Un texte écrit ensemble")
    if state.count == 0:
        return _("Aucune signature pour l'instant")
    shown = number_format(state.bucket, force_grouping=True)
    if state.bucket != state.count:
        return _("Plus de %(count)s signatures") % {"count": shown}
    return ngettext("%(count)s signature", "%(count)s signatures", state.bucket) % {"count": shown}


def _fingerprint_line(state: CardState) -> str:
    if not state.fingerprint:
        return ""
    return _("Version %(number)s · empreinte %(short)s…") % {
        "number": state.version_number,
        "short": state.fingerprint[:SHORT_FINGERPRINT],
    }


def share_card(state: CardState) -> bytes:
    """The PNG, drawn at most once per state (per cache)."""
    key = f"share-card:v1:{state.key}"
    png = cache.get(key)
    if png is None:
        png = image.render_card(
            site="Coécrire", title=state.title, fingerprint_line=_fingerprint_line(state), count_line=_count_line(state)
        )
        cache.set(key, png, CARD_SECONDS)
    return png


def absolute(path: str) -> str:
    """A public address: link previews are read by other sites, so always SITE_URL's."""
    return settings.SITE_URL + path


OG_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    url: str
    image: str
    image_alt: str
    type: str = "website"

    @property
    def locale(self) -> str:
        return OG_LOCALES.get((get_language() or "fr")[:2], "fr_FR")

    @property
    def alternate_locales(self) -> list[str]:
        return [value for value in OG_LOCALES.values() if value != self.locale]


def page_meta(
    *, manifesto: Manifesto, title: str, description: str, path: str, type: str = "website",
    known: tuple[ManifestoVersion | None, bool] | None = None,
) -> PageMeta:
    """What a page tells link previews: its own title, description and address, and the text's image."""
    state = card_state(manifesto, known=known)
    image_path = reverse("sharing:image", kwargs={"slug": manifesto.slug}) + f"?v={state.key}"
    return PageMeta(
        title=title,
        description=Truncator(" ".join(description.split())).chars(200),
        url=absolute(path),
        image=absolute(image_path),
        image_alt=_("« %(title)s » : titre, empreinte de la version et nombre de signatures") % {"title": manifesto.title},
        type=type,
    )


def text_description(manifesto: Manifesto) -> str:
    return manifesto.preamble or _("Un texte écrit ensemble sur Coécrire : lisez-le, voyez d'où vient chaque mot, signez-le.")
