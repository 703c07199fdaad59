"""Hostile input on every route and every form: never a 5xx; a refusal is a 4xx that says why, and
changes nothing.

Two walks, as an anonymous visitor, a participant of a live session and an organiser (also on the
editorial collective, so the desk's forms are reached):

- every route of the URLconf, with each of its path values replaced by what its converter lets
  through and no page expects (ids past the database's integers, a slug of 300 characters, a
  token of control characters), by GET, POST and a method nobody uses;
- every form found on the pages these people see (`<form>` in the HTML, GET and POST alike),
  posted back by Hypothesis with each field kept, dropped, repeated, or replaced by a hostile
  value (huge and negative integers, digits of other scripts, overlong text, NUL and invalid
  UTF-8 bytes), sometimes by the wrong method.

A response is tolerated (2xx, 3xx: the value was harmless, or refused with a message after a
redirect) or refused: a 4xx with a sentence where a person reads it (an alert, an error list, a
message, the JSON `message`, a text body), and the rows of the main models unchanged. Hypothesis
is derandomized with a bounded number of examples, so a run is the same on every machine.
"""

import re
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora import services as agora_services
from agora.models import Phase
from deliberation import services as deliberation_services
from deliberation.adoption import services as adoption_services
from deliberation.contributions import services as contribution_services
from deliberation.contributions.permissions import ContributionActor
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto.signatures import services as signature_services
from tests.adoption.conftest import ROLL, rules
from tests.factories import make_agora, make_user
from tests.security.test_access_matrix import PROBES, Route, client_for, kwargs_for, named_routes

ROLES = ("anonymous", "participant", "organiser")
ROUTES = sorted(
    (name, route) for name, route in named_routes() if not name.startswith("admin") and name not in PROBES | {"set_language"}
)
# Answers that are files, not pages: their path values are walked, but they hold no form, and
# building them (PDF, ODT) is slow.
# Forms that would end a persona (log out, delete the account, change its password, erase the
# participant): tested on their own; here they would only leave the next examples anonymous.
KEEP_OUT = re.compile(r"^/(admin|deconnexion|compte)/|/effacer-mon-nom/")
FILES = re.compile(r"\.(pdf|odt|csv|ics|svg|json|md|txt|html)$")

HUGE = str(2**63)
HOSTILE_PATH = {
    "int": [HUGE, "9" * 40],
    "slug": ["-" + "x" * 299],
    "str": ["\x00\x01\x7f", "é" * 600],
    "path": ["\x00/" + "x" * 300],
}
HOSTILE_VALUES = [
    HUGE,
    "-" + HUGE,
    "9" * 60,
    "-1",
    "0",
    "²",
    "١٢",
    "1e308",
    "NaN",
    "",
    " ",
    "x" * 20_000,
    "\x00",
    "a\x00b",
    b"\xff\xfe\x00",
    "=cmd|'/c calc'!A1",
    "2026-13-45T25:61",
    "pour,contre",
]
# The main models: a refused request changes none of their counts.
COUNTED = [
    "manifesto.Manifesto", "manifesto.Section", "manifesto.Clause", "manifesto.ManifestoVersion", "manifesto.Signature",
    "manifesto.SignatureCampaign", "manifesto.Stage", "manifesto.Event", "agora.Agora", "agora.LiveSession",
    "agora.Participant", "agora.Registration", "deliberation.Amendment", "deliberation.Support", "deliberation.Comment",
    "deliberation.Contribution", "deliberation.ContributionSupport", "deliberation.ContributionComment",
    "deliberation.AdoptionVote", "deliberation.Voter", "auth.User",
]
SENTENCE = re.compile(r"\w[\w’'«»,;:()/\- ]*?\w\s*[.!?»)]", re.UNICODE)
TAG = re.compile(r"<[^>]+>")
# Where a page tells a person why it refused: an alert, an error list, the flashed messages.
REASON_SPOTS = re.compile(
    r"<(?P<tag>p|div|ul|li|section|span)\b[^>]*(?:role=\"alert\"|class=\"[^\"]*(?:error|messages)[^\"]*\")[^>]*>(?P<body>.*?)</(?P=tag)>",
    re.DOTALL,
)


@dataclass(frozen=True)
class Form:
    role: str
    method: str
    action: str
    multipart: bool
    fields: tuple  # ((name, value), ...) as the page filled them
    files: frozenset = frozenset()  # the names of its file inputs


class FormFinder(HTMLParser):
    """Every <form> of a page with the fields a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {"method": (attrs.get("method") or "get").upper(), "action": attrs.get("action"),
                             "multipart": "multipart" in (attrs.get("enctype") or ""), "fields": [], "files": set()}
        elif self._current is not None and tag in {"input", "select", "textarea", "button"} and attrs.get("name"):
            kind = attrs.get("type", "")
            if kind == "file":
                self._current["files"].add(attrs["name"])
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                self._current.setdefault("unchecked", []).append((attrs["name"], attrs.get("value", "on")))
                return
            self._current["fields"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


@pytest.fixture
def world(manifesto, organiser, clause, settings):
    """Something of every kind to point forms at: an agora with a live session and a participant,
    an amendment, a contribution, a signature campaign and an adoption vote in preparation. The
    organiser also sits on the editorial collective; another agora has a facilitator of its own."""
    settings.SIGNATURE_RATE_LIMIT = 10**6
    settings.SIGNATURE_RATE_ALLOWLIST = []
    settings.LIVE_COMMANDS_PER_SECOND = 10**6
    facilitator, other, member = make_user("animatrice-hostile"), make_user("animateur-ailleurs"), make_user("redaction-hostile")
    manifesto.collective.add(member, organiser)
    agora = make_agora(manifesto=manifesto, facilitators=[facilitator, organiser], title="Agora hostile")
    make_agora(manifesto=manifesto, facilitators=[other], title="Agora d'ailleurs")
    session = agora_services.open_session(actor=facilitator, agora=agora)
    session = agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
    participant = agora_services.join(session=session, display_name="Nadia")
    amendment = deliberation_services.propose_amendment(
        actor=Actor(participant=participant), session=session, kind="modify", clause=clause, text="Autre rédaction."
    )
    contribution = contribution_services.post_contribution(
        actor=ContributionActor(participant=participant), manifesto=manifesto, title="Une idée",
        text="Développons les coopératives.", section=clause.section,
    )
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Version hostile")
    signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=10)
    vote = adoption_services.create_vote(actor=organiser, manifesto=manifesto, version=version, rules=rules())
    adoption_services.import_roll(actor=organiser, vote=vote, csv_text=ROLL)
    return {
        "manifesto": manifesto, "agora": agora, "session": session, "participant": participant,
        "amendment": amendment, "clause": clause, "member": member, "organiser": organiser, "vote": vote,
        "contribution": contribution,
        "users": {"other_facilitator": other, "facilitator": facilitator, "collective": member, "organiser": organiser},
    }


def valid_kwargs(name: str, route: Route, world) -> dict:
    values = kwargs_for(name, route, world)
    if name.startswith(("adoption:", "publishing:vote")) and "pk" in values:
        values["pk"] = world["vote"].pk
    if name.startswith("contributions:") and "number" in values:
        values["number"] = world["contribution"].number
    if "manifesto_slug" in route.keys:
        values["manifesto_slug"] = world["manifesto"].slug
    return values


def clients(world) -> dict:
    found = {}
    for role in ROLES:
        if role == "organiser":
            client = Client()
            client.force_login(world["organiser"])
        else:
            client = client_for(role, world)
        found[role] = client
    return found


def counts() -> tuple:
    """The row count of each main model, in one query (it runs around every request)."""
    tables = [connection.ops.quote_name(apps.get_model(label)._meta.db_table) for label in COUNTED]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {table})" for table in tables))
        return tuple(cursor.fetchone())


def reason_given(response) -> bool:
    """A refusal says why, where a person reads it."""
    kind = response.get("Content-Type", "")
    body = response.content.decode("utf-8", errors="replace")
    if "json" in kind:
        data = response.json()
        # The open API says {"error": sentence}; the desk's JSON {"error": code, "message": sentence}.
        return any(SENTENCE.search(str(data.get(key, ""))) for key in ("message", "error"))
    if "html" not in kind:
        return bool(SENTENCE.search(body))
    return any(SENTENCE.search(TAG.sub(" ", spot.group("body"))) for spot in REASON_SPOTS.finditer(body))


def problem(response, before: tuple) -> str | None:
    """What is wrong with this answer to a hostile request, if anything."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status >= 400 and not reason_given(response):
        return f"{status} without a sentence"
    if status >= 400 and counts() != before:
        return f"{status} but rows changed"
    return None


def send(client, method: str, url: str, fields, *, form: Form | None = None):
    """`fields`: [(name, str | bytes), ...], names repeated as a browser repeats them; a form's
    file inputs go as uploaded files."""
    if method == "GET":
        query = urllib.parse.urlencode(fields, doseq=True)
        return client.get(url.split("?")[0] + ("?" + query if query else ""))
    if form is not None and form.multipart and method == "POST":
        data = {}
        for name, value in fields:
            raw = value if isinstance(value, bytes) else value.encode()
            item = SimpleUploadedFile("liste.csv", raw, "text/csv") if name in form.files else raw.decode("latin-1")
            data.setdefault(name, []).append(item)
        return client.post(url, data)
    body = urllib.parse.urlencode(fields, doseq=True)
    return client.generic(method, url, body, content_type="application/x-www-form-urlencoded")


def hostile_path_values(route: Route, values: dict):
    """For each path value in turn: the hostile values its converter lets through."""
    converters = dict(zip(route.keys, _converter_names(route)))
    for key, converter in converters.items():
        for hostile in HOSTILE_PATH.get(converter, []):
            yield key, {**values, key: hostile}


def _converter_names(route: Route) -> list[str]:
    names = re.findall(r"<(?:(\w+):)?\w+>", route.pattern)
    # The include's prefixes (<slug:slug>/ before the app's own patterns) come first in keys.
    return ["slug"] * (len(route.keys) - len(names)) + [name or "str" for name in names]


def test_every_route_refuses_hostile_path_values_with_a_sentence(world):
    people = clients(world)
    wrong = []

    def request(role, method, url, what):
        before = counts()
        found = problem(send(people[role], method, url, [("text", "x")]), before)
        if found:
            wrong.append((*what, role, method, found))

    for name, route in ROUTES:
        values = valid_kwargs(name, route, world)
        # A method no form uses, on the real address.
        request("organiser", "PATCH", reverse(name, kwargs=values), (name, "-"))
        for key, hostile in hostile_path_values(route, values):
            url = reverse(name, kwargs=hostile)
            request("anonymous", "GET", url, (name, key))
            request("organiser", "GET", url, (name, key))
            request("organiser", "POST", url, (name, key))
    assert wrong == [], "\n".join(map(str, wrong))


def discovered_forms(world, people) -> list[Form]:
    forms = {}
    for name, route in ROUTES:
        if FILES.search(route.pattern):
            continue
        url = reverse(name, kwargs=valid_kwargs(name, route, world))
        for role, client in people.items():
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            finder = FormFinder()
            finder.feed(response.content.decode())
            for found in finder.forms:
                action = found["action"] or url
                if not action.startswith("/") or KEEP_OUT.search(action):
                    continue
                fields = tuple(found["fields"]) + tuple(found.get("unchecked", []))
                key = (role, found["method"], action.split("?")[0], tuple(sorted({n for n, _v in fields})))
                forms.setdefault(key, Form(role, found["method"], action, found["multipart"], fields, frozenset(found["files"])))
    return sorted(forms.values(), key=lambda form: (form.role, form.action, form.method, form.fields))


# Each kind of hostility put in every field of every form at once, by the form's own method.
SWEEP = {
    "past the database's integers": lambda i: HUGE if i % 2 else "-" + HUGE,
    "digits int() refuses or reads": lambda i: "²" if i % 2 else "١٢",
    "past the csv module's cell limit": lambda i: "x" * 200_000,
    "NUL and invalid UTF-8": lambda i: "a\x00b" if i % 2 else b"\xff\xfe\x00",
    "missing": lambda i: None,
    "repeated": lambda i: ...,
}


def swept(form: Form, kind: str) -> list:
    fields = []
    for i, (name, value) in enumerate(form.fields):
        hostile = SWEEP[kind](i)
        if name == "csrfmiddlewaretoken" or (hostile is None and kind != "missing"):
            fields.append((name, value))
        elif hostile is ...:
            fields += [(name, value), (name, value + "1")]
        elif hostile is not None:
            fields.append((name, hostile))
    return fields


@st.composite
def hostile_submission(draw, forms: list[Form]):
    """A form, each field kept, dropped, repeated or hostile, sometimes sent by the wrong method."""
    form = draw(st.sampled_from(forms))
    fields = []
    for name, value in form.fields:
        choice = "keep" if name == "csrfmiddlewaretoken" else draw(st.sampled_from(["keep", "hostile", "hostile", "drop", "repeat"]))
        if choice == "keep":
            fields.append((name, value))
        elif choice == "hostile":
            fields.append((name, draw(st.sampled_from(HOSTILE_VALUES) | st.text(max_size=40))))
        elif choice == "repeat":
            fields += [(name, value), (name, draw(st.sampled_from(HOSTILE_VALUES)))]
    method = draw(st.sampled_from([form.method] * 5 + ["PUT", "GET" if form.method == "POST" else "POST"]))
    return form, method, fields


def test_every_form_refuses_hostile_values_with_a_sentence_and_changes_nothing(world):
    people = clients(world)
    forms = discovered_forms(world, people)
    assert len(forms) > 80, "the walk should find the forms of every page"
    wrong = []
    for form in forms:
        for kind in SWEEP:
            before = counts()
            try:
                found = problem(send(people[form.role], form.method, form.action, swept(form, kind), form=form), before)
            except Exception as error:  # the test client re-raises what the view raised: a 500
                found = f"500: {error!r}"[:200]
            if found:
                wrong.append((form.role, form.method, form.action, kind, found))
    assert wrong == [], "\n".join(map(str, wrong))

    @settings(max_examples=150, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(hostile_submission(forms))
    def mixed(submission):
        form, method, fields = submission
        before = counts()
        found = problem(send(people[form.role], method, form.action, fields, form=form), before)
        assert found is None, (found, form.role, method, form.action, [(name, str(value)[:40]) for name, value in fields])

    mixed()
