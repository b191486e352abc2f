"""Reading and checking one form workbook, against openpyxl and python-calamine.

Measured on the workbook `xlperf new` builds for the bundled example (the XlsxWriter
stand-in of tests/badfiles.py while the builder does not exist). Rows:
- our reader (`xlsx_grid.read_grids`) of the sheets the layout reads;
- openpyxl `load_workbook` (default and read-only) of the same file;
- the form from the file: read, layout parse and model (`sources.load_with_locator`);
- the engine alone on the form in memory (`engine.evaluate`);
- check + score of the form from the file: both, as `xlperf check` does. Repeating one
  form lets `targets.judge` answer every indicator from memory, as it does for the
  rows checks and scoring share within a form; the row "indicator texts not seen
  before" forgets the judgements before each run, as for a new form in a batch.
The baseline is python-calamine's raw read of the same sheets (open, every sheet to
Python lists): the fastest reader there is, written in Rust, that cannot tell a formula
from a value.

Run: python bench/bench_read.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import best_time, print_table  # noqa: E402


def form_file(folder: Path) -> tuple[Path, str]:
    from tests.badfiles import builder_available, form_workbook

    path = form_workbook(folder / "form.xlsx")
    return path, "xlperf new" if builder_available() else "XlsxWriter stand-in"


def measure(folder: Path) -> tuple[str, float, list[tuple[str, float, str]]]:
    import openpyxl
    import python_calamine

    from xlperf.files import sources
    from xlperf.engine import evaluate
    from xlperf.engine.scoring import load_rules
    from xlperf.engine.targets import judge
    from xlperf.files.xlsx_grid import read_grids, sheet_names

    path, made_by = form_file(folder)
    sheets = sheet_names(path)
    wanted = [s for s in sheets if s != "xlwings.conf"]

    def calamine():
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in wanted:
            wb.get_sheet_by_name(name).to_python()
        wb.close()

    def ours():
        read_grids(path, wanted)

    def opx():
        wb = openpyxl.load_workbook(path)
        for name in wanted:
            [[c.value for c in row] for row in wb[name].iter_rows()]

    def opx_read_only():
        wb = openpyxl.load_workbook(path, read_only=True)
        for name in wanted:
            list(wb[name].iter_rows(values_only=True))
        wb.close()

    rules = load_rules(None)

    def check_and_score():
        ev, locate = sources.load_with_locator(path)
        evaluate(ev, rules, locate)

    def check_and_score_unseen():
        judge.cache_clear()
        check_and_score()

    def form_from_file():
        sources.load_with_locator(path)

    def engine_only():
        evaluate(ev, rules, locate)

    ev, locate = sources.load_with_locator(path)
    for fn in (calamine, ours, opx, opx_read_only, check_and_score):
        fn()
    base = best_time(calamine, repeat=9, number=20)
    rows = [
        ("our reader (xlsx_grid.read_grids)", best_time(ours, repeat=9, number=20), ""),
        ("openpyxl load_workbook, read-only", best_time(opx_read_only, repeat=7, number=10), ""),
        ("openpyxl load_workbook", best_time(opx, repeat=5, number=5), ""),
        ("the form from the file (reader, layout, model)", best_time(form_from_file, repeat=9, number=20), ""),
        ("engine alone (checks + scoring, form in memory)", best_time(engine_only, repeat=9, number=20), ""),
        ("check + score, indicator texts not seen before", best_time(check_and_score_unseen, repeat=9, number=20), ""),
        ("check + score of the form from the file", best_time(check_and_score, repeat=9, number=20), "<= 2x calamine"),
    ]
    return f"one form workbook ({made_by}, {path.stat().st_size} bytes, sheets: {', '.join(wanted)})", base, rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        title, base, rows = measure(Path(tmp))
    print_table(title, "python-calamine raw read of the same sheets", base, rows)
    check = rows[-1][1]
    opx = rows[2][1]
    print(f"  check + score = {check / opx:.2f} x openpyxl load_workbook alone")


if __name__ == "__main__":
    main()
