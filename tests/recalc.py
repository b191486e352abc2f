"""LibreOffice as the second implementation of the workbook's formulas (重新计算).

`recalculate` opens many workbooks in ONE headless soffice call whose throw-away profile
forces recalculation on load (OOXMLRecalcMode and ODFRecalcMode = 0, "always"), saves each
as .xlsx in an output folder, and `values` reads the recalculated results back with
openpyxl (data_only). Starting soffice costs seconds; converting a form costs a fraction
of one, so callers batch every workbook they need into one call.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>{mode}</value></prop></item>
</oor:items>
"""

TIMEOUT = 900.0
"""Seconds one soffice call may take: generous, the test machines are shared and slow."""


class RecalcError(RuntimeError):
    """soffice failed, timed out, or did not write a file it was asked for."""


def soffice() -> str | None:
    """The soffice program, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def make_profile(root: Path, recalc: bool = True) -> Path:
    """A fresh LibreOffice user profile under `root`: recalculate on load always (0), or
    never (1: keep the stored results, unless the file itself asks for a full calculation)."""
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE.format(mode=0 if recalc else 1), encoding="utf-8")
    return root


BATCH = 100
"""Files per soffice call: one start for many files, but not so many that one stuck file
costs the whole run."""


def recalculate(paths: Sequence[str | os.PathLike], out_dir: str | os.PathLike, *, recalc: bool = True,
                timeout: float = TIMEOUT, fmt: str = "xlsx") -> dict[Path, Path]:
    """Convert every workbook in `paths`, up to BATCH files per soffice call; return
    {source: converted file}.

    recalc=False tells LibreOffice never to recalculate on load (it still does for a file
    whose workbook.xml asks for a full calculation on load, as XlsxWriter's files do). The file stems must differ (the converted files are named
    after them). A file soffice skipped (it happens under heavy load) is tried once more on
    its own call; RecalcError when soffice fails or a file is still missing.
    """
    sources = [Path(p).resolve() for p in paths]
    result: dict[Path, Path] = {}
    for k in range(0, len(sources), BATCH):
        result.update(Running(sources[k:k + BATCH], out_dir, recalc=recalc, timeout=timeout, fmt=fmt).result())
    return result


class Running:
    """One soffice call converting `paths`, started at once and left running, so that the
    caller can build the next workbooks meanwhile (two cores: Python builds, LibreOffice
    recalculates); `result()` waits for it."""

    def __init__(self, paths: Sequence[str | os.PathLike], out_dir: str | os.PathLike, *, recalc: bool = True,
                 timeout: float = TIMEOUT, fmt: str = "xlsx", retry: bool = True):
        program = soffice()
        if program is None:
            raise RecalcError("LibreOffice (soffice) is not installed")
        self.sources = [Path(p).resolve() for p in paths]
        stems = [p.stem for p in self.sources]
        if len(set(stems)) != len(stems):
            raise RecalcError("workbooks to recalculate in one call need distinct file names")
        self.out = Path(out_dir).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.recalc, self.timeout, self.fmt, self.retry = recalc, timeout, fmt, retry
        self.started = time.monotonic()
        self.tmp = tempfile.TemporaryDirectory(prefix=f"lo-recalc-{uuid.uuid4().hex[:8]}-")
        profile = make_profile(Path(self.tmp.name) / "profile", recalc)
        cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", fmt, "--outdir", str(self.out),
               *map(str, self.sources)]
        env = dict(os.environ, SAL_USE_VCLPLUGIN="svp")
        self.proc = None
        if self.sources:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                         start_new_session=True, cwd=self.tmp.name)

    def result(self) -> dict[Path, Path]:
        if self.proc is None:
            self.tmp.cleanup()
            return {}
        left = max(1.0, self.timeout - (time.monotonic() - self.started))
        try:
            _, stderr = self.proc.communicate(timeout=left)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.communicate()
            raise RecalcError(f"soffice took longer than {self.timeout:.0f} s for {len(self.sources)} files") from None
        finally:
            self.tmp.cleanup()
        result = {src: self.out / f"{src.stem}.{self.fmt}" for src in self.sources}
        missing = [s for s, o in result.items() if not o.is_file()]
        if missing and self.retry and len(missing) < len(self.sources):
            again = Running(missing, self.out, recalc=self.recalc, timeout=self.timeout, fmt=self.fmt, retry=False)
            result.update(again.result())
            missing = [s for s, o in result.items() if not o.is_file()]
        if self.proc.returncode != 0 or missing:
            raise RecalcError(
                f"soffice exit {self.proc.returncode}; not converted: {[str(m) for m in missing[:5]]}; "
                f"stderr: {stderr.decode(errors='replace')[-2000:]}"
            )
        return result


def values(path: str | os.PathLike, sheets: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """{sheet: {"A1": value}} of a recalculated workbook: each formula's stored result,
    every other cell's value; empty cells are left out, error values come as their text
    ("#NAME?"). Read with xlperf's own reader (a few milliseconds a file; openpyxl would
    take a few hundred)."""
    from xlperf.files.xlsx_grid import Formula, read_grids
    from xlperf.forms.guangdong_1_1.layout import a1

    grids = read_grids(path, None if sheets is None else list(sheets))
    found: dict[str, dict[str, Any]] = {}
    for name, rows in grids.items():
        cells: dict[str, Any] = {}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, Formula):
                    value = value.cached
                if value is not None and value != "":
                    cells[a1(r, c)] = value
        found[name] = cells
    return found


def recalc_values(paths: Sequence[str | os.PathLike], out_dir: str | os.PathLike,
                  sheets: Iterable[str] | None = None) -> dict[Path, dict[str, dict[str, Any]]]:
    """`recalculate` then `values` for each: {source: {sheet: {"A1": value}}}."""
    sheets = None if sheets is None else list(sheets)
    return {src: values(out, sheets) for src, out in recalculate(paths, out_dir).items()}
