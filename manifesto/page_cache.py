"""Whole reading pages for visitors without a session, rendered once per journal seq.

A signing campaign that reaches the press sends its crowd to the reading page and to the
articles' pages: people with no account and no session. For them a page depends only on the
manifesto's state, and every change of that state is journalled, which moves the manifesto's
`last_seq` (one indexed query). So such a page is rendered once per (page, variant, seq,
language, time zone) and then served from Django's cache (Redis when `REDIS_URL` is set, else
the process's memory).

What differs between two such visitors is filled in on each request, never cached:
- the CSRF token of the page's forms (the language switcher): a placeholder in the cache,
  replaced by this request's token (which also sets the CSRF cookie, as rendering it would);
- the address the language switcher returns to (`next`), which may carry any query string.

Anyone with a session (signed in, a participant, a message waiting) gets the page rendered for
them, so login state, permissions and a person's own stance never come from this cache.

Two things change a page without a journal event, and are part of the key or its check:
- the signature count shown on the timeline (signing and closed campaigns): the cached count
  of manifesto.signatures.selectors.signature_count (a few seconds old at most);
- erasing a person's name (deliberation's erasure rewrites names in place): `forget()` bumps the
  manifesto's generation, and an entry rendered before that generation is a miss.
Entries also expire after PAGE_SECONDS, a bound for anything else outside the journal (an
administrator's edit in the admin site).
"""

import hashlib
import logging
import re
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from manifesto.models import Manifesto, ManifestoStatus

log = logging.getLogger(__name__)

PAGE_SECONDS = 300
_CSRF_PLACEHOLDER = "coecrire-csrf-placeholder"
_NEXT_PLACEHOLDER = "coecrire-next-placeholder"
_CSRF_INPUT = re.compile(r'(<input type="hidden" name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')


def _generation_key(manifesto_id: int) -> str:
    return f"page:generation:{int(manifesto_id)}"


def forget(manifesto_id: int) -> None:
    """Make every cached page of this manifesto a miss (a change that the journal does not record)."""
    cache.set(_generation_key(manifesto_id), time.time_ns(), None)


def _generation(manifesto_id: int, found) -> int:
    """The manifesto's current generation. A generation lost from the cache (evicted) is replaced
    by a new one, so entries stored under the lost one become misses, never stale pages."""
    generation = found
    if generation is None:
        cache.add(_generation_key(manifesto_id), time.time_ns(), None)
        generation = cache.get(_generation_key(manifesto_id))
    return generation


def is_public_request(request) -> bool:
    """A GET from someone with no session and no message waiting: the page is the same for all of them."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.user.is_authenticated
    )


def _next_field(value: str) -> str:
    return f'name="next" value="{value}"'


def _store_form(html: str, request) -> str:
    html = _CSRF_INPUT.sub(rf"\g<1>{_CSRF_PLACEHOLDER}\g<2>", html)
    return html.replace(_next_field(escape(request.get_full_path())), _next_field(_NEXT_PLACEHOLDER))


def _personalise(html: str, request) -> str:
    html = html.replace(_CSRF_PLACEHOLDER, get_token(request))
    return html.replace(_next_field(_NEXT_PLACEHOLDER), _next_field(escape(request.get_full_path())))


_STATE_SQL = "SELECT id, last_seq, status, created_at FROM {table} WHERE slug = %s"


def _state_of(slug: str) -> dict | None:
    """The manifesto's version key: one indexed query, written out because building it through the
    ORM costs more than running it, on the path every cached page takes. On the database the
    router reads Manifesto from (a replica, for a reading page): the key and the page it names
    must come from the same state, or a lagging replica's page would be kept under a newer seq."""
    connection = connections[router.db_for_read(Manifesto)]
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL.format(table=connection.ops.quote_name(Manifesto._meta.db_table)), [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(("pk", "last_seq", "status", "created_at"), row))


def _signature_count(state: dict) -> int | None:
    if state["status"] not in (ManifestoStatus.SIGNING, ManifestoStatus.CLOSED):
        return None
    from manifesto.signatures.selectors import signature_count

    return signature_count(state["pk"])


def page_key(name: str, state: dict, variant) -> str:
    parts = (
        name,
        state["pk"],
        str(state["created_at"]),  # a rebuilt database hands out the same ids again
        state["last_seq"],
        _signature_count(state),
        variant,
        get_language(),
        get_current_timezone_name(),
    )
    return "page:v1:" + hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def cached_for_visitors(name: str, variant: Callable):
    """Serve the view's page from the cache to public requests (is_public_request).

    `variant(request, **kwargs)` says which version of the page the address asks for (a
    hashable value), or None when the address is unusual (then the page is rendered, not cached).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, **kwargs):
            if not is_public_request(request):
                return view(request, slug, **kwargs)
            which = variant(request, **kwargs)
            state = _state_of(slug) if which is not None else None
            if state is None:  # an unusual address, or no such manifesto (the view answers 404)
                return view(request, slug, **kwargs)
            try:
                key = page_key(name, state, which)
                generation_key = _generation_key(state["pk"])
                found = cache.get_many([key, generation_key])
                generation = _generation(state["pk"], found.get(generation_key))
            except Exception:  # the cache is down (Redis): no worse than a person's page, which uses it too
                log.warning("page cache unavailable; rendering %s", name, exc_info=True)
                return view(request, slug, **kwargs)
            entry = found.get(key)
            if entry is not None and entry[0] == generation:
                response = HttpResponse(_personalise(entry[1], request))
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, slug, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                html = response.content.decode(response.charset)
                try:
                    cache.set(key, (generation, _store_form(html, request)), PAGE_SECONDS)
                except Exception:
                    log.warning("page cache unavailable; %s not stored", name, exc_info=True)
                response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator
