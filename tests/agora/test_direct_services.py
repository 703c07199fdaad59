"""Services that other tests only reached through factories: creating an agora, the presence sweep, superusers."""

import datetime

import pytest
from django.utils import timezone

from agora import permissions as agora_permissions
from agora import services
from agora.models import Agora, Connection
from manifesto import permissions as text_permissions
from manifesto.errors import InvalidInput, PermissionDenied
from tests.factories import make_user

START = timezone.make_aware(datetime.datetime(2027, 3, 1, 9, 0))


def create(actor, manifesto, **changes):
    values = {"title": "Agora de Rennes", "slug": "agora-rennes", "starts_at": START,
              "ends_at": START + datetime.timedelta(hours=3), "venue": "Maison de l'ESS"}
    values.update(changes)
    return services.create_agora(actor=actor, manifesto=manifesto, **values)


def test_only_organisers_create_an_agora_and_nothing_is_created_otherwise(manifesto, organiser, facilitator, outsider):
    for person in (outsider, facilitator, None):
        with pytest.raises(PermissionDenied):
            create(person, manifesto)
    assert not Agora.objects.filter(slug="agora-rennes").exists()
    agora = create(organiser, manifesto, title="  Agora   de Rennes ", facilitators=[facilitator])
    assert agora.title == "Agora de Rennes"
    assert list(agora.facilitators.all()) == [facilitator]


@pytest.mark.parametrize("changes,message", [
    ({"title": "   "}, "titre"),
    ({"ends_at": START}, "finir après"),
    ({"venue": "", "online_url": ""}, "lieu"),
])
def test_create_agora_refuses_bad_input_with_a_sentence(manifesto, organiser, changes, message):
    with pytest.raises(InvalidInput) as refused:
        create(organiser, manifesto, **changes)
    assert message in refused.value.message
    assert not Agora.objects.filter(slug="agora-rennes").exists()


def test_create_agora_refuses_a_slug_already_taken(manifesto, organiser, agora):
    with pytest.raises(InvalidInput):
        create(organiser, manifesto, slug=agora.slug)
    assert Agora.objects.filter(slug=agora.slug).count() == 1


def test_superusers_pass_every_predicate_and_anonymous_visitors_none(manifesto, agora, outsider):
    root = make_user("root", is_superuser=True, is_staff=True)
    assert text_permissions.is_organiser(root, manifesto)
    assert text_permissions.can_edit_text(root, manifesto)
    assert agora_permissions.is_facilitator(root, agora)
    assert agora_permissions.can_manage_agoras(root, manifesto)
    assert not text_permissions.is_organiser(outsider, manifesto)
    assert not agora_permissions.is_facilitator(outsider, agora)
    assert not agora_permissions.is_facilitator(None, agora)


def test_presence_sweep_keeps_refreshed_connections_and_forgets_dead_processes(live_session, participant, settings):
    services.connection_opened(session=live_session, participant=participant, user=None, key="alive")
    services.connection_opened(session=live_session, participant=None, user=None, key="dead-process")
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.LIVE_PRESENCE_TIMEOUT + 60)
    Connection.objects.update(seen_at=long_ago)

    services.connections_seen(keys=["alive"])  # this process still holds "alive"
    touched = services.forget_stale_connections()

    assert list(Connection.objects.values_list("key", flat=True)) == ["alive"]
    assert touched == [(live_session.pk, live_session.agora.manifesto_id)]
    assert services.forget_stale_connections() == []  # nothing more to forget
