"""A worksheet function called the way Excel calls it: through xlwings' own `call_udf`
(argument conversion, defaults, result conversion), with the Windows-only modules
replaced by the test stand-ins; against calling the Python function directly.

Run: python bench/bench_udf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import best_time, print_table  # noqa: E402


def available() -> bool:
    return (ROOT / "tests" / "xlwings_standins.py").is_file()


def measure() -> tuple[str, float, list[tuple[str, float, str]]]:
    from tests.xlwings_standins import installed

    with installed() as xl:
        direct = xl.module.PERF_JUDGE
        direct("99.16%", "95%以上")
        xl.value("PERF_JUDGE", "99.16%", "95%以上")
        base = best_time(lambda: direct("99.16%", "95%以上"), repeat=7, number=200)
        rows = [
            ("PERF_JUDGE through xlwings call_udf", best_time(lambda: xl.value("PERF_JUDGE", "99.16%", "95%以上"), repeat=7, number=200), ""),
        ]
    return "worksheet function call (COM edges replaced by stand-ins)", base, rows


def main() -> None:
    if not available():
        print("tests/xlwings_standins.py is not there yet: nothing to measure")
        return
    title, base, rows = measure()
    print_table(title, "PERF_JUDGE called directly in Python", base, rows)


if __name__ == "__main__":
    main()
