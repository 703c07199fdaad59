"""A real daphne process, with the embedded default, serves the manifesto in French."""

import urllib.request

import pytest

from tests.server import daphne, live_server_env, manage


@pytest.mark.server
def test_daphne_with_the_embedded_default_serves_the_home_page_in_french(tmp_path):
    env = live_server_env(SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    manage("migrate", "--no-input", env=env)
    manage("load_demo", env=env)
    with daphne(env) as base:
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            html = response.read().decode()
            assert response.status == 200
        with urllib.request.urlopen(base + "/manifeste/manifeste-ess/", timeout=10) as response:
            text = response.read().decode()
    assert '<html lang="fr">' in html
    assert "Écrire ensemble le manifeste de l'ESS" in html
    assert "Manifeste de la République de l&#x27;ESS" in html
    assert 'id="article-1"' in text
