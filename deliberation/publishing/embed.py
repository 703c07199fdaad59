"""For partner organisations' sites: an embeddable counter page (an <iframe>) and an SVG badge,
each with the count of confirmed signatures and a link to sign (docs/publishing.md).

Never older than the open API's count: both read the count through signature_count, which
is at most SIGNATURE_COUNT_CACHE_SECONDS old, and may be kept by browsers and proxies for the
rest of the API's own bound (its bodies are kept BODY_CACHE_SECONDS on the server), so what a
partner's page shows is never older than what /api/v1/manifestes/<slug>/signatures/ may answer.
Only routes any site may frame: @xframe_options_exempt lifts X-Frame-Options, and
config/csp.py then sends `frame-ancestors *` for them alone. They set no cookie.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from deliberation.publishing.api.http import BODY_CACHE_SECONDS
from manifesto.sharing.selectors import absolute
from manifesto.signatures import selectors as signature_selectors


def max_age() -> int:
    """Seconds a browser or proxy may keep the counter: the API's bound less the count's own cache."""
    return max(0, BODY_CACHE_SECONDS - settings.SIGNATURE_COUNT_CACHE_SECONDS)


def _campaign(slug: str):
    campaign = signature_selectors.campaign_for(slug=slug)
    if campaign is None:  # as the signing page: nothing to count before a campaign opens
        raise Http404(_("Ce manifeste n'est pas ouvert à la signature."))
    return campaign


def _cacheable(response):
    response["Cache-Control"] = f"public, max-age={max_age()}"
    response["Vary"] = "Accept-Language"
    return response


@xframe_options_exempt
@require_GET
def counter_page(request, slug):
    campaign = _campaign(slug)
    manifesto = campaign.manifesto
    data = signature_selectors.counter_data(manifesto.pk)
    context = {
        "manifesto": manifesto,
        "count": data["count"],
        "count_version": data["version"],
        "goal": data["goal"],
        "progress": min(100, round(100 * data["count"] / data["goal"])) if data["goal"] else None,
        "is_open": signature_selectors.campaign_is_open(campaign),
        "sign_url": absolute(reverse("signatures:sign", kwargs={"slug": manifesto.slug})),
    }
    return _cacheable(render(request, "publishing/embed_counter.html", context))


# Badge geometry: Verdana/DejaVu Sans 11 px averages about 7 px a character.
_CHAR = 7
_PAD = 10


@require_GET
def badge(request, slug):
    campaign = _campaign(slug)
    count = signature_selectors.signature_count(campaign.manifesto_id)
    label = pgettext("badge : intitulé du nombre", "signatures")
    value = number_format(count, force_grouping=True)
    label_width = len(label) * _CHAR + 2 * _PAD
    value_width = len(value) * _CHAR + 2 * _PAD
    context = {
        "label": label,
        "value": value,
        "title": ngettext(
            "« %(title)s » : %(count)s signature confirmée", "« %(title)s » : %(count)s signatures confirmées", count
        ) % {"title": campaign.manifesto.title, "count": value},
        "label_width": label_width,
        "value_width": value_width,
        "width": label_width + value_width,
        "label_x": label_width // 2,
        "value_x": label_width + value_width // 2,
        "label_text": label_width - 2 * _PAD,
        "value_text": value_width - 2 * _PAD,
    }
    response = render(request, "publishing/badge.svg", context, content_type="image/svg+xml; charset=utf-8")
    return _cacheable(response)
