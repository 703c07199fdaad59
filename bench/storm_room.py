"""The room of the storm benches (amendment_storm.py, command_profile.py): a manifesto of
`clauses` articles written from `words`, an agora, a live session in the proposals phase and
`participants` joined participants of varied ESS families. Names carry a random suffix, so a
database reused from an earlier run keeps its rooms. Needs Django set up."""

import random
import uuid

FAMILIES = ["association", "cooperative", "mutuelle", "fondation", "entreprise_sociale", ""]


def build_room(participants: int, clauses: int, words: list[str], name: str = "orage"):
    """(manifesto, session, facilitator, participants)."""
    from agora import services
    from agora.models import Phase
    from manifesto import services as text
    from tests.factories import make_agora, make_user

    suffix = uuid.uuid4().hex[:6]
    organiser = make_user(f"organisatrice-{suffix}")
    facilitator = make_user(f"animatrice-{suffix}", first_name="Fatou")
    manifesto = text.create_manifesto(actor=organiser, title=f"Manifeste de l'{name}", slug=f"{name}-{suffix}",
                                      decision_mode="room")
    rng = random.Random(1)
    for s in range(max(1, clauses // 10)):
        section = text.add_section(actor=organiser, manifesto=manifesto, title=f"Partie {s + 1}")
        for _ in range(10):
            text.add_clause(actor=organiser, section=section, text=" ".join(rng.choice(words) for _ in range(30)) + ".")
    agora = make_agora(manifesto=manifesto, facilitators=[facilitator], title=f"Agora de l'{name}", slug=f"{name}-{suffix}")
    session = services.open_session(actor=facilitator, agora=agora)
    services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
    people = [
        services.join(session=session, display_name=f"P{i}", ess_family=FAMILIES[i % len(FAMILIES)])
        for i in range(participants)
    ]
    return manifesto, session, facilitator, people
