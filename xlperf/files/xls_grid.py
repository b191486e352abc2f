"""The sheets of an old .xls (Excel 97–2003) as grids, read where a crash cannot hurt.

python-calamine reads BIFF8 .xls files, but on some malformed files it aborts the whole
process (SIGABRT, no Python exception). So it runs here in a worker process with limits
on memory and CPU time; whatever happens there, the caller gets a grid or an
`UnreadableFile` with a Chinese cause. Before that, the bytes say what the file really
is: Excel 95 (BIFF5) files, whose Chinese calamine decodes as garbage, are refused with
the way out (save as .xlsx); so are "xls" files that old government systems export as
HTML, XML 2003 spreadsheets or plain text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

from xlperf.files.grid import TextGrid
from xlperf.files.safezip import DEFAULT_LIMITS, OLE_SIGNATURE, ZIP_SIGNATURES, Limits, refuse

SAVE_AS = "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再提交"


def sniff(path) -> str:
    """What a file really is, from its first bytes: "zip", "ole", "html", "xml2003",
    "mht", "text", "empty" or "unknown"."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if not head:
        return "empty"
    if head.startswith(OLE_SIGNATURE):
        return "ole"
    if head.startswith(ZIP_SIGNATURES):
        return "zip"
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n").lower().replace(b"\x00", b"")
    if text.startswith(b"mime-version") or b"multipart/related" in text[:2048]:
        return "mht"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text and b"<workbook" in text:
        return "xml2003"
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in text[:2048]:
        return "html"
    if b"\x00" not in head[:1024] and all(b >= 9 for b in head[:1024]):
        return "text"
    return "unknown"


def refuse_disguised(path, kind: str):
    """The refusal for a file whose bytes are not the format its name says."""
    what = {
        "html": "网页（HTML）格式，只是扩展名为表格",
        "mht": "单个文件网页（MHT）格式",
        "xml2003": "Excel 2003 XML 电子表格格式",
        "text": "纯文本（CSV 等）格式",
        "empty": "空文件（0 字节）",
        "unknown": "无法识别的格式",
    }[kind]
    code = "IN_EMPTY" if kind == "empty" else "IN_WRONG_FORMAT"
    return refuse(path, code, f"文件实为{what}，不是 Excel 或 Word 文件，无法读取；{SAVE_AS}")


def _ole_streams(p: Path) -> tuple[set[str], int | None]:
    """The stream names of an OLE file and the BIFF version its workbook stream starts with."""
    import olefile

    try:
        with olefile.OleFileIO(str(p)) as ole:
            names = {"/".join(e) for e in ole.listdir()}
            stream = "Workbook" if "Workbook" in names else ("Book" if "Book" in names else None)
            version = None
            if stream is not None:
                with ole.openstream(stream) as fh:
                    head = fh.read(8)
                if len(head) >= 6 and head[0:2] in (b"\x09\x08", b"\x09\x04", b"\x09\x02", b"\x09\x00"):
                    version = int.from_bytes(head[4:6], "little")
            return names, version
    except Exception as e:  # olefile raises many kinds on damaged files
        raise refuse(p, "IN_CORRUPT", f"文件已损坏，无法打开（{type(e).__name__}）") from None


def is_xls_workbook(path) -> bool:
    """True for an OLE file that holds an Excel 97–2003 workbook (whatever its name says)."""
    try:
        names, version = _ole_streams(Path(path))
    except Exception:
        return False
    return "Workbook" in names and "EncryptedPackage" not in names and (version is None or version >= 0x0600)


def read_xls(path, limits: Limits = DEFAULT_LIMITS) -> TextGrid:
    """Every sheet of an .xls, one after another, as one grid; raises UnreadableFile."""
    p = Path(path)
    size = p.stat().st_size
    if size > limits.max_file_bytes:
        raise refuse(p, "IN_TOO_LARGE", f"文件过大（{size} 字节，上限 {limits.max_file_bytes} 字节），不是自评表")
    names, version = _ole_streams(p)
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise refuse(p, "IN_ENCRYPTED", "文件已加密（设置了打开密码），无法读取；请取消密码后另存为 .xlsx 再提交")
    if "Workbook" not in names and "Book" not in names:
        raise refuse(p, "IN_WRONG_FORMAT", f"文件不是 Excel 工作簿（可能是 Word 的 .doc 或其他 Office 文件），无法读取；{SAVE_AS}")
    if "Book" in names and "Workbook" not in names or (version is not None and version < 0x0600):
        raise refuse(p, "IN_OLD_EXCEL", f"文件为 Excel 95 或更早的格式，其中的中文无法可靠读取；{SAVE_AS}")
    sheets = _in_worker(p, limits)
    grid = TextGrid(str(p))
    for name, rows in sheets:
        for i, row in enumerate(rows):
            grid.add_row([_value(v) for v in row], name, i + 1, "a1")
    return grid


def _value(v):
    if isinstance(v, dict) and "date" in v:
        return dt.date.fromisoformat(v["date"])
    if isinstance(v, dict) and "datetime" in v:
        return dt.datetime.fromisoformat(v["datetime"])
    return v


def _in_worker(p: Path, limits: Limits) -> list:
    cmd = [sys.executable, "-m", "xlperf.files.xls_grid", str(p), str(limits.max_rows), str(limits.max_cols),
           str(limits.max_cells), str(limits.worker_memory_bytes), str(int(limits.seconds_per_file) or 30)]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=max(limits.seconds_per_file, 5) + 5)
    except subprocess.TimeoutExpired:
        raise refuse(p, "IN_TIMEOUT", "读取 .xls 文件超时，文件可能已损坏；" + SAVE_AS) from None
    if done.returncode != 0:
        why = done.stdout.decode("utf-8", "replace").strip() or f"读取程序异常退出，代码 {done.returncode}"
        code = "IN_TOO_MANY_CELLS" if why.startswith("表格过大") else "IN_CORRUPT"
        raise refuse(p, code, f".xls 文件无法读取（{why[:200]}）；{SAVE_AS}")
    return json.loads(done.stdout)


def _worker(path: str, max_rows: int, max_cols: int, max_cells: int, memory: int, seconds: int) -> int:
    """Run in the worker: read every sheet with calamine, print JSON; exit 1 with a
    Chinese reason on stdout for a file that cannot be read."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    except (ImportError, ValueError, OSError):
        pass
    from python_calamine import CalamineWorkbook

    try:
        with open(path, "rb") as fh:  # by content: an .xls saved under an .xlsx name reads too
            book = CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
        out = []
        cells = 0
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            if sheet.height > max_rows or sheet.width > max_cols:
                print(f"表格过大：工作表“{name}”有 {sheet.height} 行、{sheet.width} 列", end="")
                return 1
            cells += sheet.height * sheet.width
            if cells > max_cells * 10:
                print(f"表格过大：单元格超过 {max_cells * 10} 个", end="")
                return 1
            rows = sheet.to_python(skip_empty_area=False)
            start = sheet.start or (0, 0)
            rows = [[None] * start[1] + list(r) for r in rows]
            rows = [[None] * (start[1] + sheet.width)] * start[0] + rows
            out.append((name, [[_plain(v) for v in r] for r in rows]))
    except Exception as e:  # calamine's errors: the file is damaged
        print(f"{type(e).__name__}：{str(e)[:150]}", end="")
        return 1
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
    return 0


def _plain(v):
    if v == "":
        return None
    if isinstance(v, dt.datetime):
        return {"datetime": v.isoformat()}
    if isinstance(v, dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, (dt.time, dt.timedelta)):
        return str(v)
    return v


if __name__ == "__main__":
    a = sys.argv[1:]
    sys.exit(_worker(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5])))
