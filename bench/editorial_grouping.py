"""How long grouping takes for one article with many pending amendments (the desk of the busiest
article), with the span shortcut and, as the baseline of the same run, with a three-way merge for
every pair. Prints figures; not a test.

    SECRET_KEY=x .venv/bin/python bench/editorial_grouping.py
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from deliberation.editorial import grouping  # noqa: E402

TEXT = (
    "L'économie sociale et solidaire réunit des organisations qui placent la personne avant le capital, "
    "partagent leurs excédents et les réinvestissent dans leur projet commun, au service des territoires."
)
WORDS = ["nouveau", "autre", "commun", "social", "local", "durable"]


def proposals(n: int, rng: random.Random) -> list[grouping.Proposal]:
    words = TEXT.split()
    made = []
    for i in range(n):
        changed = list(words)
        for _ in range(rng.randint(1, 2)):
            changed[rng.randrange(len(changed))] = rng.choice(WORDS)
        made.append(grouping.Proposal(i, i, f"Agora {i % 7}", "modify", TEXT, " ".join(changed)))
    return made


def timed(n: int, runs: int) -> list[float]:
    rng = random.Random(n)
    items = proposals(n, rng)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        grouping.group_article(items, TEXT)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    shortcut = grouping._apart
    print("amendments  with shortcut p50 (ms)  merge every pair p50 (ms)  ratio")
    for n in (20, 50, 100, 200):
        runs = 5 if n <= 100 else 3
        fast = statistics.median(timed(n, runs))
        grouping._apart = lambda a, b: None  # the baseline: ask the merge for every pair
        try:
            slow = statistics.median(timed(n, runs))
        finally:
            grouping._apart = shortcut
        print(f"{n:>10}  {fast:>22.0f}  {slow:>25.0f}  {slow / fast:>5.1f}×")


if __name__ == "__main__":
    main()
