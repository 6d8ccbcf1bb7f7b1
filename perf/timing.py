"""Timing helpers shared by the benchmarks: best of several rounds, because this machine is shared."""
from __future__ import annotations

import time


def best_seconds(fn, rounds: int) -> float:
    """The fastest of `rounds` calls of fn(), in seconds."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def best_rate(fn, items, rounds: int) -> float:
    """Items per second of fn(item) over all items, best of `rounds`."""
    return len(items) / best_seconds(lambda: [fn(item) for item in items], rounds)
