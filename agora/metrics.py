"""Prometheus metrics of the live room (exposed at /metrics; listed in docs/operations.md).

Why prometheus-client in multiprocess mode, not django-prometheus: production runs several
daphne processes behind nginx, and a scrape of /metrics reaches whichever process nginx
picks. With PROMETHEUS_MULTIPROC_DIR set (an empty directory, wiped when the service
starts), every process writes its samples to memory-mapped files there and any process
answers /metrics with the sum over all of them, so one scrape through nginx sees the whole
machine. django-prometheus only wraps the same library and adds request/model metrics we do
not need; its per-process registries would show one random process per scrape.

Without PROMETHEUS_MULTIPROC_DIR (development, tests) the metrics live in this process's
registry and /metrics shows this process only.

The callers (the hub, the consumer, the command pipeline) use the small functions below, never
the metric objects, so the names and labels stay in this one module. Each costs about a
microsecond; the hot paths call them once per broadcast, not once per socket.
"""

import os
import time
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

# Labels take values from small closed sets only (never a person, a session or a text).
REPAIR_KINDS = ("reordered", "journal")
RESUME_KINDS = ("events", "snapshot")

SOCKETS = Gauge(
    "coecrire_live_sockets",
    "Open live-room websockets in this process.",
    # One series per live process (label pid); dead processes' series are dropped at scrape time.
    multiprocess_mode="liveall",
)
EVENTS_DELIVERED = Counter(
    "coecrire_live_events_delivered",
    "Journal events written to live-room sockets (one per socket and event).",
)
HUB_REPAIRS = Counter(
    "coecrire_live_hub_repairs",
    "Events the hub repaired: 'reordered' arrived ahead of a missing one and were held back, "
    "'journal' were missing from the channel layer and read back from the journal.",
    ["kind"],
)
HUB_REJOINS = Counter(
    "coecrire_live_hub_rejoins",
    "Times a process re-added its channel-layer group membership after losing the layer (a Redis restart).",
)
BROADCAST_FAILURES = Counter(
    "coecrire_live_broadcast_failures",
    "Broadcasts that failed after their transaction had committed (repaired by the hub or by resume).",
)
RESUMES = Counter(
    "coecrire_live_resumes",
    "Resumes served: 'events' replayed from the journal, 'snapshot' when a replay was impossible.",
    ["kind"],
)
JOIN_SECONDS = Histogram(
    "coecrire_live_join_seconds",
    "From websocket connect to the first state (events or snapshot) sent.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
COMMAND_SECONDS = Histogram(
    "coecrire_live_command_seconds",
    "Time to answer a live-room command (validation, transaction, receipt), by command type.",
    ["command"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
COMMANDS_REFUSED = Counter(
    "coecrire_live_commands_refused",
    "Commands answered with an error, by error code (rate_limited, forbidden, wrong_phase, unavailable, ...).",
    ["code"],
)


# ---------------------------------------------------------------------- what the callers call


def socket_opened() -> None:
    SOCKETS.inc()


def socket_closed() -> None:
    SOCKETS.dec()


def events_delivered(count: int = 1) -> None:
    """`count` frames written to sockets (call once per broadcast with the number of sockets)."""
    if count > 0:
        EVENTS_DELIVERED.inc(count)


def hub_repaired(kind: str, count: int = 1) -> None:
    """The hub held back (`reordered`) or read back from the journal (`journal`) `count` events."""
    if kind not in REPAIR_KINDS:
        raise ValueError(f"unknown hub repair kind {kind!r}; one of {REPAIR_KINDS}")
    if count > 0:
        HUB_REPAIRS.labels(kind=kind).inc(count)


def hub_rejoined() -> None:
    HUB_REJOINS.inc()


def broadcast_failed() -> None:
    BROADCAST_FAILURES.inc()


def resumed(kind: str) -> None:
    if kind not in RESUME_KINDS:
        raise ValueError(f"unknown resume kind {kind!r}; one of {RESUME_KINDS}")
    RESUMES.labels(kind=kind).inc()


def joined(seconds: float) -> None:
    JOIN_SECONDS.observe(seconds)


def command_answered(command: str, seconds: float) -> None:
    COMMAND_SECONDS.labels(command=command).observe(seconds)


@contextmanager
def command_timer(command: str):
    """`with metrics.command_timer(kind): ...` observes the block's duration."""
    started = time.perf_counter()
    try:
        yield
    finally:
        command_answered(command, time.perf_counter() - started)


def command_refused(code: str) -> None:
    """A command answered with an error; `code` is the protocol's error code (docs/realtime.md)."""
    COMMANDS_REFUSED.labels(code=code).inc()


def command_rate_limited() -> None:
    command_refused("rate_limited")


# ---------------------------------------------------------------------- exposition


def _forget_dead_processes(directory: str) -> None:
    """Drop the live gauges of processes that died (kill -9 included): no hook runs for them."""
    for name in os.listdir(directory):
        if not name.startswith("gauge_live") or not name.endswith(".db"):
            continue
        try:
            pid = int(name.rsplit("_", 1)[1][: -len(".db")])
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, directory)
        except (ValueError, PermissionError):
            continue


def exposition() -> bytes:
    """The text exposition format: the whole machine in multiprocess mode, else this process."""
    if MULTIPROCESS:
        directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        _forget_dead_processes(directory)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry)
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY)
