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


class FakeSocket:
    """A socket whose kernel buffer takes at most `room` bytes."""

    def __init__(self, room):
        self.room, self.got = room, b""

    def send(self, data):
        if self.room == 0:
            raise BlockingIOError
        taken = data[: self.room]
        self.got += taken
        self.room -= len(taken)
        return len(taken)


def connection(room, *, waiting=b""):
    """A protocol on a transport with Twisted's buffer attributes, `waiting` already buffered."""
    written = []
    transport = SimpleNamespace(socket=FakeSocket(room), write=written.append, connected=1, disconnecting=False,
                                _writeDisconnected=False, _tempDataBuffer=[waiting] if waiting else [],
                                offset=0, dataBuffer=b"")
    via_autobahn = []
    protocol = SimpleNamespace(transport=transport, send_queue=deque(), send_state=0, SEND_STATE_GROUND=0,
                               maxMessagePayloadSize=0, sendMessage=lambda payload, binary: via_autobahn.append(payload))
    return protocol, written, via_autobahn


def test_a_frame_the_kernel_takes_whole_is_sent_at_once():
    protocol, written, via_autobahn = connection(10_000)
    wire.send(protocol, b"hello", wire.text_frame(b"hello"))
    assert protocol.transport.socket.got == wire.text_frame(b"hello") and written == [] and via_autobahn == []


def test_what_the_kernel_does_not_take_is_buffered_by_twisted_in_order():
    frame = wire.text_frame(b"x" * 300)
    protocol, written, _ = connection(100)
    wire.send(protocol, b"x" * 300, frame)
    assert protocol.transport.socket.got + b"".join(written) == frame
    protocol, written, _ = connection(0)  # would block: all of it goes to Twisted's buffer
    wire.send(protocol, b"x" * 300, frame)
    assert written == [frame]


def test_with_bytes_already_waiting_the_frame_queues_behind_them():
    protocol, written, via_autobahn = connection(10_000, waiting=b"earlier")
    wire.send(protocol, b"later", wire.text_frame(b"later"))
    assert protocol.transport.socket.got == b"" and via_autobahn == [b"later"]
