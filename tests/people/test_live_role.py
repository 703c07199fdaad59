"""A facilitator who loses the role while their console's socket is open (docs/people.md): the
socket keeps the facilitator flag it computed at connection, but every command's service checks
the role again, so the next command is refused and changes nothing."""

import pytest
from asgiref.sync import sync_to_async

from agora.models import LiveSession
from manifesto.people import services
from tests.live import command, room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("live_hub")]


async def test_next_command_of_a_revoked_facilitator_is_refused(live_session, facilitator, organiser, manifesto):
    async with room(live_session, user=facilitator) as console:
        assert (await command(console, "session.set_phase", {"phase": "proposals"}))["type"] == "ack"
        await sync_to_async(services.revoke_role)(actor=organiser, manifesto=manifesto, user=facilitator, role="facilitator")
        reply = await command(console, "session.set_phase", {"phase": "decision"})
        assert reply["type"] == "error" and reply["code"] == "forbidden"
    session = await sync_to_async(LiveSession.objects.get)(pk=live_session.pk)
    assert session.phase == "proposals"
