"""The metrics module: what callers record shows in the exposition, per process or summed over processes."""

import os
import subprocess
import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from agora import metrics
from tests.server import ROOT


def samples(text: str) -> dict:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(name, **labels):
    return samples(metrics.exposition().decode()).get((name, tuple(sorted(labels.items()))), 0.0)


def test_recorded_values_show_in_the_exposition():
    before = value("coecrire_live_commands_refused_total", code="rate_limited")
    delivered = value("coecrire_live_events_delivered_total")
    metrics.command_rate_limited()
    metrics.events_delivered(40)
    metrics.hub_repaired("journal", 3)
    with metrics.command_timer("timer.start"):
        pass
    assert value("coecrire_live_commands_refused_total", code="rate_limited") == before + 1
    assert value("coecrire_live_events_delivered_total") == delivered + 40
    assert value("coecrire_live_hub_repairs_total", kind="journal") >= 3
    assert value("coecrire_live_command_seconds_count", command="timer.start") >= 1


def test_unknown_label_values_are_refused():
    with pytest.raises(ValueError):
        metrics.hub_repaired("lost")
    with pytest.raises(ValueError):
        metrics.resumed("everything")


RECORD = """
import os, sys, time
from agora import metrics
metrics.socket_opened(); metrics.socket_opened()
metrics.events_delivered(5)
metrics.joined(0.2)
if sys.argv[1] == "stay":
    print("ready", flush=True)
    time.sleep(60)
"""


def test_multiprocess_mode_sums_processes_and_forgets_dead_ones(tmp_path):
    """Two processes record; any process's exposition shows both; a killed one's sockets disappear."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    exited = subprocess.Popen([sys.executable, "-c", RECORD, "exit"], env=env, cwd=ROOT)
    assert exited.wait() == 0
    staying = subprocess.Popen([sys.executable, "-c", RECORD, "stay"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert staying.stdout.readline().strip() == "ready"
        read = "from agora import metrics; print(metrics.exposition().decode())"
        text = subprocess.run([sys.executable, "-c", read], env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout
        found = samples(text)
        assert found[("coecrire_live_events_delivered_total", ())] == 10
        assert found[("coecrire_live_join_seconds_count", ())] == 2
        sockets = {dict(labels)["pid"]: v for (name, labels), v in found.items() if name == "coecrire_live_sockets"}
        # The first process exited without marking itself dead: it is no longer listed.
        assert sockets[str(staying.pid)] == 2
        assert str(exited.pid) not in sockets
    finally:
        staying.kill()
        staying.wait()
    text = subprocess.run([sys.executable, "-c", read], env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout
    assert not [v for (name, labels), v in samples(text).items() if name == "coecrire_live_sockets" and v]
