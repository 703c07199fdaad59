"""The websocket endpoints accept only pages of this site: Origin variants, as an attacker would try them."""

import importlib

import pytest
from channels.testing import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)

ORIGINS = {
    b"https://coecrire.example": True,
    b"https://coecrire.example:443": True,
    b"https://evil.example": False,
    b"https://coecrire.example.evil.example": False,
    b"https://evilcoecrire.example": False,
    b"null": False,
    None: False,  # no Origin header at all (a non-browser client must still come from our pages)
}


@pytest.fixture
def application(settings):
    settings.ALLOWED_HOSTS = ["coecrire.example"]
    import config.asgi

    yield importlib.reload(config.asgi).application
    settings.ALLOWED_HOSTS = ["testserver"]
    importlib.reload(config.asgi)


@pytest.mark.parametrize("origin,accepted", list(ORIGINS.items()), ids=lambda value: repr(value))
async def test_websocket_origin(application, origin, accepted):
    from asgiref.sync import sync_to_async

    from tests.factories import make_manifesto, make_user

    manifesto = await sync_to_async(lambda: make_manifesto(organiser=make_user("orga-origin")))()
    headers = [(b"host", b"coecrire.example")] + ([(b"origin", origin)] if origin is not None else [])
    communicator = WebsocketCommunicator(application, f"/ws/signatures/{manifesto.pk}/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected is accepted, origin
    await communicator.disconnect()
