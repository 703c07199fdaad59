"""Atom feeds: the text's changes, the answers given, an agora's report (docs/publishing.md).
They parse, carry the right entries newest first, and show nothing the public pages hide."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.contributions.models import Contribution, ContributionOutcome, ContributionState
from deliberation.models import Outcome
from manifesto import services as text_services
from tests.deliberation.test_answers import answer, collective_manifesto, propose  # noqa: F401

ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://coecrire.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def read_feed(client, url) -> ElementTree.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def entries(feed) -> list[dict]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_text_changes_feed_lists_article_revisions_newest_first(client, manifesto, organiser, clause):
    text_services.edit_clause(actor=organiser, clause=clause, text="Une rédaction revue.", expected_revision=clause.revision, reason="Relecture")
    feed = read_feed(client, reverse("sharing:changes_feed", kwargs={"slug": manifesto.slug}))
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == SITE + reverse("sharing:changes_feed", kwargs={"slug": manifesto.slug})
    items = entries(feed)
    assert items[0]["title"] == f"Article {clause.number} — Texte modifié"
    assert "Relecture" in items[0]["summary"] and "revue" in items[0]["summary"]
    assert items[0]["link"].startswith(SITE + reverse("manifesto:clause", kwargs={"slug": manifesto.slug, "number": clause.number}))
    assert [item["updated"] for item in items] == sorted((item["updated"] for item in items), reverse=True)
    assert len(items) == 7  # six articles created, one changed


def test_text_changes_feed_keeps_to_fifty_entries(client, manifesto, organiser, clause):
    for n in range(55):
        clause.refresh_from_db()
        text_services.edit_clause(actor=organiser, clause=clause, text=f"Rédaction {n}.", expected_revision=clause.revision)
    assert len(entries(read_feed(client, reverse("sharing:changes_feed", kwargs={"slug": manifesto.slug})))) == 50


def test_answers_feed_gives_amendments_and_contributions_answers_without_hidden_ones(
    client, as_participant, as_facilitator, live_session, clause, collective_manifesto  # noqa: F811
):
    integrated = propose(as_participant, live_session, clause, "Intégrée.")
    answer(integrated, Outcome.INTEGRATED_MODIFIED, clause=clause)
    set_aside = propose(as_participant, live_session, clause, "Écartée.")
    answer(set_aside, Outcome.SET_ASIDE, reason="Contraire au préambule")
    hidden = propose(as_participant, live_session, clause, "Propos injurieux.")
    services.hide_amendment(actor=as_facilitator, amendment=hidden, reason="Injurieux")
    hidden.refresh_from_db()
    answer(hidden, Outcome.SET_ASIDE, reason="Motif de modération privé")
    pending = propose(as_participant, live_session, clause, "En attente.")
    now = timezone.now()
    common = {"manifesto": collective_manifesto, "text": "…", "author_name": "Inès"}
    Contribution.objects.create(number=1, title="Reprise", state=ContributionState.PUBLISHED, outcome=ContributionOutcome.SET_ASIDE,
                                outcome_reason="Hors sujet", answered_at=now, published_at=now, **common)
    Contribution.objects.create(number=2, title="Contribution masquée", state=ContributionState.HIDDEN, outcome=ContributionOutcome.SET_ASIDE,
                                outcome_reason="Secret", answered_at=now, **common)
    Contribution.objects.create(number=3, title="Sans réponse", state=ContributionState.PUBLISHED, published_at=now, **common)

    body = client.get(reverse("deliberation_answers:answers_feed", kwargs={"slug": collective_manifesto.slug})).content.decode()
    items = entries(ElementTree.fromstring(body))
    titles = [item["title"] for item in items]
    assert f"Amendement n° {integrated.number} — article {clause.number}" in titles
    assert f"Amendement n° {set_aside.number} — article {clause.number}" in titles
    assert "Contribution n° 1 — Reprise" in titles
    assert len(items) == 3
    summaries = " ".join(item["summary"] for item in items)
    assert f"intégré modifié — voir article {clause.number}" in summaries and "écarté — Contraire au préambule" in summaries
    assert "Écartée — motif : Hors sujet" in summaries
    for secret in ("Propos injurieux", "Injurieux", "Motif de modération privé", "masquée", "Secret", f"n° {hidden.number} ", "Amina"):
        assert secret not in body, secret
    assert f"Amendement n° {pending.number} " not in body


def test_agora_report_feed_gives_positions_tallies_and_outcomes_without_hidden_amendments(
    client, as_participant, as_facilitator, live_session, clause, agora, collective_manifesto  # noqa: F811
):
    retained = propose(as_participant, live_session, clause, "Retenue.")
    services.accept_amendment(actor=as_facilitator, amendment=retained)
    hidden = propose(as_participant, live_session, clause, "Propos injurieux.")
    services.hide_amendment(actor=as_facilitator, amendment=hidden, reason="Injurieux")

    url = reverse("deliberation_answers:report_feed", kwargs={"slug": agora.slug})
    body = client.get(url).content.decode()
    items = entries(ElementTree.fromstring(body))
    assert [item["title"] for item in items] == [f"Amendement n° {retained.number} — article {clause.number}"]
    assert items[0]["summary"].startswith("Décision de l'agora : Retenu par l'agora. ") and items[0]["summary"].endswith("Suite donnée : en attente.")
    assert "0 pour, 0 contre, 0 abstention(s)" in items[0]["summary"]
    assert items[0]["link"] == SITE + reverse("deliberation_answers:report", kwargs={"slug": agora.slug}) + f"#proposition-{retained.number}"
    for secret in ("Propos injurieux", "Injurieux", "Amina"):
        assert secret not in body, secret


def test_feeds_are_announced_and_linked_on_their_pages(client, agora, manifesto):
    read = client.get(reverse("manifesto:read", kwargs={"slug": manifesto.slug})).content.decode()
    for name in ("sharing:changes_feed", "deliberation_answers:answers_feed"):
        assert f'type="application/atom+xml" title=' in read
        assert f'href="{reverse(name, kwargs={"slug": manifesto.slug})}"' in read, name
    report = client.get(reverse("deliberation_answers:report", kwargs={"slug": agora.slug})).content.decode()
    feed = reverse("deliberation_answers:report_feed", kwargs={"slug": agora.slug})
    assert f'<link rel="alternate" type="application/atom+xml"' in report and report.count(f'href="{feed}"') == 2
    history = client.get(reverse("manifesto:history", kwargs={"slug": manifesto.slug})).content.decode()
    assert history.count(f'href="{reverse("sharing:changes_feed", kwargs={"slug": manifesto.slug})}"') == 2


@pytest.mark.parametrize(
    "name", ["sharing:changes_feed", "deliberation_answers:answers_feed", "deliberation_answers:report_feed", "sharing:image"]
)
def test_feeds_and_image_of_what_does_not_exist_are_404(client, db, name):
    assert client.get(reverse(name, kwargs={"slug": "nulle-part"})).status_code == 404
