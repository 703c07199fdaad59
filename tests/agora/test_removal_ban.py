"""A participant removed by the facilitators cannot come back from the same device with a fresh browser session."""

from django.test import Client

from agora import services
from agora.models import Participant
from agora.views import DEVICE_COOKIE


def join(client, session, name="Camille"):
    return client.post("/agoras/rejoindre/", {"code": session.code, "display_name": name})


def fresh_browser_on_the_same_device(client) -> Client:
    """A new browser session (cookies cleared, private window) that still sends the device cookie."""
    other = Client()
    other.cookies[DEVICE_COOKIE] = client.cookies[DEVICE_COOKIE].value
    return other


def test_a_removed_participant_cannot_rejoin_from_the_same_device_until_readmitted(client, live_session, facilitator):
    assert join(client, live_session).status_code == 302
    first = Participant.objects.get()
    assert first.device_key == client.cookies[DEVICE_COOKIE].value
    services.remove_participant(actor=facilitator, session=live_session, participant_id=first.pk)

    again = fresh_browser_on_the_same_device(client)
    response = join(again, live_session, name="Camille bis")
    assert response.status_code == 200
    assert "retiré·e de cette séance" in response.content.decode()
    assert Participant.objects.count() == 1

    # The facilitator sees the removed person on the console and readmits them (no JavaScript needed).
    console = Client()
    console.force_login(facilitator)
    page = console.get(f"/agoras/seance/{live_session.pk}/animer/").content.decode()
    assert f'value="readmit:{first.pk}"' in page
    assert console.post(f"/agoras/seance/{live_session.pk}/file/", {"op": f"readmit:{first.pk}"}).status_code == 302
    assert join(again, live_session, name="Camille bis").status_code == 302
    assert Participant.objects.filter(removed_at__isnull=True).count() == 1


def test_another_device_may_join_and_only_facilitators_readmit(client, live_session, facilitator, outsider):
    assert join(client, live_session).status_code == 302
    first = Participant.objects.get()
    services.remove_participant(actor=facilitator, session=live_session, participant_id=first.pk)
    assert join(Client(), live_session, name="Dominique").status_code == 302  # a device never removed

    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.post(f"/agoras/seance/{live_session.pk}/file/", {"op": f"readmit:{first.pk}"}).status_code in {302, 403}
    assert Participant.objects.get(pk=first.pk).readmitted_at is None
