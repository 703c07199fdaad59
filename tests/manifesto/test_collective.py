"""The editorial collective (a role on the manifesto) and the decision mode the organiser chooses."""

import pytest
from django.urls import reverse

from deliberation import services as deliberation_services
from deliberation.errors import PermissionDenied as DeliberationDenied
from manifesto import permissions, services
from manifesto.errors import InvalidInput, PermissionDenied
from manifesto.models import DecisionMode, Manifesto, ManifestoStatus
from tests.factories import make_agora, make_user


@pytest.fixture
def editor(db):
    return make_user("redactrice", first_name="Rachida", email="rachida@example.org")


def test_organiser_seats_and_unseats_a_collective_member(organiser, manifesto, editor):
    assert not permissions.is_collective_member(editor, manifesto)
    services.add_collective_member(actor=organiser, manifesto=manifesto, member=editor)
    assert permissions.is_collective_member(editor, manifesto)
    services.remove_collective_member(actor=organiser, manifesto=manifesto, member=editor)
    assert not permissions.is_collective_member(editor, manifesto)


def test_only_organisers_manage_the_collective(manifesto, editor, outsider):
    for person in (editor, outsider):
        with pytest.raises(PermissionDenied):
            services.add_collective_member(actor=person, manifesto=manifesto, member=person)
    assert not manifesto.collective.exists()
    services.add_collective_member(actor=manifesto.organisers.first(), manifesto=manifesto, member=editor)
    with pytest.raises(PermissionDenied):
        services.remove_collective_member(actor=editor, manifesto=manifesto, member=editor)
    assert manifesto.collective.filter(pk=editor.pk).exists()


def test_members_need_an_active_account(organiser, manifesto):
    with pytest.raises(InvalidInput):
        services.add_collective_member(actor=organiser, manifesto=manifesto, member=services.find_account("personne"))


def test_superusers_count_as_members_and_anonymous_never(manifesto):
    from django.contrib.auth.models import AnonymousUser

    root = make_user("racine", is_superuser=True)
    assert permissions.is_collective_member(root, manifesto)
    assert not permissions.is_collective_member(AnonymousUser(), manifesto)
    assert not permissions.is_collective_member(None, manifesto)


def test_collective_page_adds_by_email_and_refuses_others(client, organiser, manifesto, editor, outsider):
    url = reverse("deliberation_answers:collective", args=[manifesto.slug])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    response = client.post(reverse("deliberation_answers:collective_add", args=[manifesto.slug]), {"account": editor.email})
    assert response.status_code == 403 and not manifesto.collective.exists()

    client.force_login(organiser)
    response = client.post(reverse("deliberation_answers:collective_add", args=[manifesto.slug]), {"account": "RACHIDA@example.org"})
    assert response.status_code == 302 and manifesto.collective.filter(pk=editor.pk).exists()
    assert "Rachida" in client.get(url).content.decode()
    response = client.post(reverse("deliberation_answers:collective_add", args=[manifesto.slug]), {"account": "inconnu"})
    assert response.status_code == 400 and "Aucun compte actif" in response.content.decode()
    client.post(reverse("deliberation_answers:collective_remove", args=[manifesto.slug, editor.pk]))
    assert not manifesto.collective.exists()


# ------------------------------------------------------------------ the decision mode


def test_new_manifestos_default_to_the_collective(organiser):
    made = services.create_manifesto(actor=organiser, title="Nouveau", slug="nouveau")
    assert made.decision_mode == DecisionMode.COLLECTIVE
    with pytest.raises(InvalidInput):
        services.create_manifesto(actor=organiser, title="Autre", slug="autre", decision_mode="vote")


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_existing_manifestos_in_room_mode_and_answers_what_the_room_decided():
    """Rows that existed before the mode are migrated to `room`, and their decided amendments get the room's answer."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before = [("manifesto", "0002_signatures"), ("deliberation", "0001_initial"), ("agora", "0002_agora_is_online_space")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    manifesto = old.get_model("manifesto", "Manifesto").objects.create(title="Ancien", slug="ancien")
    section = old.get_model("manifesto", "Section").objects.create(manifesto=manifesto, position=1, title="Partie")
    Amendment = old.get_model("deliberation", "Amendment")
    common = {"manifesto": manifesto, "section": section, "kind": "modify", "decided_at": timezone.now()}
    Amendment.objects.create(number=1, state="rejected", decision_reason="Hors sujet", **common)
    Amendment.objects.create(number=2, state="open", **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    assert new.get_model("manifesto", "Manifesto").objects.get(slug="ancien").decision_mode == DecisionMode.ROOM
    rows = {a.number: a for a in new.get_model("deliberation", "Amendment").objects.all()}
    assert (rows[1].outcome, rows[1].outcome_reason, rows[1].outcome_final) == ("set_aside", "Hors sujet", True)
    assert (rows[2].outcome, rows[2].outcome_final) == ("pending", False)


def test_organiser_changes_the_mode_and_it_is_journaled(organiser, manifesto, journal_events):
    seq = Manifesto.objects.get(pk=manifesto.pk).last_seq
    deliberation_services.set_decision_mode(actor=organiser, manifesto=manifesto, decision_mode=DecisionMode.COLLECTIVE)
    manifesto.refresh_from_db()
    assert manifesto.decision_mode == DecisionMode.COLLECTIVE
    [event] = journal_events(manifesto, after=seq)
    assert event.type == "manifesto.decision_mode_changed"
    assert event.data == {"decision_mode": "collective", "label": "Par le collectif de rédaction"}


def test_only_organisers_change_the_mode(manifesto, outsider):
    with pytest.raises(DeliberationDenied):
        deliberation_services.set_decision_mode(actor=outsider, manifesto=manifesto, decision_mode=DecisionMode.COLLECTIVE)
    manifesto.refresh_from_db()
    assert manifesto.decision_mode == DecisionMode.ROOM


def test_mode_change_is_refused_during_a_live_session(organiser, manifesto, facilitator):
    from agora import services as agora_services

    agora = make_agora(manifesto=manifesto, facilitators=[facilitator])
    session = agora_services.open_session(actor=facilitator, agora=agora)
    with pytest.raises(DeliberationDenied, match="séance en direct"):
        deliberation_services.set_decision_mode(actor=organiser, manifesto=manifesto, decision_mode=DecisionMode.COLLECTIVE)
    manifesto.refresh_from_db()
    assert manifesto.decision_mode == DecisionMode.ROOM
    agora_services.close_session(actor=facilitator, session=session)
    deliberation_services.set_decision_mode(actor=organiser, manifesto=manifesto, decision_mode=DecisionMode.COLLECTIVE)


def test_mode_change_is_refused_on_a_frozen_text(organiser, manifesto):
    services.set_status(actor=organiser, manifesto=manifesto, status=ManifestoStatus.FROZEN)
    with pytest.raises(DeliberationDenied):
        deliberation_services.set_decision_mode(actor=organiser, manifesto=manifesto, decision_mode=DecisionMode.COLLECTIVE)


def test_back_to_room_is_refused_while_positions_await_the_collective(client, organiser, manifesto, facilitator):
    from agora import services as agora_services
    from agora.models import Phase
    from deliberation import outcomes
    from deliberation.models import AmendmentKind, Outcome
    from deliberation.permissions import Actor
    from tests.deliberation.conftest import make_participant, set_phase

    deliberation_services.set_decision_mode(actor=organiser, manifesto=manifesto, decision_mode=DecisionMode.COLLECTIVE)
    agora = make_agora(manifesto=manifesto, facilitators=[facilitator])
    session = agora_services.open_session(actor=facilitator, agora=agora)
    set_phase(session, Phase.PROPOSALS)
    author = Actor(participant=make_participant(session, "Nadia"))
    amendment = deliberation_services.propose_amendment(
        actor=author, session=session, kind=AmendmentKind.MODIFY, clause=manifesto.clauses.first(), text="Autre rédaction."
    )
    deliberation_services.accept_amendment(actor=Actor(user=facilitator), amendment=amendment)
    agora_services.close_session(actor=facilitator, session=session)

    client.force_login(organiser)
    response = client.post(reverse("deliberation_answers:collective_mode", args=[manifesto.slug]), {"decision_mode": "room"})
    assert response.status_code == 409
    assert "1 amendement porte la position d&#x27;une agora" in response.content.decode()
    manifesto.refresh_from_db()
    assert manifesto.decision_mode == DecisionMode.COLLECTIVE

    amendment.refresh_from_db()
    outcomes.give_outcome(amendment, user=organiser, outcome=Outcome.SET_ASIDE, final=True, reason="Déjà couvert")
    amendment.save()
    response = client.post(reverse("deliberation_answers:collective_mode", args=[manifesto.slug]), {"decision_mode": "room"})
    assert response.status_code == 302
    manifesto.refresh_from_db()
    assert manifesto.decision_mode == DecisionMode.ROOM
