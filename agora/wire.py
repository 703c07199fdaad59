"""The broadcast's last step: one websocket frame, built once, written to many sockets.

Daphne's websocket connections are Autobahn protocols on Twisted TCP transports. A frame sent
through them (sendMessage → sendFrame → sendData → transport.write) costs, for every socket:
the header built again, a debug line's arguments formatted, the bytes buffered, the socket
registered for writing, a turn of the event loop, the send, and the socket unregistered (two
epoll changes). Under bench/amendment_storm.py (1,000 sockets, ~24 events a second), py-spy
showed a daphne process spending about 70 % of its CPU on fanning frames out, half of that in
these layers (docs/realtime.md, "Commands under load").

A server's text frame is never masked, so its bytes are the same for every socket: the hub
builds them once per event (`text_frame`) and `send` writes them to the socket at once when
nothing is waiting in the connection's buffers, as asyncio's own transports do. What the
kernel does not take at once, and every connection this does not fit (compression or frame
options negotiated, logging on, a TLS transport: `fits`), go through Autobahn and Twisted as
before, so bytes never overtake one another on a connection.
"""

import struct

from twisted.internet import tcp


def text_frame(payload: bytes) -> bytes:
    """A final, unmasked text frame (RFC 6455, 5.2) carrying the UTF-8 `payload`."""
    size = len(payload)
    if size <= 125:
        header = bytes((0x81, size))
    elif size <= 0xFFFF:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


def fits(protocol) -> bool:
    """May frames from `text_frame` go to this open connection as they are? Asked once it is open
    (compression is negotiated in the handshake); every option that changes the bytes or wants
    to see them sends through Autobahn instead."""
    return (
        getattr(protocol, "_perMessageCompress", True) is None
        and not protocol.maskServerFrames
        and not protocol.autoFragmentSize
        and not protocol.logFrames
        and not protocol.logOctets
        and not protocol.trackedTimings
        and type(protocol.transport) is tcp.Server
    )


def send(protocol, payload: bytes, frame: bytes) -> None:
    """Send one text message to an open connection that `fits`: `frame` is `text_frame(payload)`."""
    limit = protocol.maxMessagePayloadSize
    transport = protocol.transport
    if (
        protocol.send_queue
        or protocol.send_state != protocol.SEND_STATE_GROUND
        or (0 < limit < len(payload))
        or not transport.connected
        or transport.disconnecting
        or transport._writeDisconnected
        or transport._tempDataBuffer
        or transport.offset < len(transport.dataBuffer)
    ):
        # Something is already waiting (or a rule applies): keep the connection's order and rules.
        protocol.sendMessage(payload, False)
        return
    try:
        sent = transport.socket.send(frame)
    except BlockingIOError:
        sent = 0
    except OSError:
        # A broken connection: Twisted's own write finds the error and closes it as usual.
        sent = 0
    if sent < len(frame):
        transport.write(frame[sent:])
