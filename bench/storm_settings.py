"""Settings of the daphne processes that bench/amendment_storm.py starts: the real settings plus a
bench-only app that times the accept command on the server side (see bench/storm_timing.py)."""

from config.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench.storm_timing.StormTimingConfig"]  # noqa: F405
