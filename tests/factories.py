"""Small factories: the fewest lines that give a test what it reads."""

import itertools

from django.contrib.auth import get_user_model

from manifesto import services
from manifesto.models import Manifesto

_counter = itertools.count(1)


def make_user(username: str | None = None, **fields):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=username, password="motdepasse-de-test", **fields)


def make_manifesto(
    *, organiser, sections: int = 2, clauses: int = 3, slug: str | None = None, decision_mode: str = "room"
) -> Manifesto:
    """Room mode unless asked: most tests exercise a single agora whose accept changes the text."""
    manifesto = services.create_manifesto(
        actor=organiser,
        title="Manifeste de test",
        slug=slug or f"manifeste-{next(_counter)}",
        preamble="Nous, actrices et acteurs de l'ESS…",
        decision_mode=decision_mode,
    )
    for s in range(1, sections + 1):
        section = services.add_section(actor=organiser, manifesto=manifesto, title=f"Partie {s}")
        for c in range(1, clauses + 1):
            services.add_clause(actor=organiser, section=section, text=f"Texte de l'article {s}.{c}, première rédaction.")
    return manifesto


def make_agora(*, manifesto, facilitators=(), title: str = "Agora de Lille", **fields):
    from datetime import timedelta

    from django.utils import timezone

    from agora.models import Agora

    n = next(_counter)
    starts = fields.pop("starts_at", timezone.now() + timedelta(days=7))
    agora = Agora.objects.create(
        manifesto=manifesto, title=title, slug=fields.pop("slug", f"agora-{n}"), departement="Nord",
        region="Hauts-de-France", venue="Maison de l'ESS, Lille", starts_at=starts,
        ends_at=fields.pop("ends_at", starts + timedelta(hours=3)), host_organisation="CRESS", **fields,
    )
    agora.facilitators.set(facilitators)
    return agora
