"""Share links for a signing page: plain addresses of each service's own share form, no script,
no image, nothing loaded from elsewhere (the page's Content-Security-Policy stays as strict)."""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from manifesto.models import Manifesto
from manifesto.sharing.selectors import absolute

# A Mastodon instance as people type it: a host name, without scheme, path or port.
_HOST = re.compile(r"(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def instance_host(raw: str | None) -> str | None:
    """`mastodon.social` from « mastodon.social », « @alice@mastodon.social » or
    « https://mastodon.social/ »; None for anything that is not a public host name."""
    value = (raw or "").strip().lower()[:300]
    value = value.removeprefix("https://").removeprefix("http://").rstrip("/")
    if value.count("@") and "/" not in value:  # an address, @name@host: keep the host
        value = value.rsplit("@", 1)[1]
    return value if _HOST.fullmatch(value) else None


def mastodon_share_url(host: str, text: str) -> str:
    """Mastodon's documented share form: https://<instance>/share?text=…"""
    return f"https://{host}/share?" + urlencode({"text": text}, quote_via=quote)


@dataclass(frozen=True)
class ShareLinks:
    url: str  # the signing page, absolute
    sentence: str  # the prefilled sentence, without the address
    email: str
    linkedin: str
    whatsapp: str
    mastodon_action: str  # our form's address: asks the instance, then sends there

    @property
    def text(self) -> str:
        return f"{self.sentence} {self.url}"


def share_sentence(manifesto: Manifesto) -> str:
    return _("Je soutiens « %(title)s » : lisez-le et signez-le vous aussi.") % {"title": manifesto.title}


def share_links(manifesto: Manifesto) -> ShareLinks:
    url = absolute(reverse("signatures:sign", kwargs={"slug": manifesto.slug}))
    sentence = share_sentence(manifesto)
    text = f"{sentence} {url}"
    # mailto: bodies are percent-encoded (RFC 6068): a "+" would stay a plus sign.
    email = "mailto:?" + urlencode({"subject": manifesto.title, "body": text}, quote_via=quote)
    return ShareLinks(
        url=url,
        sentence=sentence,
        email=email,
        linkedin="https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}, quote_via=quote),
        whatsapp="https://wa.me/?" + urlencode({"text": text}, quote_via=quote),
        mastodon_action=reverse("sharing:mastodon", kwargs={"slug": manifesto.slug}),
    )
