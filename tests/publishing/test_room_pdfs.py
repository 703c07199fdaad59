"""The room's PDFs (amendment booklet, agora report, adoption vote results): they open, hold
their text, print hostile names as text, leave out what is not public, and are cached."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from agora import services as agora_services
from agora.models import Phase
from deliberation import services as deliberation_services
from deliberation.adoption import services as adoption_services
from deliberation.permissions import Actor
from manifesto import services as text_services
from tests.adoption.conftest import cast, links_by_email, make_vote
from tests.deliberation.conftest import set_phase
from tests.publishing.test_pdfs import _squash, pdf_text

# HTML and script, a right-to-left override, and a name as long as a name may be (60).
HOSTILE_NAME = "<b>Zoé</b>\u202e<script>x</script>"
LONG_WORDS = "Anticonstitutionnellement " * 40


@pytest.fixture
def room(live_session, facilitator, clause, settings):
    settings.SITE_URL = "https://coecrire.example"
    set_phase(live_session, Phase.PROPOSALS)
    author = agora_services.join(session=live_session, display_name=HOSTILE_NAME, ess_family="cooperative")
    voter = agora_services.join(session=live_session, display_name="Voix", ess_family="association")
    first = deliberation_services.propose_amendment(
        actor=Actor(participant=author), session=live_session, kind="modify", clause=clause,
        text="Une économie <i>qui rassemble</i> et " + LONG_WORDS, justification="Parce que =1+1",
    )
    hidden = deliberation_services.propose_amendment(
        actor=Actor(participant=voter), session=live_session, kind="modify", clause=clause, text="Texte masqué par la modération",
    )
    set_phase(live_session, Phase.SUPPORTS)
    deliberation_services.set_support(actor=Actor(participant=voter), amendment=first, value="pour")
    deliberation_services.hide_amendment(actor=Actor(user=facilitator), amendment=hidden, reason="Injurieux")
    set_phase(live_session, Phase.PROPOSALS)
    return {"session": live_session, "agora": live_session.agora, "first": first, "hidden": hidden, "clause": clause}


def test_booklet_lists_each_public_amendment_with_diff_author_agora_and_tally(client, room):
    agora, first = room["agora"], room["first"]
    text = pdf_text(client.get(f"/agoras/{agora.slug}/liasse.pdf"))
    flat = _squash(text)
    assert "liasse des amendements" in text.lower()
    assert f"Amendement n° {first.number}" in text
    # The name is printed as typed: its markup as characters, its right-to-left override
    # reversing what follows it inside the name only; the rest of the line reads left to right.
    assert _squash("Auteur·rice : <b>Zoé</b><tpircs/>x<tpircs> · Agora : Agora de Lille") in flat
    assert "<i>qui" in flat and "rassemble</i>" in flat  # the diff's words, never markup
    assert "Anticonstitutionnellement" in text  # a very long text wraps, it is not cut
    assert _squash(agora.title) in flat
    assert "Pour 1" in text and "contre 0" in text
    assert "Texte masqué" not in text and "Injurieux" not in text
    assert "article 1" in text.lower()


def test_booklet_of_one_session_or_one_article(client, room, organiser, facilitator):
    agora, clause = room["agora"], room["clause"]
    other_clause = text_services.add_clause(actor=organiser, section=clause.section, text="Un autre article.")
    session = room["session"]
    voter = agora_services.join(session=session, display_name="Sacha")
    deliberation_services.propose_amendment(
        actor=Actor(participant=voter), session=session, kind="modify", clause=other_clause, text="Sur l'autre article."
    )
    only_first = pdf_text(client.get(f"/agoras/{agora.slug}/liasse.pdf?article={clause.number}"))
    assert "Sacha" not in only_first and "Anticonstitutionnellement" in only_first
    one_session = pdf_text(client.get(f"/agoras/{agora.slug}/liasse.pdf?seance={session.pk}"))
    assert "Sacha" in one_session and session.code in one_session
    assert client.get(f"/agoras/{agora.slug}/liasse.pdf?seance=999999").status_code == 404
    assert client.get(f"/agoras/{agora.slug}/liasse.pdf?article=x").status_code == 404


def test_booklet_follows_the_journal(client, room):
    agora, session = room["agora"], room["session"]
    url = f"/agoras/{agora.slug}/liasse.pdf"
    before = pdf_text(client.get(url))
    assert "Tardive" not in before
    late = agora_services.join(session=session, display_name="Tardive")
    deliberation_services.propose_amendment(
        actor=Actor(participant=late), session=session, kind="modify", clause=room["clause"], text="Encore une proposition."
    )
    assert "Tardive" in pdf_text(client.get(url))


def test_agora_report_pdf_has_the_summary_the_chart_and_the_table(client, room):
    agora, first = room["agora"], room["first"]
    text = pdf_text(client.get(f"/agoras/{agora.slug}/bilan.pdf"))
    assert "bilan d'agora" in text.lower() and _squash(agora.title) in _squash(text)
    assert "propositions" in text  # the summary sentence
    assert "Les amendements par article et leur suite" in text  # the chart, with its table
    assert f"n° {first.number}" in text
    assert "Texte masqué" not in text


def test_agora_report_page_shows_the_chart_and_links_the_pdfs(client, room):
    agora = room["agora"]
    page = client.get(f"/agoras/{agora.slug}/bilan/").content.decode()
    assert 'role="img"' in page and "<title id=\"bilan-articles-t\">" in page
    assert f"/agoras/{agora.slug}/bilan.pdf" in page and f"/agoras/{agora.slug}/liasse.pdf" in page
    assert f"liasse.pdf?seance={room['session'].pk}" in page
    detail = client.get(f"/agoras/{agora.slug}/").content.decode()
    assert f"/agoras/{agora.slug}/liasse.pdf" in detail and f"/agoras/{agora.slug}/bilan.pdf" in detail


def _closed_vote(organiser, manifesto, capture):
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte soumis au vote")
    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version, title="Vote <script>du</script> congrès")
    with capture(execute=True):
        adoption_services.open_vote(actor=organiser, vote=vote)
    vote.refresh_from_db()
    tokens = links_by_email()
    cast(vote, tokens["alice@example.org"], "pour")
    cast(vote, tokens["bruno@example.org"], "contre")
    return vote


def test_vote_results_pdf_only_once_closed_and_never_who_voted_what(client, organiser, manifesto, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "http://testserver"
    vote = _closed_vote(organiser, manifesto, django_capture_on_commit_callbacks)
    url = f"/vote/{manifesto.slug}/{vote.pk}/resultats.pdf"
    assert client.get(url).status_code == 404  # still open: nothing published yet
    adoption_services.close_vote(actor=organiser, vote=vote)
    text = pdf_text(client.get(url))
    flat = _squash(text)
    assert "résultats du vote d'adoption" in text.lower()
    assert _squash("Vote <script>du</script> congrès") in flat
    assert "Participation : 2 électeur·rices sur 3" in text
    assert "L'ensemble du texte" in text
    assert vote.version.fingerprint in flat
    for private in ("Alice", "Bruno", "alice@example.org", "Coopérative du Val"):
        assert private not in text
    assert len(mail.outbox) >= 3


def test_vote_results_pdf_is_linked_from_the_results_page(client, organiser, manifesto, django_capture_on_commit_callbacks):
    vote = _closed_vote(organiser, manifesto, django_capture_on_commit_callbacks)
    adoption_services.close_vote(actor=organiser, vote=vote)
    page = client.get(f"/vote/{manifesto.slug}/{vote.pk}/resultats/").content.decode()
    assert f"/vote/{manifesto.slug}/{vote.pk}/resultats.pdf" in page


def test_a_pdf_is_built_once_per_state(client, room, monkeypatch):
    from deliberation.publishing import pdf

    built = []
    real = pdf.render_pdf

    def counting(template, context):
        built.append(template)
        return real(template, context)

    monkeypatch.setattr("deliberation.publishing.pdf.room.render_pdf", counting)
    url = f"/agoras/{room['agora'].slug}/bilan.pdf"
    first = client.get(url).content
    assert client.get(url).content == first
    assert built == ["publishing/report.pdf.html"]


def test_vote_pdf_key_changes_with_proclamation():
    """The cache key covers what the journal's seq does not: closing and proclaiming."""
    from types import SimpleNamespace

    now = timezone.now()
    closed = SimpleNamespace(pk=1, closed_at=now, proclaimed_at=None)
    proclaimed = SimpleNamespace(pk=1, closed_at=now, proclaimed_at=now + datetime.timedelta(minutes=1))
    keys = []
    import deliberation.publishing.pdf.room as room_module

    original = room_module.cached_pdf
    try:
        room_module.cached_pdf = lambda key, build: keys.append(key) or b""
        room_module.vote_results_pdf(closed)
        room_module.vote_results_pdf(proclaimed)
    finally:
        room_module.cached_pdf = original
    assert keys[0] != keys[1]
