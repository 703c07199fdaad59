"""Charts of a signing campaign: signatures over time (split by ESS family) and by département.

Counted signatures only, anonymous counts. Groups too small to publish (manifesto.disclosure)
are pooled, as the API does, so that no chart says more than the public counts may.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from manifesto.charts import Chart, ranked_bars, series_of, stacked_columns
from manifesto.disclosure import publishable_groups
from manifesto.models import SignatureKind
from manifesto.models.signatures import SIGNATURE_FAMILY_CHOICES
from manifesto.signatures import selectors
from manifesto.signatures.territories import territory_label

PERSON = "personne"
POOLED = "autres"
TOP_TERRITORIES = 15
# More days than this and the columns become weeks.
MAX_DAILY_COLUMNS = 60
CACHE_SECONDS = 300
# A campaign younger than this is shown hour by hour.
HOURLY_UNDER_HOURS = 48


def _categories(rows) -> dict[tuple[datetime.date, str], int]:
    """{(day, category): n}; a category is PERSON or an organisation's family ("" unknown)."""
    counts: dict[tuple[datetime.date, str], int] = {}
    for day, kind, family, n in rows:
        category = PERSON if kind == SignatureKind.PERSON else (family or "")
        counts[(day, category)] = counts.get((day, category), 0) + n
    return counts


def _cached(name: str, manifesto_id: int, build) -> Chart:
    """A chart changes only when the count does: keyed by it (and the language), kept a few minutes
    so that a crowd on the signatories' page computes it once."""
    key = f"sigchart:{name}:{int(manifesto_id)}:{selectors.signature_count(manifesto_id)}:{get_language()}"
    chart = cache.get(key)
    if chart is None:
        chart = build()
        cache.set(key, chart, CACHE_SECONDS)
    return chart


def over_time(*, manifesto_id: int, chart_id: str = "signatures-temps") -> Chart:
    return _cached(f"time:{chart_id}", manifesto_id, lambda: _over_time(manifesto_id, chart_id))


def by_territory(*, manifesto_id: int, chart_id: str = "signatures-territoires") -> Chart:
    return _cached(f"territory:{chart_id}", manifesto_id, lambda: _by_territory(manifesto_id, chart_id))


def _over_time(manifesto_id: int, chart_id: str) -> Chart:
    counted = selectors.counted(manifesto_id).filter(confirmed_at__isnull=False)
    span = counted.aggregate(first=Min("confirmed_at"), last=Max("confirmed_at"))
    # A campaign's first hours are its story (the launch, the press): hours while it is young.
    hourly = span["first"] is not None and span["last"] - span["first"] < datetime.timedelta(hours=HOURLY_UNDER_HOURS)
    truncate = TruncHour if hourly else TruncDate
    rows = counted.annotate(at=truncate("confirmed_at")).values_list("at", "kind", "family").annotate(n=Count("pk")).order_by()
    counts = _categories(rows)
    sizes: dict[str, dict[str, int]] = {}
    for (_at, category), n in counts.items():
        sizes.setdefault(category, {"n": 0})["n"] += n
    shown = publishable_groups(sizes)
    families = dict(SIGNATURE_FAMILY_CHOICES)
    order = [PERSON] + [code for code, _label in SIGNATURE_FAMILY_CHOICES] + [""]
    keys = [key for key in order if key in shown]
    labels = {PERSON: _("À titre personnel"), "": _("Organisation, famille non précisée"), POOLED: _("Autres (petits groupes regroupés)")}
    if set(sizes) - set(shown):
        keys.append(POOLED)
    series = series_of([(key, labels.get(key) or families.get(key, key)) for key in keys])
    periods = [(label, values) for label, values in _buckets(counts, shown, hourly=hourly)]
    total = sum(counts.values())
    if span["first"] is None:
        description = _("Aucune signature confirmée pour l'instant.")
    else:
        first, last = (timezone.localtime(span[key]) for key in ("first", "last"))
        description = ngettext(
            "%(total)d signature confirmée, du %(first)s au %(last)s, par %(unit)s de confirmation et par famille de l'ESS.",
            "%(total)d signatures confirmées, du %(first)s au %(last)s, par %(unit)s de confirmation et par famille de l'ESS.",
            total,
        ) % {
            "total": total,
            "first": first.strftime("%d/%m/%Y %H:%M"),
            "last": last.strftime("%d/%m/%Y %H:%M"),
            "unit": _("heure") if hourly else _("jour"),
        }
    return stacked_columns(
        chart_id=chart_id,
        title=_("Les signatures au fil du temps"),
        description=description,
        periods=periods,
        series=series,
        headers=[_("Période"), *[s.label for s in series], _("Total"), _("Cumul")],
    )


def _buckets(counts, shown, *, hourly: bool):
    """(label, {series: n}) for every hour, day or week from the first to the last, empty ones included."""
    if not counts:
        return []
    moments = sorted({at for at, _category in counts})
    if hourly:
        step, fmt = datetime.timedelta(hours=1), "%d/%m %Hh"
        key_of = timezone.localtime
    else:
        weekly = (moments[-1] - moments[0]).days >= MAX_DAILY_COLUMNS
        step = datetime.timedelta(days=7 if weekly else 1)
        fmt = _("sem. du %d/%m") if weekly else "%d/%m"
        key_of = (lambda day: day - datetime.timedelta(days=day.weekday())) if weekly else (lambda day: day)
    buckets: dict = {}
    moment = key_of(moments[0])
    while moment <= key_of(moments[-1]):
        buckets[moment] = {}
        moment += step
    for (at, category), n in counts.items():
        bucket = buckets.setdefault(key_of(at), {})
        key = category if category in shown else POOLED
        bucket[key] = bucket.get(key, 0) + n
    return [(moment.strftime(fmt), values) for moment, values in sorted(buckets.items())]


def _by_territory(manifesto_id: int, chart_id: str) -> Chart:
    totals = selectors.totals(manifesto_id=manifesto_id)["by_territory"]
    counts = {territory or "": n for territory, n in totals}
    shown = publishable_groups({key: {"n": n} for key, n in counts.items()})
    ranked = sorted(((key, counts[key]) for key in shown), key=lambda row: (-row[1], row[0]))
    rows = [(territory_label(key) if key else _("Non précisé"), n) for key, n in ranked[:TOP_TERRITORIES]]
    rest = sum(counts.values()) - sum(n for _label, n in rows)
    if rest:
        rows.append((_("Autres (regroupés)"), rest))
    description = ngettext(
        "Signatures confirmées par département : %(count)d département nommé, les petits groupes regroupés.",
        "Signatures confirmées par département : %(count)d départements nommés, les petits groupes regroupés.",
        len(ranked[:TOP_TERRITORIES]),
    ) % {"count": len(ranked[:TOP_TERRITORIES])}
    if rows:
        description += " " + _("En tête : %(label)s (%(n)d).") % {"label": rows[0][0], "n": rows[0][1]}
    return ranked_bars(
        chart_id=chart_id,
        title=_("Les signatures par département"),
        description=description,
        rows=rows,
        headers=[_("Département"), _("Signatures")],
        ranked=False,
    )
