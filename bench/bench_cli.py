"""Cold start of `xlperf --help` in a fresh interpreter, against `python -c pass`.

Run: python bench/bench_cli.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import print_table  # noqa: E402


def _run(args: list[str], repeat: int = 15) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def measure() -> tuple[str, float, list[tuple[str, float, str]]]:
    base = _run(["-c", "pass"])
    rows = [
        ("xlperf --help", _run(["-m", "xlperf", "--help"]), "< 300 ms"),
        ("xlperf check --help", _run(["-m", "xlperf", "check", "--help"]), ""),
    ]
    return "command-line cold start (best of 15 subprocess runs)", base, rows


def main() -> None:
    title, base, rows = measure()
    print_table(title, "python -c pass", base, rows)


if __name__ == "__main__":
    main()
