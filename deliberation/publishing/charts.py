"""Charts of the deliberation: amendments per article and what became of them.

Public figures only: hidden amendments are left out (as on every public list), withdrawn ones
too (their author took them back). The report PDF and the figures page share these.
"""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from deliberation.models import Amendment, AmendmentState, Outcome
from manifesto.charts import Chart, series_of, stacked_bars

OUTCOME_SERIES = [
    (Outcome.INTEGRATED, gettext_lazy("Intégré")),
    (Outcome.INTEGRATED_MODIFIED, gettext_lazy("Intégré modifié")),
    (Outcome.MERGED, gettext_lazy("Fusionné")),
    (Outcome.DUPLICATE, gettext_lazy("Doublon")),
    (Outcome.SET_ASIDE, gettext_lazy("Écarté")),
    (Outcome.NOT_RETAINED, gettext_lazy("Non retenu par l'agora")),
    (Outcome.PENDING, gettext_lazy("En attente")),
]
NO_ARTICLE = 0


def amendments_by_article(amendments, *, chart_id: str = "amendements-articles", title: str = "") -> Chart:
    """`amendments`: an Amendment queryset (a manifesto's, or an agora's)."""
    rows = (
        amendments.exclude(state__in=[AmendmentState.HIDDEN, AmendmentState.WITHDRAWN])
        .values_list("clause_number", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_article: dict[int, dict[str, int]] = {}
    for number, outcome, n in rows:
        values = by_article.setdefault(number or NO_ARTICLE, {})
        values[outcome] = values.get(outcome, 0) + n
    series = series_of([(str(key), str(label)) for key, label in OUTCOME_SERIES])
    used = {key for values in by_article.values() for key in values}
    series = [s for s in series if s.key in used] or series[:1]
    labelled = [
        (_("Art. %(number)d") % {"number": number} if number else _("Sans article"), values)
        for number, values in sorted(by_article.items())
    ]
    total = sum(sum(values.values()) for values in by_article.values())
    busiest = max(labelled, key=lambda row: sum(row[1].values()), default=None)
    description = ngettext(
        "%(total)d amendement public sur %(articles)d article(s), coloré selon la suite donnée.",
        "%(total)d amendements publics sur %(articles)d article(s), colorés selon la suite donnée.",
        total,
    ) % {"total": total, "articles": len(by_article)}
    if busiest:
        description += " " + _("Le plus amendé : %(label)s (%(n)d).") % {"label": busiest[0], "n": sum(busiest[1].values())}
    return stacked_bars(
        chart_id=chart_id,
        title=title or _("Les amendements par article et leur suite"),
        description=description,
        rows=labelled,
        series=series,
        headers=[_("Article"), *[s.label for s in series], _("Total")],
    )


def manifesto_amendments(manifesto):
    return Amendment.objects.filter(manifesto=manifesto)


def agora_amendments(agora):
    return Amendment.objects.filter(session__agora=agora)
