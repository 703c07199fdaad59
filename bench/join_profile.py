#!/usr/bin/env python
"""Where a join's time goes: the live room's per-join database work, step by step.

Runs, in this process and one join after the other, what `LiveRoomConsumer.connect` does for
a participant of the newest live session of the database (as `bench/join_storm.py` leaves
it): load the Django session, identify (live session, user, participant), write the presence
row, read the journal's last seq, build the snapshot part by part; then the same join the way
the consumer does it now (one hop: identify, last seq, the person's own snapshot piece; the
shared piece built once per seq, `agora.snapshot.build_shared`; the presence row batched by
the hub). Prints the mean time and the number of queries of
each step. A script, not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<join_storm's database> SECRET_KEY=x \
        .venv/bin/python bench/join_profile.py -n 100
"""

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib import auth  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agora import permissions, registry, selectors, services, snapshot  # noqa: E402
from agora.models import LiveSession  # noqa: E402
from manifesto.models import Manifesto  # noqa: E402


class _Holder:
    def __init__(self, session):
        self.session = session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=100, help="joins to time (default 100)")
    args = parser.parse_args()
    live = LiveSession.objects.order_by("-pk").first()
    keys = [k for k in Session.objects.order_by("-expire_date").values_list("session_key", flat=True)[: args.n]]
    times, queries = defaultdict(float), defaultdict(int)

    def step(name, fn):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = fn()
            times[name] += time.perf_counter() - started
        queries[name] += len(ctx.captured_queries)
        return result

    for key in keys:
        with transaction.atomic():
            store = SessionStore(key)
            step("django session", lambda: store.get("_"))
            session = step("live session", lambda: LiveSession.objects.select_related("agora", "agora__manifesto")
                           .get(pk=live.pk))
            user = step("user (lazy)", lambda: auth.get_user(_Holder(store)))
            is_fac = step("is_facilitator", lambda: permissions.is_facilitator(user, session.agora))
            participant = step("participant", lambda: selectors.current_participant(store, session))
            step("presence row", lambda: services.connection_opened(session=session, participant=participant,
                                                                   user=user, key=os.urandom(8).hex()))
            step("last seq", lambda: Manifesto.objects.values_list("last_seq", flat=True).get(pk=session.agora.manifesto_id))
            step("snapshot: refresh session", lambda: session.refresh_from_db())
            step("snapshot: session part",
                 lambda: snapshot.session_part(session, participant=participant, is_facilitator=is_fac))
            for name, part in registry.snapshot_parts().items():
                step(f"snapshot: {name}", lambda: part(session, participant=participant, is_facilitator=is_fac))
            step("combine (event loop)", lambda: None)
            transaction.set_rollback(True)
    old_total = sum(times.values()) / len(keys) * 1000
    print(f"per join, before (mean of {len(keys)}; {sum(queries.values()) / len(keys):.0f} queries, {old_total:.1f} ms):")
    for name in times:
        print(f"  {name:<28} {times[name] / len(keys) * 1000:7.2f} ms  {queries[name] / len(keys):5.1f} queries")

    # Now: the shared piece is built once per seq and reused; each joiner adds its own piece.
    times.clear(), queries.clear()
    shared = {}
    for key in keys:
        with transaction.atomic():
            store = SessionStore(key)
            step("django session", lambda: store.get("_"))
            user = step("user (lazy)", lambda: auth.get_user(_Holder(store)))
            participant = step("participant", lambda: selectors.participant_in_session(store, live.pk))
            seq = step("last seq", lambda: Manifesto.objects.values_list("last_seq", flat=True)
                       .get(pk=live.agora.manifesto_id))
            if seq not in shared:
                shared[seq] = step("shared piece (once per seq)", lambda: snapshot.build_shared(live.pk))
            personal = step("own piece", lambda: snapshot.fetch_personal(live.pk, participant=participant,
                                                                        is_facilitator=False))
            step("combine (event loop)", lambda: snapshot.combine(shared[seq], personal, participant=participant,
                                                                 is_facilitator=False))
            transaction.set_rollback(True)
    new_total = sum(times.values()) / len(keys) * 1000
    print(f"per join, now (mean of {len(keys)}; {sum(queries.values()) / len(keys):.1f} queries, {new_total:.1f} ms; "
          "the presence row is written in the hub's batch, once a tick):")
    for name in times:
        print(f"  {name:<28} {times[name] / len(keys) * 1000:7.2f} ms  {queries[name] / len(keys):5.1f} queries")


if __name__ == "__main__":
    main()
