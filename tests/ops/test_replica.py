"""Reads from a replica (config/db_router.py; docs/operations.md, "Beyond one machine").

The router's rules are tested in the test process; then a real daphne serves a primary and a
"replica" that is a second database holding a different text (a streaming replica cannot run
here): what each request shows tells which database it read.
"""

import asyncio
import json
import re
import subprocess
import sys
import threading
import time

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.test import RequestFactory

from agora.models import Agora
from config import db_router
from config.db_router import REPLICA, PrimaryReplicaRouter, ReplicaReadsMiddleware, replica_reads
from manifesto.models import Event, Manifesto, Signature
from tests.server import (
    DATABASES,
    ROOT,
    Browser,
    daphne,
    live_server_env,
    on_production_shape,
    prepare_database,
    server_env,
    server_query,
)

router = PrimaryReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """As if DATABASE_REPLICA_URL named another database (the test run's settings have none)."""
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)
    monkeypatch.setattr(db_router, "replica_available", lambda: True)


# --- The router -------------------------------------------------------------------------------


def test_reads_outside_the_scope_go_to_the_primary(with_replica):
    assert router.db_for_read(Manifesto) == DEFAULT_DB_ALIAS


def test_reads_of_the_reading_apps_inside_the_scope_go_to_the_replica(with_replica):
    with replica_reads():
        assert [router.db_for_read(model) for model in (Manifesto, Event, Agora)] == [REPLICA] * 3
    assert router.db_for_read(Manifesto) == DEFAULT_DB_ALIAS  # the scope ended with the block


def test_people_and_sessions_are_read_from_the_primary_even_inside_the_scope(with_replica):
    with replica_reads():
        assert router.db_for_read(get_user_model()) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS


def test_writes_inside_the_scope_go_to_the_primary_even_for_an_object_read_from_the_replica(with_replica):
    signature = Signature()
    signature._state.db = REPLICA
    with replica_reads():
        assert router.db_for_write(Signature, instance=signature) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Signature) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary(with_replica):
    # pytest-django's `db` runs the test in a transaction on the primary, as a service would.
    assert connections[DEFAULT_DB_ALIAS].in_atomic_block
    with replica_reads():
        assert router.db_for_read(Manifesto) == DEFAULT_DB_ALIAS


def test_objects_of_both_databases_may_be_related():
    primary, replica = Manifesto(), Agora()
    primary._state.db, replica._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert router.allow_relation(primary, replica) is True
    assert router.allow_relation(replica, replica) is True


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "manifesto") is True
    assert router.allow_migrate(REPLICA, "manifesto") is False


@pytest.fixture
def without_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replica_configured", lambda: False)


def test_without_a_replica_the_scope_reads_the_primary(without_replica):
    with replica_reads():
        assert router.db_for_read(Manifesto) == DEFAULT_DB_ALIAS


class FakeConnections:
    """Two aliases whose settings are given (only what replica_available() reads)."""

    def __init__(self, primary: dict, replica: dict):
        self.settings = {DEFAULT_DB_ALIAS: primary, REPLICA: replica}

    def __getitem__(self, alias):
        return type("Connection", (), {"settings_dict": self.settings[alias]})()


def test_a_replica_that_is_the_primary_database_itself_is_not_used(monkeypatch):
    """Django's test runner points the replica at the test database (TEST MIRROR): a second
    connection to it would not see the test's transaction."""
    primary = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    monkeypatch.setattr(db_router, "connections", FakeConnections(primary, primary))
    assert db_router.replica_configured() and not db_router.replica_available()
    monkeypatch.setattr(db_router, "connections", FakeConnections(primary, {**primary, "NAME": "another"}))
    assert db_router.replica_available()


def test_the_scope_is_its_own_requests_only_across_threads_and_tasks():
    seen = {}

    def in_other_thread():
        seen["thread"] = db_router.in_replica_scope()

    async def scoped():
        with replica_reads():
            seen["task"] = await asyncio.create_task(asyncio.sleep(0, db_router.in_replica_scope()))
            seen["sync_to_async"] = await sync_to_async(db_router.in_replica_scope)()
            other = threading.Thread(target=in_other_thread)
            other.start()
            other.join()
        seen["after"] = db_router.in_replica_scope()

    asyncio.run(scoped())
    assert seen == {"task": True, "sync_to_async": True, "thread": False, "after": False}


# --- The middleware: which requests enter the scope, and the sticky cookie ---------------------


def run_middleware(request, status=200):
    seen = {}

    def view(request):
        seen["scoped"] = db_router.in_replica_scope()
        return HttpResponse(status=status)

    response = ReplicaReadsMiddleware(view)(request)
    return seen["scoped"], response


@pytest.mark.parametrize("path", [
    "/manifeste/texte/", "/manifeste/texte/historique/", "/manifeste/texte/article/3/",
    "/manifeste/texte/article/3/origine/", "/manifeste/texte/versions/", "/manifeste/texte/versions/comparer/",
    "/manifeste/texte/versions/2/", "/manifeste/texte/versions/2/texte.txt", "/signer/texte/signataires/",
    "/manifeste/texte/contributions/", "/api/v1/", "/api/v1/manifestes/texte/amendements/",
])
def test_a_get_of_a_reading_route_reads_from_the_replica(with_replica, path):
    assert run_middleware(RequestFactory().get(path))[0] is True


@pytest.mark.parametrize("path", [
    "/", "/signer/texte/", "/manifeste/texte/modifier/", "/signer/texte/organiser/", "/agoras/",
    "/manifeste/texte/contributions/4/", "/no/such/page/",
])
def test_other_pages_read_from_the_primary(with_replica, path):
    assert run_middleware(RequestFactory().get(path))[0] is False


def test_a_post_reads_the_primary_and_makes_that_browser_read_the_primary_for_a_while(with_replica, settings):
    settings.REPLICA_STICKY_SECONDS = 5
    before = time.time()
    scoped, response = run_middleware(RequestFactory().post("/manifeste/texte/"))
    assert scoped is False
    cookie = response.cookies[db_router.STICKY_COOKIE]
    assert cookie["max-age"] == 6 and cookie["httponly"] and cookie["samesite"] == "Lax"  # the value decides
    assert before + 5 - 0.001 <= float(cookie.value) <= time.time() + 5 + 0.001  # written to the millisecond

    factory = RequestFactory()
    factory.cookies[db_router.STICKY_COOKIE] = cookie.value
    assert run_middleware(factory.get("/manifeste/texte/"))[0] is False


# Fixed ids (xdist's workers must collect the same tests); the expired time is made in the test.
@pytest.mark.parametrize("value", ["expired", "not-a-time", ""])
def test_an_expired_or_unreadable_sticky_cookie_reads_the_replica_again(with_replica, value):
    factory = RequestFactory()
    factory.cookies[db_router.STICKY_COOKIE] = f"{time.time() - 1:.3f}" if value == "expired" else value
    assert run_middleware(factory.get("/manifeste/texte/"))[0] is True


def test_a_refused_post_or_a_zero_window_sets_no_cookie(with_replica, settings):
    settings.REPLICA_STICKY_SECONDS = 5
    assert db_router.STICKY_COOKIE not in run_middleware(RequestFactory().post("/signer/texte/"), status=403)[1].cookies
    settings.REPLICA_STICKY_SECONDS = 0
    assert db_router.STICKY_COOKIE not in run_middleware(RequestFactory().post("/signer/texte/"))[1].cookies


def test_without_a_replica_nothing_changes(without_replica, settings):
    settings.REPLICA_STICKY_SECONDS = 5
    scoped, response = run_middleware(RequestFactory().post("/manifeste/texte/"))
    assert scoped is False and db_router.STICKY_COOKIE not in response.cookies
    assert run_middleware(RequestFactory().get("/manifeste/texte/"))[0] is False


# --- Settings -----------------------------------------------------------------------------------

SHOW = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.DATABASES))"


def databases(**env: str) -> dict:
    environment = server_env(DJANGO_SETTINGS_MODULE="config.settings", **env)
    result = subprocess.run([sys.executable, "-c", SHOW], env=environment, cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_replica_alias_has_the_primary_pool_and_mirrors_it_in_tests():
    found = databases(DATABASE_URL="postgres://postgres@127.0.0.1:5432/primary",
                      DATABASE_REPLICA_URL="postgres://reader@replica.example:5432/primary", DB_POOL_SIZE="6")
    replica = found["replica"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == ("replica.example", "reader", "primary")
    assert replica["TEST"]["MIRROR"] == "default"
    pool = {"min_size": 1, "max_size": 6, "timeout": 10}
    assert replica["OPTIONS"]["pool"] == found["default"]["OPTIONS"]["pool"] == pool
    assert replica["CONN_HEALTH_CHECKS"] is True


def test_no_replica_alias_without_the_variable():
    found = databases(DATABASE_URL="postgres://postgres@127.0.0.1:5432/primary", DATABASE_REPLICA_URL="")
    assert set(found) == {"default"}


def test_server_side_cursors_can_be_turned_off_for_pgbouncer_in_transaction_mode():
    urls = {"DATABASE_URL": "postgres://postgres@127.0.0.1:6432/primary",
            "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.1:6432/replica"}
    assert {db["DISABLE_SERVER_SIDE_CURSORS"] for db in databases(**urls).values()} == {False}
    turned_off = databases(DB_SERVER_SIDE_CURSORS="0", **urls)
    assert {db["DISABLE_SERVER_SIDE_CURSORS"] for db in turned_off.values()} == {True}


def test_a_malformed_replica_url_stops_the_start_with_a_sentence():
    environment = server_env(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_REPLICA_URL="mysql://x/y")
    result = subprocess.run([sys.executable, "-c", SHOW], env=environment, cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0 and "DATABASE_REPLICA_URL must be a URL starting with" in result.stderr


# --- A real server over two databases -----------------------------------------------------------

MARK = "REPLIQUE-7F3"
DECLARATION = "declaration-adoptee"  # the demo's adopted declaration, open to signature
COLLECTIVE = "manifeste-collectif"
DEMO_PASSWORD = "demo-coecrire"


@pytest.fixture
def primary_and_replica(tmp_path):
    """(server env, primary env, replica env): the demo loaded in both, the replica's titles marked.

    On the production shape each is a fresh PostgreSQL database; otherwise two SQLite files."""
    env = live_server_env(SQLITE_PATH=str(tmp_path / "primary.sqlite3"))
    replica_url = DATABASES.fresh() if on_production_shape(env) else f"sqlite:///{tmp_path / 'replica.sqlite3'}"
    replica_env = {**env, "DATABASE_URL": replica_url}
    prepare_database(env)
    prepare_database(replica_env)
    server_query(replica_env, "UPDATE manifesto_manifesto SET title = title || %s RETURNING id", [f" {MARK}"])
    server_query(replica_env, "UPDATE agora_agora SET title = title || %s RETURNING id", [f" {MARK}"])
    return {**env, "DATABASE_REPLICA_URL": replica_url}, env, replica_env


def count(env: dict, table: str) -> int:
    return server_query(env, f"SELECT count(*) FROM {table}")[0][0]


@pytest.mark.server
def test_reading_pages_read_the_replica_and_everything_else_the_primary(primary_and_replica):
    server, primary, replica = primary_and_replica
    with daphne(server) as base:
        visitor = Browser(base)
        for path in (f"/manifeste/{DECLARATION}/", f"/manifeste/{DECLARATION}/historique/",
                     f"/manifeste/{DECLARATION}/versions/", f"/signer/{DECLARATION}/signataires/",
                     f"/manifeste/{COLLECTIVE}/contributions/"):
            assert MARK in visitor.get(path)[1], f"{path} was not read from the replica"
        detail = json.loads(visitor.get(f"/api/v1/manifestes/{DECLARATION}/")[1])
        assert detail["title"].endswith(MARK)
        listed = json.loads(visitor.get("/api/v1/manifestes/")[1])["results"]
        assert listed and all(item["title"].endswith(MARK) for item in listed)
        # Pages outside the scope read the primary: the signing form, the home page.
        sign_page = visitor.get(f"/signer/{DECLARATION}/")[1]
        assert MARK not in sign_page and "Déclaration" in sign_page
        assert MARK not in visitor.get("/")[1]

        # Signing writes to the primary only; then this browser reads the primary for
        # REPLICA_STICKY_SECONDS (5), and the replica again after that.
        signatures = count(primary, "manifesto_signature"), count(replica, "manifesto_signature")
        posted = time.monotonic()
        url, _ = visitor.post(f"/signer/{DECLARATION}/", {
            "kind": "person", "first_name": "Camille", "last_name": "Martin", "territory": "35",
            "email": "camille@example.org", "consent_public": "on",
        })
        assert url.endswith("/merci/")
        # Read at once: the window is short, and counting rows below starts Python twice.
        assert MARK not in visitor.get(f"/signer/{DECLARATION}/signataires/")[1], "a signer's next read was stale"
        # The reading page a visitor gets from the page cache: its key and its page come from one
        # database, so the replica's page (cached above) is not served as the primary's.
        assert MARK not in visitor.get(f"/manifeste/{DECLARATION}/")[1], "the page cache served the replica's page"
        assert (count(primary, "manifesto_signature"), count(replica, "manifesto_signature")) == (
            signatures[0] + 1, signatures[1])
        deadline = posted + 30
        while MARK not in visitor.get(f"/signer/{DECLARATION}/signataires/")[1]:
            assert time.monotonic() < deadline, "reads never came back to the replica"
            time.sleep(0.2)
        assert time.monotonic() - posted >= 5, "the browser left the primary before its window ended"
        assert MARK in Browser(base).get(f"/signer/{DECLARATION}/signataires/")[1]

        # A logged-in facilitator opens a session (a journaled write): on the primary only, and
        # their next reading page comes from the primary.
        events = count(primary, "manifesto_event"), count(replica, "manifesto_event")
        facilitator = Browser(base)
        facilitator.login("animateur", DEMO_PASSWORD)
        url, _ = facilitator.post("/agoras/agora-lille/ouvrir/", {})
        session_id = int(re.search(r"/seance/(\d+)/animer/", url).group(1))
        page = facilitator.get("/manifeste/manifeste-ess/")[1]
        assert MARK not in page and "/deconnexion/" in page
        assert count(primary, "manifesto_event") > events[0] and count(replica, "manifesto_event") == events[1]
        assert server_query(replica, "SELECT count(*) FROM agora_livesession WHERE id = %s", [session_id]) == [[0]]

        # The live room reads and writes the primary: its session exists there only, and the
        # snapshot shows the primary's agora title; a command's event is journaled there.
        async def live_room():
            async with websockets.connect(base.replace("http", "ws") + f"/ws/live/{session_id}/", origin=base,
                                          additional_headers={"Cookie": facilitator.cookie_header()}) as ws:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
                while frame["type"] != "snapshot":
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
                before = count(primary, "manifesto_event")
                await ws.send(json.dumps({"type": "session.set_phase", "id": "p1", "data": {"phase": "proposals"}}))
                reply = json.loads(await asyncio.wait_for(ws.recv(), 20))
                while reply.get("in_reply_to") != "p1":
                    reply = json.loads(await asyncio.wait_for(ws.recv(), 20))
                return frame, reply, before

        snapshot, reply, before = asyncio.run(live_room())
        assert snapshot["data"]["session"]["id"] == session_id
        assert snapshot["data"]["session"]["agora"]["title"] == "Agora de Lille"
        assert reply["type"] == "ack"
        assert count(primary, "manifesto_event") == before + 1
        assert count(replica, "manifesto_event") == events[1]
