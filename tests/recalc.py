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
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
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
    """A fresh LibreOffice user profile under `root` (recalc: always recalculate on load)."""
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    if recalc:
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    return root


BATCH = 100
"""Files per soffice call: one start for many files, but not so many that one stuck file
costs the whole run."""


def recalculate(paths: Sequence[str | os.PathLike], out_dir: str | os.PathLike, *, recalc: bool = True,
                timeout: float = TIMEOUT, fmt: str = "xlsx") -> dict[Path, Path]:
    """Convert every workbook in `paths`, up to BATCH files per soffice call; return
    {source: converted file}.

    recalc=False opens the files with LibreOffice's default (keep the stored values), the
    baseline of the benchmark. The file stems must differ (the converted files are named
    after them). A file soffice skipped (it happens under heavy load) is tried once more on
    its own call; RecalcError when soffice fails or a file is still missing.
    """
    sources = [Path(p).resolve() for p in paths]
    result: dict[Path, Path] = {}
    for k in range(0, len(sources), BATCH):
        result.update(_convert(sources[k:k + BATCH], out_dir, recalc, timeout, fmt, retry=True))
    return result


def _convert(paths: Sequence[Path], out_dir, recalc: bool, timeout: float, fmt: str, retry: bool) -> dict[Path, Path]:
    program = soffice()
    if program is None:
        raise RecalcError("LibreOffice (soffice) is not installed")
    sources = [Path(p).resolve() for p in paths]
    stems = [p.stem for p in sources]
    if len(set(stems)) != len(stems):
        raise RecalcError("workbooks to recalculate in one call need distinct file names")
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not sources:
        return {}
    with tempfile.TemporaryDirectory(prefix=f"lo-recalc-{uuid.uuid4().hex[:8]}-") as tmp:
        profile = make_profile(Path(tmp) / "profile", recalc)
        cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", fmt, "--outdir", str(out),
               *map(str, sources)]
        env = dict(os.environ, SAL_USE_VCLPLUGIN="svp")
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                start_new_session=True, cwd=tmp)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RecalcError(f"soffice took longer than {timeout:.0f} s for {len(sources)} files") from None
    result = {src: out / f"{src.stem}.{fmt}" for src in sources}
    missing = [s for s, o in result.items() if not o.is_file()]
    if missing and retry and len(missing) < len(sources):
        result.update(_convert(missing, out_dir, recalc, timeout, fmt, retry=False))
        missing = [s for s, o in result.items() if not o.is_file()]
    if proc.returncode != 0 or missing:
        raise RecalcError(
            f"soffice exit {proc.returncode}; not converted: {missing[:5]}; "
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
