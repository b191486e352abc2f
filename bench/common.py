"""Timing helpers for the benchmarks: best-of-N wall time, and ratios against a baseline
measured in the same process (these machines are noisy, so absolute times mean little)."""

from __future__ import annotations

import time


def best_time(fn, repeat: int = 7, number: int = 1) -> float:
    """The best of `repeat` runs of `number` calls, in seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def print_table(title: str, baseline_name: str, baseline: float, rows: list[tuple[str, float, str]]) -> None:
    """rows: (name, seconds, target text)."""
    print(f"\n{title}")
    print(f"  baseline: {baseline_name}: {baseline * 1000:.3f} ms")
    print(f"  {'measurement':<52} {'ms':>10} {'x baseline':>11}  target")
    for name, seconds, target in rows:
        print(f"  {name:<52} {seconds * 1000:>10.3f} {seconds / baseline:>11.2f}  {target}")
