"""SITE_URL follows `make run`'s port, and production says at start-up when it cannot work."""

import secrets
import subprocess
import sys

import pytest

from tests.server import ROOT, server_env

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "coecrire.example",
    "CSRF_TRUSTED_ORIGINS": "https://coecrire.example",
    "SITE_URL": "https://coecrire.example",
    "SECURE_COOKIES": "1",
    "BEHIND_TLS_PROXY": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def check_deploy(**overrides: str) -> subprocess.CompletedProcess:
    env = server_env(**{**PRODUCTION, **overrides})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def make_run_dry(**variables: str) -> str:
    env = {k: v for k, v in server_env().items() if k != "SITE_URL"}
    args = ["make", "-n", "run"] + [f"{k}={v}" for k, v in variables.items()]
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout


def test_make_run_on_another_port_serves_and_links_on_that_port():
    commands = make_run_dry(PORT="8101").splitlines()
    daphne = next(line for line in commands if "daphne" in line)
    demo = next(line for line in commands if "load_demo" in line)
    assert "-p 8101" in daphne
    assert "SITE_URL=http://127.0.0.1:8101" in daphne
    assert "SITE_URL=http://127.0.0.1:8101" in demo


def test_make_run_keeps_an_explicit_site_url():
    commands = make_run_dry(PORT="8101", SITE_URL="http://192.168.1.20:8101").splitlines()
    daphne = next(line for line in commands if "daphne" in line)
    assert "SITE_URL=http://192.168.1.20:8101" in daphne


def test_correct_production_configuration_passes_check_deploy_cleanly():
    result = check_deploy()
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_unset_site_url_is_a_start_up_warning_in_production():
    env = server_env(**PRODUCTION)
    del env["SITE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert "site_config.W001" in result.stderr
    assert "SITE_URL is not set" in result.stderr


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "https://elsewhere.example", "coecrire.example"])
def test_site_url_outside_allowed_hosts_is_a_start_up_warning(site_url):
    result = check_deploy(SITE_URL=site_url)
    assert "site_config.W002" in result.stderr
    assert "not in ALLOWED_HOSTS" in result.stderr


def test_site_url_with_a_port_on_an_allowed_host_passes():
    result = check_deploy(SITE_URL="https://coecrire.example:8443")
    assert "site_config" not in result.stderr


def test_development_never_warns():
    env = server_env(DEBUG="1")
    env.pop("SITE_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "site_config" not in result.stderr


def test_the_asgi_application_logs_the_warning_when_it_starts():
    env = server_env(**PRODUCTION)
    del env["SITE_URL"]
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import config.asgi"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "SITE_URL is not set" in result.stderr
