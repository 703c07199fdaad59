"""A local SMTP sink for tests whose server runs in another process (a daphne subprocess):
its emails are the outbox a person would read.

    with smtp_sink() as sink:
        env = live_server_env(**sink.email_env())
        ...
        message = sink.wait_for(lambda m: m["To"] == "karim@example.org")
        link = sink.link_in(message, r"/invitation/\\S+/")
"""

import email
import email.policy
import re
import threading
import time
from contextlib import contextmanager

from aiosmtpd.controller import Controller

from tests.server import free_port


class Sink:
    def __init__(self):
        self.messages: list = []
        self._arrived = threading.Condition()
        self.port: int | None = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 OK"

    def email_env(self) -> dict:
        """The variables that send a server's emails here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }

    def wait_for(self, matches=lambda message: True, *, timeout: float = 15.0):
        """The first message received that `matches`, waiting for it until the deadline."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                found = next((m for m in self.messages if matches(m)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no matching email within {timeout} s; received: {[m['To'] for m in self.messages]}")
                self._arrived.wait(left)

    def nth(self, count: int, *, timeout: float = 15.0):
        """The `count`-th message received (1 for the first), waiting for it until the deadline."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} emails within {timeout} s, got {len(self.messages)}")
                self._arrived.wait(left)
            return self.messages[count - 1]

    def to(self, address: str, *, timeout: float = 15.0):
        return self.wait_for(lambda m: m["To"] == address, timeout=timeout)

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def link_in(self, message, path_pattern: str) -> str:
        """The absolute link of the message's body whose path matches `path_pattern`."""
        found = re.search(r"https?://[^\s/]+" + path_pattern, self.body(message))
        assert found, f"no link like {path_pattern} in: {self.body(message)}"
        return found.group(0)


@contextmanager
def smtp_sink():
    sink = Sink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
