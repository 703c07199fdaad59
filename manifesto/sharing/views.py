"""The share image, the Mastodon step of the share links, the text's feed. Thin: read, render."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from manifesto.models import Manifesto, SignatureCampaign
from manifesto.sharing import links, selectors
from manifesto.sharing.feeds import TextChangesFeed

# Crawlers and chats fetch the image in bursts; a minute in their caches, then revalidation
# (the ETag names the state, so a 304 costs one cached count and one small query).
IMAGE_MAX_AGE = 60


@require_GET
def share_image(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    state = selectors.card_state(manifesto)
    etag = f'"{state.key}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(selectors.share_card(state), content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
    return response


@require_GET
def mastodon(request, slug):
    """Without JavaScript: the instance typed in the share block → a link to its share form.
    (A redirect would be refused by the page's `form-action 'self'`; share.js goes there
    directly.)"""
    # Only where there is something to sign: the same 404 as the signing page otherwise.
    campaign = get_object_or_404(SignatureCampaign.objects.select_related("manifesto"), manifesto__slug=slug)
    manifesto = campaign.manifesto
    share = links.share_links(manifesto)
    raw = request.GET.get("instance", "")
    host = links.instance_host(raw)
    context = {"manifesto": manifesto, "share": share, "instance": raw[:300], "host": host}
    if host:
        context["target"] = links.mastodon_share_url(host, share.text)
    return render(request, "sharing/mastodon.html", context, status=200 if host or not raw else 400)


changes_feed = require_GET(TextChangesFeed())
