"""French as a new reader sees it: « de » elides before a vowel, what is said of a stage agrees
with its name, numbers agree with their noun, « À » keeps its accent."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from agora.models import LiveSession, Phase
from deliberation import services as deliberation_services
from deliberation.permissions import Actor
from manifesto import stage_services
from manifesto.french import de, elides
from tests.deliberation.conftest import make_participant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, expected",
    [("Inès", "d'Inès"), ("Élodie", "d'Élodie"), ("Hugo", "d'Hugo"), ("Yves", "d'Yves"), ("Yanis", "de Yanis"), ("Paul", "de Paul")],
)
def test_de_elides_before_a_vowel_or_a_mute_h(name, expected):
    assert de(name) == expected


def test_de_says_by_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert de("Inès") == "by Inès" and de("Paul") == "by Paul"
    assert not elides("")


def test_an_accepted_amendment_of_ines_is_credited_d_ines_in_the_article_history(live_session, facilitator, clause):
    LiveSession.objects.filter(pk=live_session.pk).update(phase=Phase.PROPOSALS)
    live_session.refresh_from_db()
    ines = make_participant(live_session, "Inès")
    amendment = deliberation_services.propose_amendment(
        actor=Actor(participant=ines), session=live_session, kind="modify", clause=clause, section=None, text="Un texte neuf."
    )
    deliberation_services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    reasons = list(clause.history.values_list("history_change_reason", flat=True))
    assert any(f"Amendement n° {amendment.number} d'Inès" in (reason or "") for reason in reasons), reasons
    assert not any("de Inès" in (reason or "") for reason in reasons)


def test_the_timeline_agrees_with_plural_stage_names(client, manifesto, organiser):
    stage_services.configure_stages(actor=organiser, manifesto=manifesto)
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="contributions")
    stage_services.open_stage(actor=organiser, manifesto=manifesto, kind="synthese")  # closes one, skips two
    html = client.get(manifesto.get_absolute_url()).content.decode()
    assert "terminées" in html and "passées" in html  # Contributions terminées, Agoras passées
    assert "Rédaction</strong>\n        <span class=\"badge\">passée</span>" in html
    client.force_login(organiser)
    organiser_page = client.get(reverse("manifesto:stages", kwargs={"slug": manifesto.slug})).content.decode()
    assert 'Contributions <span class="badge">closes</span>' in organiser_page
    assert 'Agoras <span class="badge">passées</span>' in organiser_page
    assert 'Synthèse <span class="badge">ouverte</span>' in organiser_page


def test_abstentions_agree_with_their_number():
    rendered = Template("{% load deliberation %}{{ 1|abstentions }} / {{ 2|abstentions }} / {{ 0|abstentions }}").render(Context())
    assert rendered == "1 abstention / 2 abstentions / 0 abstention"


def test_no_template_writes_a_count_before_a_singular_abstention():
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        if "{{ abstention }} abstention" in text or "abstention(s)" in text:
            offenders.append(str(path))
    assert offenders == []


def test_the_floor_is_a_la_parole_with_its_accent(client, live_session, facilitator):
    client.force_login(facilitator)
    for url in (f"/agoras/seance/{live_session.pk}/projection/", f"/agoras/seance/{live_session.pk}/animer/"):
        page = client.get(url).content.decode()
        assert "À la parole" in page and "A la parole" not in page, url
