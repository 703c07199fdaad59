"""Every example of docs/api.md answers as written, on the known text the page describes."""

import json
import re
from pathlib import Path

import pytest
from django.core import mail

from agora import services as agora_services
from agora.models import Phase
from deliberation import services as deliberation_services
from deliberation.permissions import Actor
from manifesto import services as text_services
from manifesto.signatures import services as signature_services
from tests.factories import make_agora, make_manifesto, make_user
from tests.signatures.conftest import confirm_token, organisation, person

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```(http|json)\n(.*?)```", re.S)
ANY = "…"


def examples():
    """(request lines, expected JSON or None), in the order of the page."""
    found = []
    for kind, body in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        if kind == "http":
            found.append([body.strip().splitlines(), None])
        elif found and found[-1][1] is None:
            found[-1][1] = json.loads(body)
    return found


def contains(actual, expected, where="") -> list[str]:
    """Where `actual` differs from what the page says (placeholders and list prefixes allowed)."""
    if expected == ANY:
        return []
    if isinstance(expected, str) and expected.endswith(ANY) and isinstance(actual, str):
        return [] if actual.startswith(expected[:-1]) else [f"{where}: {actual!r} does not start with {expected[:-1]!r}"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: not an object"]
        return [p for key, value in expected.items() for p in
                ([f"{where}.{key}: missing"] if key not in actual else contains(actual[key], value, f"{where}.{key}"))]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) < len(expected):
            return [f"{where}: {actual!r} is not a list of at least {len(expected)}"]
        return [p for i, value in enumerate(expected) for p in contains(actual[i], value, f"{where}[{i}]")]
    return [] if actual == expected else [f"{where}: {actual!r} != {expected!r}"]


@pytest.fixture
def known_text(db, django_capture_on_commit_callbacks, settings):
    settings.SIGNATURE_RATE_LIMIT = 100000
    settings.SIGNATURE_COUNT_CACHE_SECONDS = 0
    # The page's examples come from a text with two signatures: groups of one, shown only with
    # MIN_PUBLISHED_GROUP=1, as the page says (by default, 5, they are counted in `…_other`).
    settings.MIN_PUBLISHED_GROUP = 1
    organiser = make_user("organisatrice-api")
    manifesto = make_manifesto(organiser=organiser, slug="exemple")
    version = text_services.freeze_version(actor=organiser, manifesto=manifesto, label="Avant les agoras")
    facilitator = make_user("animatrice-api")
    agora = make_agora(manifesto=manifesto, facilitators=[facilitator], slug="agora-de-lille")
    session = agora_services.open_session(actor=facilitator, agora=agora)
    session = agora_services.set_phase(actor=facilitator, session=session, phase=Phase.PROPOSALS)
    participant = agora_services.join(session=session, display_name="Nadia")
    clause = manifesto.clauses.get(number=1)
    amendment = deliberation_services.propose_amendment(
        actor=Actor(participant=participant), session=session, kind="modify", clause=clause,
        text="Texte de l'article 1.1, rédaction de l'agora.",
    )
    session = agora_services.set_phase(actor=facilitator, session=session, phase=Phase.SUPPORTS)
    deliberation_services.set_support(actor=Actor(participant=participant), amendment=amendment, value="pour")
    campaign = signature_services.open_campaign(actor=organiser, manifesto=manifesto, version=version, goal=100)
    for data, ip in ((person(), "203.0.113.7"), (organisation(), "203.0.113.8")):
        with django_capture_on_commit_callbacks(execute=True):
            signature_services.sign(campaign=campaign, data=data, ip=ip)
        with django_capture_on_commit_callbacks(execute=True):
            signature_services.confirm(token=confirm_token(mail.outbox[-1]))
    return manifesto


def test_the_page_has_examples():
    assert len(examples()) >= 10


def test_every_documented_example_answers_as_written(client, known_text):
    etags = {}
    for lines, expected in examples():
        method, path = lines[0].split(" ", 1)
        assert method == "GET"
        headers = {}
        for header in lines[1:]:
            name, _value = header.split(":", 1)
            assert name == "If-None-Match"
            headers["HTTP_IF_NONE_MATCH"] = etags[path]
        response = client.get(path, **headers)
        if headers:
            assert response.status_code == 304 and response.content == b"", path
            continue
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        if "error" in (expected or {}):
            assert 400 <= response.status_code < 500, path
        else:
            assert response.status_code == 200, (path, body)
            etags[path] = response["ETag"]
        assert contains(body, expected) == [], (path, contains(body, expected))
