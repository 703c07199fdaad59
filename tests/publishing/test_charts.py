"""Server-rendered SVG charts: accessible, escaped, honest about small groups, shown where people look."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.utils import timezone

from agora.charts import agoras_timeline
from manifesto import services as text_services
from manifesto.charts import TimelineItem, ranked_bars, series_of, stacked_bars, stacked_columns, timeline
from manifesto.models import Signature
from manifesto.signatures import charts as signature_charts
from manifesto.signatures import services as signature_services
from tests.factories import make_agora
from tests.signatures.conftest import confirm_token, organisation, person

HOSTILE = "<script>alert(1)</script>\u202eevil & co"
SVG = "{http://www.w3.org/2000/svg}"


def parse(chart) -> ET.Element:
    """The SVG parses as XML: every piece of text was escaped."""
    return ET.fromstring(str(chart.svg))


def texts(root) -> list[str]:
    """The visible text of each label (a shortened label carries its full text in a <title> tooltip)."""
    visible = []
    for node in root.iter(f"{SVG}text"):
        tooltip = node.find(f"{SVG}title")
        visible.append((tooltip.tail if tooltip is not None else node.text) or "")
    return visible


def test_ranked_bars_are_an_accessible_image_with_escaped_labels():
    chart = ranked_bars(chart_id="c1", title="Titre <b>", description="Résumé", rows=[(HOSTILE, 3), ("Nord", 7)], headers=["Lieu", "n"])
    root = parse(chart)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-t c1-d"
    assert root.find(f"{SVG}title").text == "Titre <b>" and root.find(f"{SVG}desc").text == "Résumé"
    labels = texts(root)
    assert "<script>" not in str(chart.svg) and "&lt;script&gt;" in str(chart.svg)
    assert "\u202e" not in str(chart.svg)  # a right-to-left override cannot reverse the labels
    assert labels.index("Nord") < labels.index("7")  # largest first
    assert chart.rows == [["Nord", 7], [HOSTILE, 3]]  # the table keeps the text as typed (escaped by the template)


def test_a_very_long_label_is_shortened_in_the_picture_not_in_the_table():
    long = "Agora " + "très " * 60 + "longue"
    chart = ranked_bars(chart_id="c2", title="t", description="d", rows=[(long, 1)], headers=["a", "b"])
    shown = [t for t in texts(parse(chart)) if t.startswith("Agora")]
    assert shown and len(shown[0]) <= 28 and shown[0].endswith("…")
    assert chart.rows[0][0] == long


def test_stacked_charts_have_a_legend_and_totals():
    series = series_of([("a", "Association"), ("c", "Coopérative")])
    bars = stacked_bars(chart_id="s", title="t", description="d", rows=[("Art. 1", {"a": 2, "c": 1})], series=series, headers=["x", "A", "C", "T"])
    assert "Association" in texts(parse(bars)) and bars.rows == [["Art. 1", 2, 1, 3]]
    columns = stacked_columns(chart_id="k", title="t", description="d", periods=[("01/12", {"a": 1}), ("02/12", {"c": 2})], series=series, headers=[])
    assert columns.rows == [["01/12", 1, 0, 1, 1], ["02/12", 0, 2, 2, 3]]  # the running total last
    assert len(parse(columns).findall(f"{SVG}rect")) >= 2 + 2  # legend swatches and columns


def test_empty_charts_say_so():
    chart = timeline(chart_id="e", title="t", description="d", items=[], headers=[])
    assert chart.empty


def test_timeline_places_items_in_date_order():
    today = datetime.date(2026, 12, 1)
    items = [TimelineItem("B", today + datetime.timedelta(days=10)), TimelineItem("A", today - datetime.timedelta(days=20))]
    chart = timeline(chart_id="t", title="t", description="d", items=items, headers=["a", "b", "c"], today=today)
    circles = parse(chart).findall(f"{SVG}circle")
    assert [c.find(f"{SVG}title").text.split(" — ")[0] for c in circles] == ["A", "B"]
    assert float(circles[0].get("cx")) < float(circles[1].get("cx"))


def test_agoras_timeline_leaves_the_online_space_out(manifesto, facilitator):
    make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora <i>du Nord</i>")
    online = make_agora(manifesto=manifesto, facilitators=[facilitator], title="En ligne")
    online.is_online_space = True
    chart = agoras_timeline([online, *manifesto.agoras.exclude(pk=online.pk)])
    assert [row[0] for row in chart.rows] == ["Agora <i>du Nord</i>"]


# ------------------------------------------------------------------------ signatures


@pytest.fixture
def campaign(organiser, manifesto, settings):
    settings.SIGNATURE_RATE_LIMIT = 100000
    settings.SIGNATURE_COUNT_CACHE_SECONDS = 0
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte adopté")
    return signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)


def sign_all(campaign, signers, capture):
    for i, data in enumerate(signers):
        with capture(execute=True):
            signature_services.sign(campaign=campaign, data=data, ip=f"203.0.113.{i + 1}")
        with capture(execute=True):
            signature_services.confirm(token=confirm_token(mail.outbox[-1]))


def test_signature_charts_split_by_family_and_pool_small_territories(campaign, manifesto, django_capture_on_commit_callbacks, settings):
    settings.MIN_PUBLISHED_GROUP = 3
    signers = [person(email=f"p{i}@example.org", territory="59") for i in range(4)]
    signers += [organisation(organisation_name=f"Coop {i}", organisation_key=f"name:coop {i}", email=f"o{i}@example.org", territory="69", family="cooperative") for i in range(3)]
    signers += [person(email="seul@example.org", territory="2A")]
    sign_all(campaign, signers, django_capture_on_commit_callbacks)
    over_time = signature_charts.over_time(manifesto_id=manifesto.pk)
    assert over_time.headers[1:3] == ["À titre personnel", "Coopérative"]
    assert over_time.rows[-1][-1] == 8  # the running total
    by_territory = signature_charts.by_territory(manifesto_id=manifesto.pk)
    labels = [row[0] for row in by_territory.rows]
    # Corse-du-Sud's single signature is not shown on its own, nor the next smallest group
    # (the totals would give it away by subtraction): both are counted together, last.
    assert labels == ["59 — Nord", "Autres (regroupés)"]
    assert sum(n for _label, n in by_territory.rows) == 8


def test_signature_chart_goes_by_day_when_the_campaign_is_older(campaign, manifesto, django_capture_on_commit_callbacks):
    sign_all(campaign, [person(email=f"d{i}@example.org") for i in range(3)], django_capture_on_commit_callbacks)
    first = Signature.objects.filter(manifesto=manifesto).order_by("pk").first()
    Signature.objects.filter(pk=first.pk).update(confirmed_at=timezone.now() - datetime.timedelta(days=5))
    chart = signature_charts.over_time(manifesto_id=manifesto.pk, chart_id="older")
    assert len(chart.rows) == 6 and all(re.fullmatch(r"\d\d/\d\d", row[0]) for row in chart.rows)


def test_charts_on_the_signatories_page_and_the_figures_page(client, campaign, manifesto, django_capture_on_commit_callbacks):
    sign_all(campaign, [person(email="a@example.org"), organisation()], django_capture_on_commit_callbacks)
    page = client.get(f"/signer/{manifesto.slug}/signataires/").content.decode()
    assert 'id="signatures-temps-t"' in page and 'id="signatures-territoires-t"' in page
    assert "Les chiffres en tableau" in page and f"/manifeste/{manifesto.slug}/chiffres/" in page
    figures = client.get(f"/manifeste/{manifesto.slug}/chiffres/")
    assert figures.status_code == 200
    body = figures.content.decode()
    for chart_id in ("signatures-temps", "signatures-territoires", "agoras-calendrier", "amendements-articles"):
        assert f'id="{chart_id}"' in body
    # No agora and no amendment yet: those two say so instead of drawing an empty picture.
    assert body.count('role="img"') == 2 and body.count("Pas encore de données.") == 2


def test_figures_page_without_a_campaign_and_in_the_navigation(client, manifesto):
    body = client.get(f"/manifeste/{manifesto.slug}/chiffres/").content.decode()
    assert "signatures-temps" not in body and 'id="amendements-articles"' in body
    reading = client.get(f"/manifeste/{manifesto.slug}/").content.decode()
    assert f"/manifeste/{manifesto.slug}/chiffres/" in reading


def test_agenda_shows_the_timeline(client, manifesto, facilitator):
    make_agora(manifesto=manifesto, facilitators=[facilitator], title="Agora <b>frise</b>")
    body = client.get("/agoras/").content.decode()
    assert 'id="agoras-calendrier-t"' in body and "Agora &lt;b&gt;frise&lt;/b&gt;" in body


def test_signatories_pdf_has_the_charts(client, campaign, manifesto, django_capture_on_commit_callbacks):
    from tests.publishing.test_pdfs import pdf_text

    sign_all(campaign, [person(email="c@example.org", territory="59")], django_capture_on_commit_callbacks)
    text = pdf_text(client.get(f"/signer/{manifesto.slug}/signataires.pdf"))
    assert "Les signatures au fil du temps" in text and "Les signatures par département" in text
    assert "59 — Nord" in text
