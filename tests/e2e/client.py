"""A live-room client written from docs/realtime.md alone, that records everything it applies.

It follows the documented rules: keep `lastSeq`; ignore `seq <= lastSeq`, apply when
`prev <= lastSeq`, on a gap (`prev > lastSeq`) send `resume` once; after a disconnection
reconnect with `?since=lastSeq` and jittered exponential back-off; send `ping` every second to
notice a dead connection (no pong) or a stalled one (a pong whose seq is above `lastSeq`: resume);
keep unanswered commands and send them again after reconnecting, with the same id.

The tests then check what a person would see: every journaled event applied once, in order,
and every command answered once.
"""

import asyncio
import itertools
import json
import random
import ssl
import time
import uuid

import websockets

_ids = itertools.count(1)
PONG_TIMEOUT = 10.0  # seconds; generous, the test machine is shared and loaded


class LiveClient:
    def __init__(self, *, base: str, session_id: int, cookie: str, ssl_context: ssl.SSLContext | None, name: str = ""):
        self.url = base.replace("http", "ws", 1) + f"/ws/live/{session_id}/"
        self.origin = base
        self.cookie = cookie
        self.ssl = ssl_context
        self.name = name or uuid.uuid4().hex[:6]
        self.last_seq: int | None = None
        self.applied: list[dict] = []  # journaled events applied, in order
        self.snapshots = 0
        self.connections = 0
        self.ignored = 0  # events with seq <= lastSeq (already applied)
        self.gaps = 0
        self.heartbeat_timeouts = 0
        self.pending: dict[str, tuple[dict, asyncio.Future]] = {}  # command id -> (frame, reply)
        self.ws = None
        self.ready = asyncio.Event()  # connected and caught up (snapshot or resumed)
        self.refused: int | None = None  # 4403: must not reconnect
        self._resuming = False
        self._task: asyncio.Task | None = None
        self._stopped = False
        self._offline = False
        self._pong: dict | None = None
        self.state: dict = {}
        self.last_error: dict | None = None

    # ------------------------------------------------------------------ connection

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"client-{self.name}")

    async def stop(self) -> None:
        self._stopped = True
        if self.ws is not None:
            await self.ws.close()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass

    async def go_offline(self) -> None:
        """Drop the connection and stay away until `come_back` (a phone in a tunnel)."""
        self._offline = True
        self.ready.clear()
        if self.ws is not None:
            await self.ws.close()

    def come_back(self) -> None:
        self._offline = False

    async def _run(self) -> None:
        delay = 0.5
        while not self._stopped and self.refused is None:
            if self._offline:
                await asyncio.sleep(0.05)
                continue
            url = self.url + (f"?since={self.last_seq}" if self.last_seq is not None else "")
            try:
                async with websockets.connect(
                    url, origin=self.origin, additional_headers={"Cookie": self.cookie}, ssl=self.ssl,
                    open_timeout=10, ping_interval=None, max_queue=None,
                ) as ws:
                    self.ws = ws
                    self.connections += 1
                    self._resuming = True  # until the snapshot or `resumed`
                    heartbeat = asyncio.create_task(self._heartbeat(ws))
                    try:
                        for frame, _reply in list(self.pending.values()):
                            await ws.send(json.dumps(frame))
                        async for text in ws:
                            self._handle(json.loads(text))
                            delay = 0.5
                            if self._offline:
                                break
                    finally:
                        heartbeat.cancel()
                    if ws.close_code == 4403:
                        self.refused = 4403
            except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException):
                pass
            self.ws = None
            self.ready.clear()
            if self._stopped or self.refused is not None:
                break
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 4.0)  # the browser goes up to 30 s; tests need not wait that long

    async def _heartbeat(self, ws) -> None:
        """`ping` every second: a dead connection shows as a missing pong, a stalled one as a pong ahead of us."""
        try:
            while True:
                await asyncio.sleep(1.0)
                self._pong = None
                sent = time.monotonic()
                await ws.send(json.dumps({"type": "ping"}))
                while self._pong is None and time.monotonic() - sent < PONG_TIMEOUT:
                    await asyncio.sleep(0.1)
                if self._pong is None:
                    self.heartbeat_timeouts += 1
                    await ws.close()  # no answer: the connection is dead, reconnect
                    return
        except (asyncio.CancelledError, websockets.exceptions.WebSocketException):
            return

    # ------------------------------------------------------------------ incoming

    def _handle(self, frame: dict) -> None:
        kind = frame.get("type")
        if kind == "snapshot":
            self.snapshots += 1
            self.last_seq = frame["seq"]
            self.state = frame["data"]
            self._caught_up()
        elif kind == "resumed":
            self._caught_up()
        elif kind == "pong":
            self._pong = frame
            seq = frame.get("seq")
            if isinstance(seq, int) and self.last_seq is not None and seq > self.last_seq and not self._resuming:
                self._resume()  # live delivery stalled behind the journal (docs: the heartbeat's seq)
        elif kind in ("ack", "error") and frame.get("in_reply_to") in self.pending:
            _frame, reply = self.pending.pop(frame["in_reply_to"])
            if not reply.done():
                reply.set_result(frame)
        elif kind == "error":
            self.last_error = frame
        elif isinstance(frame.get("seq"), int):
            self._event(frame)

    def _event(self, frame: dict) -> None:
        seq, prev = frame["seq"], frame.get("prev")
        if self.last_seq is None or seq <= self.last_seq:
            self.ignored += 1
        elif isinstance(prev, int) and prev <= self.last_seq:
            self.applied.append(frame)
            self.last_seq = seq
        elif not self._resuming:
            self.gaps += 1
            self._resume()

    def _resume(self) -> None:
        self._resuming = True
        if self.ws is not None:
            asyncio.ensure_future(self._send({"type": "resume", "data": {"seq": self.last_seq}}))

    def _caught_up(self) -> None:
        self._resuming = False
        self.ready.set()

    async def _send(self, frame: dict) -> None:
        try:
            await self.ws.send(json.dumps(frame))
        except (AttributeError, websockets.exceptions.WebSocketException):
            pass  # disconnected: the reconnection resumes and resends

    # ------------------------------------------------------------------ commands

    async def command(self, type: str, data: dict | None = None, *, command_id: str | None = None,
                      timeout: float = 30.0) -> dict:
        """Send a command and wait for its reply, sending it again (same id) after each reconnection."""
        command_id = command_id or f"{self.name}-{next(_ids)}"
        frame = {"type": type, "id": command_id, "data": data or {}}
        reply = asyncio.get_running_loop().create_future()
        self.pending[command_id] = (frame, reply)
        if self.ws is not None:
            await self._send(frame)
        try:
            return await asyncio.wait_for(reply, timeout)
        finally:
            self.pending.pop(command_id, None)
