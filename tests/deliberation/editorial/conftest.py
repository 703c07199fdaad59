"""The editorial desk's fixtures: a manifesto in collective mode, three agoras in three
territories, an editor on the collective, and a helper to propose amendments from any agora."""

import pytest

from agora import services as agora_services
from agora.models import Phase
from deliberation import services as deliberation_services
from deliberation.permissions import Actor
from tests.deliberation.conftest import make_participant, set_phase
from tests.factories import make_agora, make_manifesto, make_user

ARTICLE = "L'ESS place l'humain plutôt que le profit au cœur de l'économie, partout en France."


@pytest.fixture
def manifesto(organiser):
    manifesto = make_manifesto(organiser=organiser, decision_mode="collective")
    clause = manifesto.clauses.order_by("number").first()
    from manifesto import services

    services.edit_clause(actor=organiser, clause=clause, text=ARTICLE, expected_revision=clause.revision)
    return manifesto


@pytest.fixture
def editor(manifesto):
    user = make_user("redactrice", first_name="Rosa", last_name="Luxe")
    manifesto.collective.add(user)
    return user


@pytest.fixture
def second_editor(manifesto):
    user = make_user("redacteur", first_name="Jean")
    manifesto.collective.add(user)
    return user


def _agora_session(manifesto, facilitator, title, departement, region):
    agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title=title)
    agora.departement, agora.region = departement, region
    agora.save(update_fields=["departement", "region"])
    session = agora_services.open_session(actor=facilitator, agora=agora)
    set_phase(session, Phase.PROPOSALS)
    return session


@pytest.fixture
def rooms(manifesto, facilitator):
    """{"lille": session, "nantes": session, "lyon": session}."""
    return {
        "lille": _agora_session(manifesto, facilitator, "Agora de Lille", "Nord", "Hauts-de-France"),
        "nantes": _agora_session(manifesto, facilitator, "Agora de Nantes", "Loire-Atlantique", "Pays de la Loire"),
        "lyon": _agora_session(manifesto, facilitator, "Agora de Lyon", "Rhône", "Auvergne-Rhône-Alpes"),
    }


@pytest.fixture
def propose(manifesto):
    """propose(session, text, kind="modify", clause=None, family="association") -> Amendment."""
    counter = iter(range(1, 10_000))

    def make(session, text, *, kind="modify", clause=None, section=None, family="association", name=None):
        clause = clause or (manifesto.clauses.order_by("number").first() if kind != "insert" or section is None else None)
        participant = make_participant(session, name or f"Personne {next(counter)}", ess_family=family)
        return deliberation_services.propose_amendment(
            actor=Actor(participant=participant), session=session, kind=kind, clause=clause, section=section, text=text
        )

    return make


@pytest.fixture
def support(manifesto):
    """support(amendment, family, value, n=1): n new participants of that family say `value`."""
    counter = iter(range(1, 10_000))

    def give(amendment, family, value, n=1):
        session = amendment.session
        phase = session.phase
        set_phase(session, Phase.SUPPORTS)
        for _ in range(n):
            participant = make_participant(amendment.session, f"Soutien {next(counter)}", ess_family=family)
            deliberation_services.set_support(actor=Actor(participant=participant), amendment=amendment, value=value)
        set_phase(session, phase)

    return give
