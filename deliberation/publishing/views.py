"""Downloads: the text as PDF, Markdown or HTML; public CSV tables; the signatories' PDF.

Thin: find what is asked, hand it to deliberation.publishing.pdf or deliberation.publishing.exports. Everything here is
public (what the public pages show); organisers keep their own export of signatures with
personal data (manifesto.signatures).
"""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from manifesto import services as text_services
from manifesto.models import Manifesto
from manifesto.signatures import selectors as signature_selectors
from deliberation.publishing.exports import tables
from deliberation.publishing.exports import text as text_exports
from deliberation.publishing.pdf import documents


def _text(slug: str, number: int | None):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    version = get_object_or_404(manifesto.versions, number=number) if number is not None else None
    return manifesto, version


def _download(body, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


def _name(manifesto, version, extension: str) -> str:
    return f"{manifesto.slug}-{'v%d' % version.number if version else 'actuel'}.{extension}"


@require_GET
def text_pdf(request, slug, number=None):
    manifesto, version = _text(slug, number)
    return _download(documents.text_pdf(manifesto, version), "application/pdf", _name(manifesto, version, "pdf"), inline=True)


def _content(manifesto, version):
    if version is not None:
        heading = _("Version %(number)s — %(label)s") % {"number": version.number, "label": version.label}
        return version.content, heading, version.fingerprint
    content = text_services.snapshot(manifesto)
    fingerprint = text_services.fingerprint(text_services.canonical_text(content))
    return content, _("Texte en cours de rédaction (non figé)"), fingerprint


@require_GET
def text_markdown(request, slug, number=None):
    manifesto, version = _text(slug, number)
    content, heading, fingerprint = _content(manifesto, version)
    body = text_exports.markdown(content, heading=heading, fingerprint=fingerprint)
    return _download(body, "text/markdown; charset=utf-8", _name(manifesto, version, "md"))


@require_GET
def text_html(request, slug, number=None):
    manifesto, version = _text(slug, number)
    content, heading, fingerprint = _content(manifesto, version)
    body = text_exports.html(content, heading=heading, fingerprint=fingerprint)
    # Inline: a page like any other (no script, no outside resource); the link offers to save it.
    return _download(body, "text/html; charset=utf-8", _name(manifesto, version, "html"), inline=True)


def _csv(rows, columns, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(tables.stream(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def amendments_csv(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    return _csv(tables.amendments(manifesto), tables.AMENDMENT_COLUMNS, f"amendements-{manifesto.slug}.csv")


@require_GET
def positions_csv(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    return _csv(tables.positions(manifesto), tables.POSITION_COLUMNS, f"positions-{manifesto.slug}.csv")


def _campaign(slug):
    campaign = signature_selectors.campaign_for(slug=slug)
    if campaign is None:
        raise Http404(_("Ce manifeste n'est pas ouvert à la signature."))
    return campaign


@require_GET
def signatories_csv(request, slug):
    campaign = _campaign(slug)
    manifesto = campaign.manifesto
    return _csv(tables.signatories(manifesto), tables.SIGNATORY_COLUMNS, f"signataires-{manifesto.slug}.csv")


@require_GET
def signatories_pdf(request, slug):
    campaign = _campaign(slug)
    pdf = documents.signatories_pdf(campaign.manifesto, campaign)
    return _download(pdf, "application/pdf", f"signataires-{campaign.manifesto.slug}.pdf", inline=True)
