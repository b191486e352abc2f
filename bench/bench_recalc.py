"""LibreOffice recalculating a full form's native formulas, against opening the same file
without recalculation (both convert the same copies in one soffice call each, so the
start of soffice weighs equally on both)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests import recalc

COPIES = 10


def available() -> bool:
    return recalc.soffice() is not None


def _convert_time(paths: list[Path], out: Path, recalculate: bool) -> float:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    recalc.recalculate(paths, out, recalc=recalculate)
    return (time.perf_counter() - t0) / len(paths)


def measure(folder: Path) -> tuple[str, float, list[tuple[str, float, str]]]:
    from xlperf.files import sources
    from xlperf.workbook.build import build_workbook

    root = Path(__file__).resolve().parent.parent
    ev = sources.load(root / "examples" / "shaoguan-2020.json")
    first = folder / "form0.xlsx"
    build_workbook(first, ev, mode="formulas")
    paths = [first]
    for k in range(1, COPIES):
        paths.append(folder / f"form{k}.xlsx")
        shutil.copyfile(first, paths[-1])
    plain = min(_convert_time(paths, folder / "plain", False) for _ in range(2))
    forced = min(_convert_time(paths, folder / "recalc", True) for _ in range(2))
    rows = [(f"LibreOffice recalculates the form's formulas on load ({COPIES} per call)", forced, "")]
    return f"LibreOffice: a full form, formulas edition, {COPIES} copies per soffice call", plain, rows
