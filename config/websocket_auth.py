"""Websocket authentication that costs nothing until a consumer asks who is there.

Channels' `AuthMiddlewareStack` loads the session and the user in the process's single
database thread *before* the handshake completes, once per connection: in a join burst (a
room filling up after the QR code goes on the wall) that queue made handshakes wait seconds
and some timed out. Here `scope["user"]` is a lazy object, loaded on first use by the
consumer in its own database hop (the live room identifies the person there anyway), and an
anonymous participant's session that names no user costs no user query at all.
"""

from importlib import import_module

from channels.middleware import BaseMiddleware
from channels.sessions import CookieMiddleware
from django.conf import settings
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


class WebsocketSessionMiddleware:
    """The Django session in scope["session"], loaded on first use, for websockets only.

    Channels' SessionMiddleware wraps `send` to save a modified session on an HTTP response;
    a websocket never sends one, yet every frame of a broadcast went through that wrapper
    (thousands a second in a storm), and the wrapper hid daphne's own send, which the live
    room's hub calls directly (agora.hub). Nothing is saved here: the live room never changes
    the session (joining a session is an HTTP form, which has Django's own middleware).
    """

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        if "session" not in scope:
            if "cookies" not in scope:
                raise ValueError("WebsocketSessionMiddleware needs CookieMiddleware above it.")
            store = import_module(settings.SESSION_ENGINE).SessionStore
            # SessionStore(key) reads nothing until first used (in a consumer's database hop).
            scope = {**scope, "session": store(scope["cookies"].get(settings.SESSION_COOKIE_NAME))}
        return await self.inner(scope, receive, send)


def LazyAuthMiddlewareStack(inner):
    return CookieMiddleware(WebsocketSessionMiddleware(LazyAuthMiddleware(inner)))
