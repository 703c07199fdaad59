"""The demo's desk shows what the README promises: a conflict set, a duplicate group across
agoras, compatible changes, a deferred proposal, and some proposals already answered."""

import pytest
from django.core.management import call_command

from deliberation.demo_collective import COLLECTIVE_SLUG
from deliberation.editorial import selectors
from manifesto.models import Manifesto

pytestmark = pytest.mark.django_db


def test_the_demo_desk_has_every_kind_of_group(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))  # idempotent
    manifesto = Manifesto.objects.get(slug=COLLECTIVE_SLUG)
    desk = selectors.desk(manifesto)
    by_key = {a.key: a for a in desk.articles}

    conflict = by_key["article-2"].conflict_sets
    assert len(conflict) == 1 and len(conflict[0]) == 3
    assert "3 propositions incompatibles sur la fin de l'article" in by_key["article-2"].summary

    (group,) = [u for u in by_key["article-4"].compatible if u.is_duplicate_group]
    assert len(group.items) == 4 and len(group.agoras) == 4
    assert by_key["article-4"].summary.startswith("Article 4 — 4 agoras veulent supprimer « plutôt que de se faire concurrence »")

    compatible = by_key["article-6"].compatible
    assert len(compatible) == 2 and not by_key["article-6"].conflict_sets

    deferred = [i for a in desk.articles for i in a.items if i.deferred]
    assert len(deferred) == 1

    client.force_login(manifesto.collective.get(username="redaction"))
    page = client.get(f"/manifeste/{COLLECTIVE_SLUG}/redaction/")
    assert page.status_code == 200 and "Propositions incompatibles" in page.content.decode()
