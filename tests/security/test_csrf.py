"""Every route of the URLconf refuses a POST without a CSRF token, whoever is logged in."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import make_user

# Sample values for the converters our routes use; the CSRF check runs before the view, so the
# objects need not exist.
SAMPLES = {"int": "1", "slug": "exemple", "str": "exemple", "path": "exemple", "uuid": "00000000-0000-0000-0000-000000000000"}
NOT_OURS = ("admin/", "static/")


def routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, route)
        elif isinstance(entry, URLPattern) and not route.startswith(NOT_OURS):
            yield route


def concrete(route: str) -> str:
    import re

    def sample(match):
        converter = match.group(1) or "str"
        return SAMPLES[converter]

    path = re.sub(r"<(?:(\w+):)?\w+>", sample, route)
    path = path.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + path


ROUTES = sorted(set(routes()))


def test_the_urlconf_has_the_routes_we_expect_to_check():
    assert len(ROUTES) > 40
    assert any("signer" in route for route in ROUTES) and any("agoras" in route for route in ROUTES)


# The open API is read-only: it answers any write with 405 in JSON (docs/api.md), not the CSRF page.
READ_ONLY = ("api/v1/",)


@pytest.mark.django_db
@pytest.mark.parametrize("route", [route for route in ROUTES if route.startswith(READ_ONLY)])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_read_only_api_answers_writes_with_405_in_json(route, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("organisatrice-csrf", is_superuser=True, is_staff=True))
    response = getattr(client, method)(concrete(route))
    assert response.status_code == 405, (route, response.status_code)
    assert response["Content-Type"].startswith("application/json") and "error" in response.json(), route


@pytest.mark.django_db
@pytest.mark.parametrize("route", [route for route in ROUTES if not route.startswith(READ_ONLY)])
def test_post_without_csrf_token_is_refused(route):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("organisatrice-csrf", is_superuser=True, is_staff=True))
    response = client.post(concrete(route), {"action": "open"})
    assert response.status_code == 403, (route, response.status_code)
    assert b"CSRF" in response.content, route  # refused by the CSRF check, before any view ran
