"""Coalesced broadcasts of the live counter.

A burst of confirmations must not become a burst of group messages (each one costs every
watcher a frame): the first change in a process arms a short timer, and when it fires the
count is read fresh and sent once. A change committed after the count was read arms a new
timer, so the last broadcast always carries the final count.
"""

import logging
import threading

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import connections

from manifesto.signatures import selectors

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_armed: set[int] = set()


def count_changed(manifesto_id: int) -> None:
    """Call after commit: broadcast the fresh count now, or soon, coalescing with other changes."""
    delay = settings.SIGNATURE_COUNTER_COALESCE_MS / 1000
    # The in-memory layer's queues belong to the server's event loop and cannot be fed from a
    # timer thread; it serves one process, where broadcasting at once is what we can do.
    if delay <= 0 or isinstance(get_channel_layer(), InMemoryChannelLayer):
        selectors.broadcast_count(manifesto_id)
        return
    with _lock:
        if manifesto_id in _armed:
            return
        _armed.add(manifesto_id)
    timer = threading.Timer(delay, _fire, args=(manifesto_id,))
    timer.daemon = True
    timer.start()


def _fire(manifesto_id: int) -> None:
    with _lock:
        _armed.discard(manifesto_id)  # before counting: a later commit arms a new timer
    try:
        selectors.broadcast_count(manifesto_id)
    except Exception:  # a lost broadcast is corrected by the next one, or by the page's fetch on reconnect
        logger.exception("signature counter broadcast failed for manifesto %s", manifesto_id)
    finally:
        connections.close_all()
