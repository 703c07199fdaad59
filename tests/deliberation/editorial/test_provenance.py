"""Provenance after the collective's integrations: as is, with modification, several at once."""

import pytest

from deliberation.editorial import services
from manifesto import provenance
from tests.deliberation.editorial.conftest import ARTICLE

pytestmark = pytest.mark.django_db


def article(manifesto):
    clause = manifesto.clauses.order_by("number").first()
    clause.refresh_from_db()
    return clause


def origins_of(clause) -> dict[str, str]:
    """{"n° 3 + n° 4": "the words they brought | …"} for the article as it stands."""
    result = provenance.clause_provenance(clause)
    labels = {o.revision: " + ".join(s.label for s in o.sources) or ("draft" if o.first else "edit") for o in result.origins}
    found: dict[str, list[str]] = {}
    for passage in result.passages:
        found.setdefault(labels[passage.revision], []).append(passage.text.strip())
    return {label: " | ".join(texts) for label, texts in found.items()}, result


def test_each_word_is_credited_after_a_sequence_of_integrations(manifesto, rooms, propose, editor, client):
    # 1. As is, from Lille.
    first = propose(rooms["lille"], ARTICLE.replace("plutôt que", "avant"))
    services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[first.pk])
    # 2. With modification, from Nantes and Lyon.
    current = article(manifesto).text
    nantes = propose(rooms["nantes"], current.replace("partout en France", "dans chaque territoire"))
    lyon = propose(rooms["lyon"], current.replace("partout en France", "en Europe"))
    wording = current.replace("partout en France", "dans chaque territoire et en Europe")
    services.integrate_modified(
        actor=editor, manifesto=manifesto, amendment_ids=[nantes.pk, lyon.pk], text=wording,
        expected_revision=article(manifesto).revision,
    )
    # 3. Two compatible amendments at once.
    current = article(manifesto).text
    left = propose(rooms["lille"], current.replace("L'ESS place", "L'économie sociale et solidaire place"))
    right = propose(rooms["lyon"], current.replace("de l'économie", "de toute l'économie"))
    services.integrate(actor=editor, manifesto=manifesto, amendment_ids=[left.pk, right.pk])

    clause = article(manifesto)
    assert clause.text == (
        "L'économie sociale et solidaire place l'humain avant le profit au cœur de toute l'économie, "
        "dans chaque territoire et en Europe."
    )
    origins, result = origins_of(clause)
    label = "Amendement n° %d"
    assert origins == {
        "edit": "place l'humain | le profit au cœur de | l'économie,",
        label % first.number: "avant",
        f"{label % nantes.number} + {label % lyon.number}": "dans chaque territoire et en Europe.",
        f"{label % left.number} + {label % right.number}": "L'économie sociale et solidaire | toute",
    }
    modified = next(o for o in result.origins if len(o.sources) == 2 and o.sources[0].label == label % nantes.number)
    assert modified.sources[0].note == "intégré avec modification par le collectif de rédaction"
    assert modified.sources[1].origin == "Agora de Lyon"
    assert modified.sources[0].decided_by == "Rosa Luxe" and modified.step.user == "Rosa Luxe"

    page = client.get(f"/manifeste/{manifesto.slug}/article/{clause.number}/origine/").content.decode()
    assert f'href="/agoras/{nantes.session.agora.slug}/bilan/"' in page
    assert f'href="{lyon.get_absolute_url()}"' in page
