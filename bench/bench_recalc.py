"""LibreOffice recalculating a full form's native formulas, against opening the same file
without recalculation. The file is the example's form as LibreOffice saved it (every
formula with its stored result, no request for a full calculation on load); both sides
convert the same copies in one soffice call, so the start of soffice weighs equally on
both, and differ only in the profile's recalculation mode (always / never)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests import recalc

COPIES = 20


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
    built = folder / "built.xlsx"
    build_workbook(built, ev, mode="formulas")
    form = recalc.recalculate([built], folder / "stored")[built.resolve()]
    paths = []
    for k in range(COPIES):
        paths.append(folder / f"form{k}.xlsx")
        shutil.copyfile(form, paths[-1])
    plain = min(_convert_time(paths, folder / "plain", False) for _ in range(3))
    forced = min(_convert_time(paths, folder / "recalc", True) for _ in range(3))
    rows = [(f"LibreOffice recalculates every formula on load ({COPIES} per call)", forced, "")]
    return f"LibreOffice: the example's form (formulas edition), {COPIES} copies per soffice call", plain, rows
