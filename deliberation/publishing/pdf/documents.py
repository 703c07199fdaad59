"""What each PDF shows: one function per document, returning its bytes (cached)."""

import time

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from manifesto import selectors as text_selectors
from manifesto import services as text_services
from manifesto.models import Manifesto, ManifestoVersion
from manifesto.models.signatures import SIGNATURE_FAMILY_CHOICES, Signature
from manifesto.signatures import charts as signature_charts
from manifesto.signatures import selectors as signature_selectors
from manifesto.signatures.territories import territory_label
from deliberation.publishing.pdf import cached_pdf, public_url, qr_data_uri, render_pdf


def text_pdf(manifesto: Manifesto, version: ManifestoVersion | None) -> bytes:
    """The text with a title page, line numbers, fingerprint and a QR code to its public page.

    A frozen version is cached for good; the current text per journal seq (its fingerprint is
    computed the same way as a version's, so a printed draft can be checked too).
    """
    if version is not None:
        key = f"text:version:{version.pk}:{version.fingerprint}:{get_language()}"
    else:
        key = f"text:current:{manifesto.pk}:{manifesto.created_at.timestamp()}:{manifesto.last_seq}:{get_language()}"

    def build():
        if version is not None:
            content = version.content
            numbering = text_selectors.version_numbering(version)
            fingerprint = version.fingerprint
            path = reverse("manifesto:version", kwargs={"slug": manifesto.slug, "number": version.number})
        else:
            content = text_services.snapshot(manifesto)
            numbering = text_selectors.current_numbering(manifesto)
            fingerprint = text_services.fingerprint(text_services.canonical_text(content))
            path = reverse("manifesto:read", kwargs={"slug": manifesto.slug})
        url = public_url(path)
        context = {
            "manifesto": manifesto,
            "version": version,
            "content": content,
            "numbering": numbering,
            "fingerprint": fingerprint,
            "url": url,
            "qr": qr_data_uri(url),
            "generated_at": timezone.now(),
        }
        return render_pdf("publishing/text.pdf.html", context)

    return cached_pdf(key, build)


# New signatures reach the printed list within this many seconds.
SIGNATORIES_PDF_PERIOD = 300


def signatories_pdf(manifesto: Manifesto, campaign) -> bytes:
    """The public list (consenting signatories, public fields only), by ESS family and territory."""
    listed = signature_selectors.public_list(manifesto_id=manifesto.pk)
    # Building this PDF costs seconds, so a busy campaign must not rebuild it for every new
    # signature: new names wait for the next period. A name leaving the list (withdrawn,
    # invalidated, erased) changes the key at once: nobody stays printed after leaving.
    period = int(time.time()) // SIGNATORIES_PDF_PERIOD
    removals = Signature.objects.filter(manifesto_id=manifesto.pk).aggregate(
        withdrawn=Max("withdrawn_at"), invalidated=Max("invalidated_at"), erased=Max("erased_at")
    )
    removed = ":".join(str(value.timestamp()) if value else "-" for value in removals.values())
    key = f"signatories:{manifesto.pk}:{manifesto.created_at.timestamp()}:{period}:{removed}:{get_language()}"

    def build():
        families = dict(SIGNATURE_FAMILY_CHOICES)
        organisations: dict[str, list] = {}
        people: dict[str, list] = {}
        for signature in listed.order_by("territory", "organisation_name", "last_name", "first_name", "pk"):
            if signature.kind == "organisation":
                organisations.setdefault(str(families.get(signature.family, "")), []).append(signature)
            else:
                people.setdefault(territory_label(signature.territory), []).append(signature)
        version = campaign.version
        url = public_url(reverse("signatures:list", kwargs={"slug": manifesto.slug}))
        context = {
            "manifesto": manifesto,
            "version": version,
            "totals": signature_selectors.totals(manifesto_id=manifesto.pk),
            "organisations": sorted(organisations.items()),
            "people": sorted(people.items()),
            "listed": sum(map(len, organisations.values())) + sum(map(len, people.values())),
            "url": url,
            "qr": qr_data_uri(url),
            "generated_at": timezone.now(),
            "over_time": signature_charts.over_time(manifesto_id=manifesto.pk),
            "by_territory": signature_charts.by_territory(manifesto_id=manifesto.pk),
        }
        return render_pdf("publishing/signatories.pdf.html", context)

    return cached_pdf(key, build, timeout=SIGNATORIES_PDF_PERIOD)
