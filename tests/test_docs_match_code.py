"""docs/ is a contract: what it lists, the code does, and the other way round."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.publishing.test_api_docs import examples, known_text  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[1]
# ServiceError codes that never reach a websocket: the pages that raise them are HTTP forms.
HTTP_ONLY = {
    "session_already_open": "opening a live session is a form on the agora's page",
    "already_voted": "the ballot is a page reached from the voter's link",
    "vote_not_open": "the ballot is a page reached from the voter's link",
    "wrong_version": "the ballot and the vote's set-up are pages",
    "closed": "signing is a page (the signature campaign)",
    "invalid_token": "confirmation links from emails open pages",
}
FRENCH_KEYS = {"pour", "contre", "abstention", "departement"}


def _service_error_codes() -> set[str]:
    from manifesto.errors import ServiceError

    codes, pending = set(), [ServiceError]
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        codes.add(cls.code)
    return codes


def _documented_error_codes() -> set[str]:
    text = (ROOT / "docs" / "realtime.md").read_text(encoding="utf-8")
    table = text.split("## Error codes", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", table, re.M))


def test_every_error_code_a_socket_can_receive_is_in_the_realtime_table():
    import agora.consumers  # noqa: F401  every app's commands are registered, so their errors are defined
    import deliberation.contributions.services  # noqa: F401

    sources = "".join((ROOT / "agora" / name).read_text(encoding="utf-8") for name in ("pipeline.py", "consumers.py"))
    literal = set(re.findall(r"\berror\(\s*\"(\w+)\"", sources))
    emitted = (literal | _service_error_codes()) - set(HTTP_ONLY)
    assert literal, "the pipeline's own codes were not found: has error() moved?"
    assert emitted - _documented_error_codes() == set()


def test_the_realtime_table_names_no_code_the_server_never_sends():
    sources = "".join((ROOT / "agora" / name).read_text(encoding="utf-8") for name in ("pipeline.py", "consumers.py"))
    emitted = set(re.findall(r"\berror\(\s*\"(\w+)\"", sources)) | _service_error_codes()
    assert _documented_error_codes() - emitted == set()


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def test_every_key_of_the_api_is_on_its_page_and_the_french_ones_are_the_four_named(client, known_text):  # noqa: F811
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    answered = set()
    for request_lines, _expected in examples():
        method, path = request_lines[0].split()[:2]
        response = client.get(path)
        if response.status_code == 200:  # the page's refusals are {"error": sentence}
            answered |= _keys(response.json())
    undocumented = {key for key in answered if f'"{key}"' not in page and f"`{key}`" not in page}
    assert undocumented == set()
    assert FRENCH_KEYS <= answered
    named = re.search(r"\*\*Keys are English, except (.*?)\n- ", page, re.S).group(1)
    assert set(re.findall(r"`(\w+)`", named)) - {"region"} == FRENCH_KEYS


@pytest.mark.parametrize("route", ["signatures:dashboard", "signatures:export"])
def test_a_non_organiser_on_the_signature_dashboards_gets_the_403_with_a_sentence(client, manifesto, outsider, route):
    process = (ROOT / "docs" / "process.md").read_text(encoding="utf-8")
    assert "a refusal is a\n403" in process or "a refusal is a 403" in process
    client.force_login(outsider)
    response = client.get(reverse(route, kwargs={"slug": manifesto.slug}))
    assert response.status_code == 403
    assert 'role="alert"' in response.content.decode() and "gèrent sa campagne de signatures" in response.content.decode()
