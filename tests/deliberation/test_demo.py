"""The demo data: amendments on the demo agora, loaded once."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from agora.models import Agora
from deliberation.demo_collective import COLLECTIVE_SLUG
from manifesto.demo import DEMO_SLUG
from manifesto.models import DecisionMode, Event, Manifesto
from manifesto.permissions import is_collective_member

from deliberation.models import AgoraPosition, Amendment, AmendmentState, Outcome, Support


def test_load_demo_adds_amendments_once(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    single = Amendment.objects.filter(manifesto__slug=DEMO_SLUG)
    assert sorted(single.values_list("state", flat=True)) == [AmendmentState.OPEN, AmendmentState.REJECTED]
    assert Support.objects.filter(amendment__manifesto__slug=DEMO_SLUG).count() == 3
    assert Manifesto.objects.get(slug=DEMO_SLUG).decision_mode == DecisionMode.ROOM


def test_collective_demo_has_three_territories_positions_and_answers(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("load_demo", stdout=out)
    before = (Amendment.objects.count(), AgoraPosition.objects.count(), Event.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Amendment.objects.count(), AgoraPosition.objects.count(), Event.objects.count()) == before

    manifesto = Manifesto.objects.get(slug=COLLECTIVE_SLUG)
    assert manifesto.decision_mode == DecisionMode.COLLECTIVE
    editor = get_user_model().objects.get(username="redaction")
    assert is_collective_member(editor, manifesto)
    assert "redaction / " in out.getvalue() and f"/manifeste/{COLLECTIVE_SLUG}/" in out.getvalue()
    agoras = Agora.objects.filter(manifesto=manifesto)
    assert agoras.filter(is_online_space=True).count() == 1
    assert len({a.departement for a in agoras.filter(is_online_space=False)}) == 3
    amendments = Amendment.objects.filter(manifesto=manifesto)
    assert amendments.count() >= 25
    positions = AgoraPosition.objects.filter(amendment__manifesto=manifesto)
    assert positions.count() >= 20 and all(p.tally["pour"] + p.tally["contre"] + p.tally["abstention"] > 0 for p in positions)
    assert amendments.filter(outcome_final=True).count() >= 4
    integrated = amendments.filter(outcome__in=[Outcome.INTEGRATED, Outcome.INTEGRATED_MODIFIED])
    assert integrated.count() == 2 and all(a.applied_revision == a.applied_clause.revision for a in integrated)
    # For the desk: near-duplicates of one article from every agora and online, and a conflict set.
    article_4 = amendments.filter(clause_number=4, outcome=Outcome.PENDING)
    assert len({a.session.agora_id for a in article_4}) == 4
    assert amendments.filter(clause_number=2, outcome=Outcome.PENDING).count() == 3
