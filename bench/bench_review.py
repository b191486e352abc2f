"""Reviewing a folder of 1,000 generated forms (xlperf review), and one form in process.

The forms: JSON files and workbooks (copies of a few built workbooks) with the seeded
mistakes of tests/badfiles.py, and a few broken files. Baseline: the same review in
this one process (jobs=1, no summary workbook); the ratio is what the workers buy.

Run: python bench/bench_review.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import print_table  # noqa: E402


def measure(folder: Path, n: int = 1000) -> tuple[str, float, list[tuple[str, float, str]], str]:
    from tests.badfiles import builder_available, generate_batch
    from xlperf.outputs.review import review

    workbooks = n * 3 // 10 if builder_available() else 0
    generate_batch(folder / "forms", n, workbooks=workbooks, broken=n // 50)
    review([folder / "forms"], None, jobs=1, progress=False)
    t0 = time.perf_counter()
    review([folder / "forms"], None, jobs=1, progress=False)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = review([folder / "forms"], folder / "summary.xlsx", progress=False)
    whole = time.perf_counter() - t0
    title = (
        f"review of {n} forms ({workbooks} workbooks, {n // 50} broken, the rest JSON), "
        f"{result.jobs} processes on {os.cpu_count()} CPUs"
    )
    rows = [(f"xlperf review, {n} forms + summary workbook", whole, "< 10 s")]
    note = (
        f"  {n / whole:.0f} forms/s ({whole / n * 1000:.1f} ms a form); in one process {one / n * 1000:.1f} ms a form; "
        f"{result.unreadable} unreadable rows; {len(result.findings)} findings"
    )
    return title, one, rows, note


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        title, base, rows, note = measure(Path(tmp), n)
    print_table(title, "the same forms reviewed in one process", base, rows)
    print(note)


if __name__ == "__main__":
    main()
