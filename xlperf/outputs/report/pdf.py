"""The report as PDF, rendered by LibreOffice (无需 Word).

LibreOffice runs headless with a throw-away profile, so it neither disturbs nor waits
for a LibreOffice the person has open. On Linux a fontconfig file maps the Windows font
names of the report (宋体, 仿宋, 黑体) to the Noto CJK fonts, which LibreOffice embeds
in the PDF. The PDF is written atomically like every other output.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from xlperf.files.atomic import OutputError, check_output, write_atomic

DEFAULT_TIMEOUT = 120
"""Seconds for one conversion; a cold LibreOffice start takes about 4 s."""

_HERE = Path(__file__).resolve().parent
_WINDOWS_PATHS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
_MAC_PATH = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


class PdfUnavailable(OutputError):
    """LibreOffice is not installed, so no PDF can be made (code ``PDF_UNAVAILABLE``)."""


class PdfFailed(OutputError):
    """LibreOffice ran but gave no PDF (code ``PDF_FAILED``)."""


def find_soffice() -> str | None:
    """The LibreOffice program: $XLPERF_SOFFICE, then PATH, then the usual install folders."""
    configured = os.environ.get("XLPERF_SOFFICE", "").strip()
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in (*_WINDOWS_PATHS, _MAC_PATH):
        if Path(path).is_file():
            return path
    return None


def fonts_conf() -> Path | None:
    """The package's fontconfig file (xlperf/fonts/fonts.conf), shared with the workbook's PDF."""
    path = _HERE.parent.parent / "fonts" / "fonts.conf"
    return path if path.is_file() else None


def docx_to_pdf(
    docx_path,
    pdf_path,
    *,
    force: bool = False,
    source=None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Render ``docx_path`` to ``pdf_path``. Raises `PdfUnavailable`, `PdfFailed` or `OutputError`."""
    docx_path, pdf_path = Path(docx_path), Path(pdf_path)
    check_output(pdf_path, force=force, source=[docx_path, *_as_list(source)])
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable(
            "PDF_UNAVAILABLE",
            "未找到 LibreOffice，无法生成 PDF（Word 报告已生成）。请安装 LibreOffice，"
            "或在 Word/WPS 中打开报告另存为 PDF；也可用环境变量 XLPERF_SOFFICE 指定 soffice 程序的位置。",
            pdf_path,
        )
    with tempfile.TemporaryDirectory(prefix="xlperf-pdf-") as work:
        work_dir = Path(work)
        src = work_dir / "report.docx"
        shutil.copyfile(docx_path, src)
        out_dir = work_dir / "out"
        command = [
            soffice,
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
            "--convert-to", "pdf:writer_pdf_Export",
            "--outdir", str(out_dir),
            str(src),
        ]
        stderr = _run(command, _environment(), timeout, pdf_path)
        produced = out_dir / "report.pdf"
        data = produced.read_bytes() if produced.is_file() else b""
        if not data.startswith(b"%PDF"):
            detail = stderr.strip().splitlines()[-1:] or ["没有输出"]
            raise PdfFailed("PDF_FAILED", f"LibreOffice 未能生成 PDF（{detail[0]}）。Word 报告已生成。", pdf_path)
    return write_atomic(pdf_path, data, force=force, source=[docx_path, *_as_list(source)])


def _as_list(source) -> list:
    if source is None:
        return []
    if isinstance(source, (str, os.PathLike)):
        return [source]
    return list(source)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    conf = fonts_conf()
    if conf is not None and os.name != "nt":
        env["FONTCONFIG_FILE"] = str(conf)
    return env


def _run(command: list[str], env: dict[str, str], timeout: float, pdf_path: Path) -> str:
    """Run LibreOffice; on timeout end it and every process it started."""
    posix = os.name != "nt"
    try:
        proc = subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=posix,
        )
    except OSError as e:
        raise PdfUnavailable(
            "PDF_UNAVAILABLE", f"无法启动 LibreOffice（{e.strerror or e}），未生成 PDF。Word 报告已生成。", pdf_path
        ) from e
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            proc.kill()
        proc.communicate()
        raise PdfFailed(
            "PDF_FAILED", f"LibreOffice 在{timeout:g}秒内未完成转换，已停止，未生成 PDF。Word 报告已生成。", pdf_path
        ) from None
    return err.decode("utf-8", "replace")
