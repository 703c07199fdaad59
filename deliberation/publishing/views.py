"""Downloads: the text as PDF, Markdown or HTML; public CSV tables; the signatories' PDF.

Thin: find what is asked, hand it to deliberation.publishing.pdf or deliberation.publishing.exports. Everything here is
public (what the public pages show); organisers keep their own export of signatures with
personal data (manifesto.signatures).
"""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agora.charts import agoras_timeline, manifesto_agoras
from agora.models import Agora
from deliberation.adoption.models import AdoptionVote
from deliberation.publishing import charts
from deliberation.publishing.pdf import room
from manifesto import services as text_services
from manifesto import spreadsheet
from manifesto.bounded import MAX_INT, parse_int
from manifesto.models import Manifesto
from manifesto.signatures import charts as signature_charts
from manifesto.signatures import selectors as signature_selectors
from deliberation.publishing.exports import odt, tables
from deliberation.publishing.exports import text as text_exports
from deliberation.publishing.pdf import documents


def _text(slug: str, number: int | None):
    """The manifesto and the version asked; without a number, the text as it stands: once a
    version is final (proclaimed, open to signature) that is the final version, not a draft."""
    manifesto = get_object_or_404(Manifesto.objects.select_related("signature_campaign__version"), slug=slug)
    if number is not None:
        return manifesto, get_object_or_404(manifesto.versions, number=number)
    campaign = getattr(manifesto, "signature_campaign", None)
    return manifesto, campaign.version if campaign is not None else None


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


@require_GET
def text_odt(request, slug, number=None):
    manifesto, version = _text(slug, number)
    content, heading, fingerprint = _content(manifesto, version)
    body = odt.odt(content, heading=heading, fingerprint=fingerprint)
    return _download(body, "application/vnd.oasis.opendocument.text", _name(manifesto, version, "odt"))


def _csv(request, rows, columns, filename: str) -> StreamingHttpResponse:
    """The table as CSV; `?tableur=fr`: for spreadsheets set to French (manifesto.spreadsheet)."""
    cells = ([tables.csv_safe(getter(row)) for _name, getter in columns] for row in rows)
    return spreadsheet.response(request, [name for name, _getter in columns], cells, filename)


@require_GET
def amendments_csv(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    return _csv(request, tables.amendments(manifesto), tables.AMENDMENT_COLUMNS, f"amendements-{manifesto.slug}.csv")


@require_GET
def positions_csv(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    return _csv(request, tables.positions(manifesto), tables.POSITION_COLUMNS, f"positions-{manifesto.slug}.csv")


def _campaign(slug):
    campaign = signature_selectors.campaign_for(slug=slug)
    if campaign is None:
        raise Http404(_("Ce manifeste n'est pas ouvert à la signature."))
    return campaign


@require_GET
def signatories_csv(request, slug):
    campaign = _campaign(slug)
    manifesto = campaign.manifesto
    return _csv(request, tables.signatories(manifesto), tables.SIGNATORY_COLUMNS, f"signataires-{manifesto.slug}.csv")


@require_GET
def signatories_pdf(request, slug):
    campaign = _campaign(slug)
    pdf = documents.signatories_pdf(campaign.manifesto, campaign)
    return _download(pdf, "application/pdf", f"signataires-{campaign.manifesto.slug}.pdf", inline=True)


# ----------------------------------------------------------------------------- the room's PDFs


@require_GET
def booklet_pdf(request, slug):
    """The agora's public amendments for the room: `?seance=<id>` one session, `?article=<n>` one article."""
    agora = get_object_or_404(Agora.objects.select_related("manifesto"), slug=slug)
    session = None
    session_id = request.GET.get("seance", "")
    if session_id:
        if parse_int(session_id) is None:
            raise Http404(_("Cette séance n'existe pas dans cette agora."))
        session = get_object_or_404(agora.sessions, pk=parse_int(session_id))
    article = request.GET.get("article", "")
    clause_number = parse_int(article, maximum=MAX_INT) if article else None
    if article and clause_number is None:
        raise Http404(_("Cet article n'existe pas."))
    pdf = room.booklet_pdf(agora, session=session, clause_number=clause_number)
    suffix = (f"-seance-{session.code}" if session else "") + (f"-article-{clause_number}" if clause_number else "")
    return _download(pdf, "application/pdf", f"liasse-{agora.slug}{suffix}.pdf", inline=True)


@require_GET
def report_pdf(request, slug):
    agora = get_object_or_404(Agora.objects.select_related("manifesto"), slug=slug)
    return _download(room.report_pdf(agora), "application/pdf", f"bilan-{agora.slug}.pdf", inline=True)


@require_GET
def vote_results_pdf(request, slug, pk):
    """Published at close, like the results page: before that, there is nothing to print."""
    vote = get_object_or_404(AdoptionVote.objects.select_related("manifesto", "version"), manifesto__slug=slug, pk=pk)
    if not vote.is_closed or vote.results is None:
        raise Http404(_("Les résultats sont publiés à la clôture du vote."))
    return _download(room.vote_results_pdf(vote), "application/pdf", f"resultats-vote-{vote.pk}.pdf", inline=True)


# ----------------------------------------------------------------------------- figures


@require_GET
def figures(request, slug):
    """The movement in pictures: signatures, agoras, amendments; each chart with its table."""
    manifesto = get_object_or_404(Manifesto, slug=slug)
    campaign = signature_selectors.campaign_for(slug=slug)
    context = {
        "manifesto": manifesto,
        "campaign": campaign,
        "signatures_over_time": signature_charts.over_time(manifesto_id=manifesto.pk) if campaign else None,
        "signatures_by_territory": signature_charts.by_territory(manifesto_id=manifesto.pk) if campaign else None,
        "agoras": agoras_timeline(manifesto_agoras(manifesto)),
        "amendments": charts.amendments_by_article(charts.manifesto_amendments(manifesto)),
    }
    return render(request, "publishing/figures.html", context)


@require_GET
def contributions_csv(request, slug):
    manifesto = get_object_or_404(Manifesto, slug=slug)
    return _csv(request, tables.contributions(manifesto), tables.CONTRIBUTION_COLUMNS, f"contributions-{manifesto.slug}.csv")
