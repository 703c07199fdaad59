"""Signature settings fail at start with a sentence naming the variable."""

import subprocess
import sys

from tests.server import ROOT

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.SIGNATURE_RATE_ALLOWLIST)"


def run_with(**env):
    environment = {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x", "PATH": "/usr/bin:/bin", **env}
    return subprocess.run([sys.executable, "-c", CHECK], env=environment, cwd=ROOT, capture_output=True, text=True)


def test_allowlist_accepts_networks_and_addresses():
    result = run_with(SIGNATURE_RATE_ALLOWLIST="192.0.2.0/24, 2001:db8::/32,198.51.100.7")
    assert result.returncode == 0, result.stderr
    assert "192.0.2.0/24" in result.stdout


def test_malformed_allowlist_fails_naming_the_variable():
    result = run_with(SIGNATURE_RATE_ALLOWLIST="192.0.2.0/24,la-salle-des-fetes")
    assert result.returncode != 0
    assert "SIGNATURE_RATE_ALLOWLIST" in result.stderr and "la-salle-des-fetes" in result.stderr


def test_token_days_must_be_a_positive_number():
    result = run_with(SIGNATURE_TOKEN_DAYS="0")
    assert result.returncode != 0 and "SIGNATURE_TOKEN_DAYS" in result.stderr
