"""Small factories: the fewest lines that give a test what it reads."""

import itertools

from django.contrib.auth import get_user_model

from manifesto import services
from manifesto.models import Manifesto

_counter = itertools.count(1)


def make_user(username: str | None = None, **fields):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=username, password="motdepasse-de-test", **fields)


def make_manifesto(*, organiser, sections: int = 2, clauses: int = 3, slug: str | None = None) -> Manifesto:
    manifesto = services.create_manifesto(
        actor=organiser,
        title="Manifeste de test",
        slug=slug or f"manifeste-{next(_counter)}",
        preamble="Nous, actrices et acteurs de l'ESS…",
    )
    for s in range(1, sections + 1):
        section = services.add_section(actor=organiser, manifesto=manifesto, title=f"Partie {s}")
        for c in range(1, clauses + 1):
            services.add_clause(actor=organiser, section=section, text=f"Texte de l'article {s}.{c}, première rédaction.")
    return manifesto
