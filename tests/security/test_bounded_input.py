"""Integers and CSV cells an outsider makes up answer a sentence, never a 500, and change nothing.

PostgreSQL's bigint stops at 2^63 - 1: a number past it reached the database as a parameter it
cannot bind (SQLite overflows differently), so these run on PostgreSQL in CI.
"""

import pytest

from deliberation.adoption.models import Voter
from deliberation.models import Amendment
from tests.adoption.conftest import make_vote

PAST_BIGINT = str(2**63)
HOSTILE_IDS = [PAST_BIGINT, str(10**40), "-1", "-9223372036854775809", "abc", "1e3", "١٢", "0x10"]


@pytest.fixture
def version(manifesto, organiser):
    from manifesto import services as text_services

    return text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Texte soumis au vote")


@pytest.mark.parametrize("theme", [PAST_BIGINT, str(10**40), "-1", "¹²"])
def test_a_theme_past_the_database_integers_lists_nothing_instead_of_failing(client, manifesto, theme):
    response = client.get(f"/manifeste/{manifesto.slug}/contributions/", {"theme": theme})
    assert response.status_code == 200


@pytest.mark.parametrize("action", ["integrer", "ecarter", "reporter"])
@pytest.mark.parametrize("raw", HOSTILE_IDS)
def test_a_desk_action_on_an_impossible_amendment_id_says_so_and_changes_nothing(client, manifesto, organiser, action, raw):
    manifesto.collective.add(organiser)
    client.force_login(organiser)
    before = Amendment.objects.count()
    response = client.post(f"/manifeste/{manifesto.slug}/redaction/{action}/", {"ids": raw, "reason": "Hors sujet."}, follow=True)
    assert response.status_code in (200, 400)
    sentences = [str(m) for m in response.context["messages"]]
    assert sentences and all(s.endswith(".") for s in sentences)
    assert Amendment.objects.count() == before


@pytest.mark.parametrize("raw", HOSTILE_IDS)
def test_the_roll_from_agoras_refuses_an_impossible_agora_id_with_a_sentence(client, manifesto, organiser, version, raw):
    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version)
    client.force_login(organiser)
    before = Voter.objects.count()
    response = client.post(f"/vote/{manifesto.slug}/{vote.pk}/electeurs/agoras/", {"agoras": [raw]})
    assert response.status_code == 400
    assert response.context["agoras_form"].errors["agoras"]
    assert Voter.objects.count() == before


def _roll_with_one_huge_cell() -> str:
    return "nom,email\nDora Lin,dora@example.org\n" + "E" * 200_000 + ",eric@example.org\nFanny Ba,fanny@example.org\n"


@pytest.mark.parametrize("how", ["pasted", "uploaded"])
def test_a_roll_with_a_cell_past_the_csv_limit_is_refused_by_line(client, manifesto, organiser, version, how):
    from django.core.files.uploadedfile import SimpleUploadedFile

    vote = make_vote(organiser=organiser, manifesto=manifesto, version=version)
    client.force_login(organiser)
    before = Voter.objects.count()
    text = _roll_with_one_huge_cell()
    data = {"text": text} if how == "pasted" else {"file": SimpleUploadedFile("liste.csv", text.encode(), "text/csv")}
    response = client.post(f"/vote/{manifesto.slug}/{vote.pk}/electeurs/importer/", data)
    assert response.status_code == 400
    assert Voter.objects.count() == before
    report = response.context["report"]
    assert [line for line, _sentence in report.errors] == [3]
    assert report.errors[0][1] == "une cellule dépasse 131072 caractères."
    assert [row.line for row in report.rows] == [2, 4]
    assert "Ligne 3" in response.content.decode()
