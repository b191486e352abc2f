"""Every benchmark in one run, printed as one table of ratios (the README's table).

Each row: what was measured, its time, the ratio to the baseline measured in the same
run, and the target. Absolute times on a shared machine vary; the ratios hold better.

Run: python bench/run.py [N forms for the review, default 1000]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import bench_buttons, bench_cli, bench_engine, bench_export, bench_import, bench_national, bench_read, bench_recalc, bench_review, bench_udf  # noqa: E402
from bench.common import print_table  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for sub in ("read", "review", "export", "import", "recalc", "national", "buttons"):
            (folder / sub).mkdir()
        title, base, rows = bench_engine.measure()
        print_table(title, bench_engine.BASELINE, base, rows)
        title, base, rows = bench_national.measure(folder / "national")
        print_table(title, bench_national.BASELINE, base, rows)
        title, base, rows = bench_buttons.measure(folder / "buttons")
        print_table(title, bench_buttons.BASELINE, base, rows)
        title, base, rows = bench_read.measure(folder / "read")
        print_table(title, "python-calamine raw read of the same sheets", base, rows)
        for title, name, base, rows in bench_import.measure(folder / "import"):
            print_table(title, name, base, rows)
        title, base, rows, note = bench_review.measure(folder / "review", n)
        print_table(title, "the same forms reviewed in one process", base, rows)
        print(note)
        if bench_export.available():
            title, base, rows = bench_export.measure(folder / "export")
            print_table(title, "python-docx: save an empty Document", base, rows)
        if bench_recalc.available():
            title, base, rows = bench_recalc.measure(folder / "recalc")
            print_table(title, "LibreOffice opens (converts) the same file without recalculating", base, rows)
        if bench_udf.available():
            title, base, rows = bench_udf.measure()
            print_table(title, "PERF_JUDGE called directly in Python", base, rows)
    title, base, rows = bench_cli.measure()
    print_table(title, "python -c pass", base, rows)


if __name__ == "__main__":
    main()
