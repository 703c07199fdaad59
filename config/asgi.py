"""ASGI entry point: HTTP through Django, websockets through the live room's consumer."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

import logging  # noqa: E402

from config.checks import log_configuration_warnings  # noqa: E402

log_configuration_warnings(logging.getLogger("coecrire.config"))

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from agora.health import guard  # noqa: E402
from agora.routing import websocket_urlpatterns as live_room_patterns  # noqa: E402
from config.websocket_auth import LazyAuthMiddlewareStack  # noqa: E402
from deliberation.routing import websocket_urlpatterns as deliberation_patterns  # noqa: E402
from manifesto.routing import websocket_urlpatterns as manifesto_patterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # /healthz, /readyz and /metrics are answered before Django (see agora/health.py).
        "http": guard(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            LazyAuthMiddlewareStack(URLRouter(live_room_patterns + manifesto_patterns + deliberation_patterns))
        ),
    }
)

# Autobahn (daphne's websocket protocol) pretty-prints its whole configuration for a DEBUG log
# line on every new connection, whether or not that line is logged: 2–10 ms of CPU per socket,
# the largest single cost of a join burst (bench/join_storm.py --profile). The text is now made
# only if the line is actually written.
import pprint  # noqa: E402

import autobahn.websocket.protocol as _autobahn_protocol  # noqa: E402


class _LazyPformat:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __format__(self, spec):
        return format(pprint.pformat(self.value), spec)

    __str__ = __repr__ = lambda self: pprint.pformat(self.value)


_autobahn_protocol.pformat = _LazyPformat

# The live room keeps thousands of long-lived objects (connections, frames): with the default
# thresholds a full collection (100–180 ms) lands in a broadcast and sets its p95. Freeze what
# exists after start-up and collect the young generation less often (bench/room_broadcast.py,
# docs/realtime.md). LIVE_GC_TUNING=0 turns it off, to measure the difference.
from config.env import env_bool  # noqa: E402

if env_bool("LIVE_GC_TUNING", default=True):
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1000)
