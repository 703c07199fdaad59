"""A malformed environment variable stops start-up with a sentence naming it."""

import subprocess
import sys

import pytest

from tests.server import ROOT, server_env

SETUP = "import django; django.setup()"


def start(**env: str) -> subprocess.CompletedProcess:
    environment = server_env(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run([sys.executable, "-c", SETUP], env=environment, cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("DEBUG", "maybe", "must be a boolean"),
        ("DATABASE_URL", "mysql://x", "must be a URL starting with"),
        ("REDIS_URL", "http://cache", "must be a URL starting with"),
        ("EMAIL_PORT", "vingt-cinq", "must be a whole number"),
        ("CHANNEL_CAPACITY", "0", "must be at least 1"),
    ],
)
def test_malformed_variable_stops_start_up_naming_it(variable, value, words):
    result = start(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"The environment variable {variable} " in result.stderr
    assert words in result.stderr


def test_missing_secret_key_outside_debug_is_refused():
    result = start(SECRET_KEY="", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_well_formed_environment_starts():
    result = start(DEBUG="off", EMAIL_PORT="587", DATABASE_URL="sqlite:///tmp-ignored.sqlite3")
    assert result.returncode == 0, result.stderr
