"""Websocket authentication that costs nothing until a consumer asks who is there.

Channels' `AuthMiddlewareStack` loads the session and the user in the process's single
database thread *before* the handshake completes, once per connection: in a join burst (a
room filling up after the QR code goes on the wall) that queue made handshakes wait seconds
and some timed out. Here `scope["user"]` is a lazy object, loaded on first use by the
consumer in its own database hop (the live room identifies the person there anyway), and an
anonymous participant's session that names no user costs no user query at all.
"""

from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware, SessionMiddleware
from django.contrib import auth
from django.utils.functional import SimpleLazyObject


class _SessionHolder:
    """What django.contrib.auth.get_user needs of a request: its session."""

    def __init__(self, session):
        self.session = session


class LazyAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        if "session" not in scope:
            raise ValueError("LazyAuthMiddleware needs SessionMiddleware above it.")
        if "user" not in scope:
            session = scope["session"]
            # Evaluated in synchronous code only (the consumers' database hops).
            scope["user"] = SimpleLazyObject(lambda: auth.get_user(_SessionHolder(session)))
        return await super().__call__(scope, receive, send)


def LazyAuthMiddlewareStack(inner):
    return CookieMiddleware(SessionMiddleware(LazyAuthMiddleware(inner)))
