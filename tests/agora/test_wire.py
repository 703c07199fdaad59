"""The hub's ready-made frames are byte for byte what Autobahn would send (agora.wire)."""

from collections import deque
from types import SimpleNamespace

import pytest
from autobahn.twisted.websocket import WebSocketServerProtocol
from autobahn.websocket.protocol import TrafficStats

from agora import wire


def autobahn_bytes(payload: bytes) -> bytes:
    """What Autobahn writes for sendMessage(payload) on an open, uncompressed server connection."""
    written = []
    protocol = WebSocketServerProtocol()
    protocol.factory = SimpleNamespace(isServer=True)
    protocol.transport = SimpleNamespace(write=written.append)
    protocol.state = protocol.STATE_OPEN
    protocol.trafficStats, protocol.send_queue = TrafficStats(), deque()
    protocol.trackedTimings = None
    protocol._perMessageCompress = None
    protocol.maskServerFrames = protocol.logFrames = protocol.logOctets = False
    protocol.autoFragmentSize = protocol.maxMessagePayloadSize = 0
    protocol.sendMessage(payload, False)
    return b"".join(written)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 1500, 65535, 65536, 300_000])
def test_a_ready_made_frame_is_what_autobahn_sends(size):
    payload = ("é" * size).encode()[:size]
    assert wire.text_frame(payload) == autobahn_bytes(payload)


def test_connections_with_options_that_change_the_bytes_do_not_fit():
    protocol = SimpleNamespace(_perMessageCompress=object(), maskServerFrames=False, autoFragmentSize=0,
                               logFrames=False, logOctets=False, trackedTimings=None, transport=None)
    assert not wire.fits(protocol)  # compression negotiated
    protocol._perMessageCompress = None
    assert not wire.fits(protocol)  # not a plain TCP transport (TLS, tests)
