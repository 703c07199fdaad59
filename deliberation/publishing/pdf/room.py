"""PDFs of the deliberation: an agora's amendment booklet, its report (bilan), the adoption vote's results.

Public content only, as on the public pages: hidden amendments left out, the vote's results
as counted at close (turnout and weighted voices per question, never who voted what). Cached
per journal seq (every change to amendments, answers and votes is journaled) and per what the
seq does not cover (participants joining, the vote's close and proclamation).
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agora.models import Agora, LiveSession, Participant
from deliberation import outcomes, selectors
from deliberation.adoption import selectors as adoption_selectors
from deliberation.adoption.models import AdoptionVote
from deliberation.answers import selectors as answer_selectors
from deliberation.models import SupportValue
from deliberation.permissions import Actor
from deliberation.publishing import charts
from deliberation.publishing.pdf import cached_pdf, public_url, qr_data_uri, render_pdf
from deliberation.words import abstentions
from manifesto import selectors as text_selectors
from manifesto.charts import series_of, stacked_bars
from manifesto.models import Manifesto


def _seq(manifesto: Manifesto) -> int:
    # Fresh from the database: the object in hand may be older than the last event.
    return Manifesto.objects.values_list("last_seq", flat=True).get(pk=manifesto.pk)


def booklet_amendments(agora: Agora, *, session: LiveSession | None = None, clause_number: int | None = None):
    """The agora's public amendments (of one session, of one article), in number order, with their tallies."""
    public = selectors.visible(selectors.with_relations().filter(session__agora=agora), Actor.of(None))
    if session is not None:
        public = public.filter(session=session)
    if clause_number is not None:
        public = public.filter(clause_number=clause_number)
    return public.annotate(
        pour=Count("supports", filter=Q(supports__value=SupportValue.FOR)),
        contre=Count("supports", filter=Q(supports__value=SupportValue.AGAINST)),
        abstention=Count("supports", filter=Q(supports__value=SupportValue.ABSTAIN)),
    ).order_by("clause_number", "number")


def booklet_pdf(agora: Agora, *, session: LiveSession | None = None, clause_number: int | None = None) -> bytes:
    manifesto = agora.manifesto
    key = (
        f"booklet:{agora.pk}:{manifesto.created_at.timestamp()}:{_seq(manifesto)}:"
        f"{session.pk if session else '-'}:{clause_number or '-'}:{get_language()}"
    )

    def build():
        numbering = text_selectors.current_numbering(manifesto)
        entries = []
        for amendment in booklet_amendments(agora, session=session, clause_number=clause_number):
            entries.append(
                {
                    "amendment": amendment,
                    "citation": selectors.line_citation(amendment, numbering),
                    "diff": selectors.amendment_diff(amendment),
                    "answer": outcomes.answer(amendment, public=True),
                }
            )
        url = public_url(reverse("agora:detail", kwargs={"slug": agora.slug}))
        context = {
            "agora": agora,
            "manifesto": manifesto,
            "session": session,
            "clause_number": clause_number,
            "entries": entries,
            "url": url,
            "qr": qr_data_uri(url),
            "generated_at": timezone.now(),
        }
        return render_pdf("publishing/booklet.pdf.html", context)

    return cached_pdf(key, build)


def report_pdf(agora: Agora) -> bytes:
    manifesto = agora.manifesto
    joined = Participant.objects.filter(session__agora=agora).count()
    key = f"report:{agora.pk}:{manifesto.created_at.timestamp()}:{_seq(manifesto)}:{joined}:{get_language()}"

    def build():
        context = answer_selectors.agora_report(agora, Actor.of(None))
        url = public_url(reverse("deliberation_answers:report", kwargs={"slug": agora.slug}))
        context.update(
            chart=charts.amendments_by_article(
                charts.agora_amendments(agora), chart_id="bilan-articles"
            ),
            url=url,
            qr=qr_data_uri(url),
            generated_at=timezone.now(),
        )
        return render_pdf("publishing/report.pdf.html", context)

    return cached_pdf(key, build)


def results_chart(results: dict):
    """Weighted voices per question (pour / contre / abstention), from the results stored at close."""
    series = series_of([("pour", _("Pour")), ("contre", _("Contre")), ("abstention", _("Abstention"))])
    rows = [(q["label"], {"pour": q["pour"], "contre": q["contre"], "abstention": q["abstention"]}) for q in results["questions"]]
    whole = results["questions"][0] if results["questions"] else None
    description = (
        _("Voix pondérées par question. Ensemble du texte : %(pour)d pour, %(contre)d contre, %(abstentions)s.")
        % {"pour": whole["pour"], "contre": whole["contre"], "abstentions": abstentions(whole["abstention"])}
        if whole
        else ""
    )
    return stacked_bars(
        chart_id="vote-resultats",
        title=_("Résultats du vote"),
        description=description,
        rows=rows,
        series=series,
        headers=[_("Question"), *[s.label for s in series], _("Total")],
        label_width=170,
    )


def vote_results_pdf(vote: AdoptionVote) -> bytes:
    """Only for a closed vote (the caller checks): the results as published at close."""
    key = f"vote:{vote.pk}:{vote.closed_at.timestamp()}:{vote.proclaimed_at.timestamp() if vote.proclaimed_at else '-'}:{get_language()}"

    def build():
        results = adoption_selectors.published_results(vote)
        url = public_url(reverse("adoption:results", kwargs={"slug": vote.manifesto.slug, "pk": vote.pk}))
        context = {
            "vote": vote,
            "manifesto": vote.manifesto,
            "results": results,
            "chart": results_chart(results),
            "url": url,
            "qr": qr_data_uri(url),
            "generated_at": timezone.now(),
        }
        return render_pdf("publishing/vote_results.pdf.html", context)

    return cached_pdf(key, build)
