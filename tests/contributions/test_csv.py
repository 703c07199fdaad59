"""The public CSV of contributions: BOM, documented columns, formula-safe, public data only."""

import csv
import io

import pytest

from deliberation.contributions import services
from tests.contributions.conftest import as_participant, join, post

pytestmark = pytest.mark.django_db

COLUMNS = ["numero", "titre", "texte", "theme", "article", "agora", "famille", "territoire", "etat", "suite", "reponse",
           "pour", "contre", "abstention", "publiee_le"]


def rows(client, manifesto):
    response = client.get(f"/manifeste/{manifesto.slug}/contributions.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="contributions-{manifesto.slug}.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_contributions_csv_is_formula_safe_and_public_only(client, in_contributions, participant, live_session, facilitator):
    mine = post(as_participant(participant), in_contributions, title="=HYPERLINK(\"http://evil\")", text="+cmd|' /C calc'!A0")
    other = join(live_session, "Bruno", family="cooperative")
    services.set_support(actor=as_participant(other), contribution=mine, value="pour")
    hidden = post(as_participant(other), in_contributions, title="Contribution masquée", text="Injurieuse")
    services.hide_contribution(actor=facilitator, contribution=hidden, reason="Hors sujet")
    table = rows(client, in_contributions)
    assert table[0] == COLUMNS
    assert len(table) == 2  # the hidden one is left out
    row = dict(zip(COLUMNS, table[1]))
    assert row["titre"].startswith("'=") and row["texte"].startswith("'+")
    assert row["pour"] == "1" and row["contre"] == "0"
    assert row["famille"] == participant.get_ess_family_display() and row["etat"] == "published"
    flat = ",".join(table[1])
    assert participant.display_name not in flat  # authors are not named in the table
    assert "Masquée" not in flat and "Hors sujet" not in flat
