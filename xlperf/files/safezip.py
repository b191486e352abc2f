"""Opening a submitted workbook's zip container without trusting it (安全读取).

A finance bureau opens files from hundreds of units; any of them may be damaged,
encrypted, a legacy .xls, or built to hurt (a zip bomb, millions of entries). Before a
byte of XML is parsed, the container is checked here, and every part is decompressed
as a stream whose size is counted as it comes out: the sizes written in the zip's own
headers are checked first but never trusted. Every limit lives in `Limits`
(documented with its value and reason in docs/limits.md); every refusal is an
`UnreadableFile` (an `InputError`) with a stable code and a Chinese message that names
the file and the cause.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from xlperf.errors import InputError

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_CHUNK = 64 * 1024
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Every bound on what reading one workbook may cost (see docs/limits.md)."""

    max_file_bytes: int = 64 * MiB
    """The file itself: a form with a few embedded pictures is a few MB."""
    max_entries: int = 2000
    """Zip entries (parts), counted from the end record before the directory is parsed."""
    max_part_bytes: int = 16 * MiB
    """Uncompressed size of one XML part that is read (a form's sheet is ~100 KB)."""
    max_total_bytes: int = 48 * MiB
    """Uncompressed bytes of all parts read from one file together."""
    max_ratio: int = 100
    """Uncompressed / compressed size of a part, checked once `ratio_floor` bytes are out."""
    ratio_floor: int = 2 * MiB
    """Below this many uncompressed bytes a part may compress as well as it likes."""
    max_cells: int = 100_000
    """Cell elements (<c>) in all sheets read, filled or not."""
    max_rows: int = 10_000
    """Highest row number of a filled cell (the form uses about 200)."""
    max_cols: int = 256
    """Highest column number of a filled cell (the form uses about 10; IV = 256)."""
    max_shared_strings: int = 200_000
    """Entries of the shared-string table."""
    allow_external_links: bool = False
    """A workbook linking to other files is refused unless this is set."""
    seconds_per_file: float = 30.0
    """Batch review: a file still being read after this long becomes a 超时 row."""
    worker_memory_bytes: int = 1024 * MiB
    """Batch review: address-space limit of each worker process (Linux)."""


DEFAULT_LIMITS = Limits()


class UnreadableFile(InputError):
    """A workbook file that cannot or must not be read (exit 2; a 无法读取 row in review).

    `code` is stable (IN_NOT_ZIP, IN_ENCRYPTED, IN_CORRUPT, IN_TOO_LARGE, IN_ZIP_BOMB,
    IN_UNSAFE_XML, IN_TOO_MANY_CELLS, IN_SHEET_MISSING, IN_EXTERNAL_LINK, IN_EMPTY,
    IN_AUTO_MACRO, IN_MACRO_UNREADABLE).
    """

    code = "IN_UNREADABLE"

    def __init__(self, path, cause: str, code: str | None = None):
        super().__init__(f"文件 {path}：{cause}")
        self.path = Path(path)
        self.cause = cause
        if code:
            self.code = code


def refuse(path, code: str, cause: str) -> UnreadableFile:
    return UnreadableFile(path, cause, code)


def _ole_kind(head: bytes) -> str:
    """What an OLE compound file most likely is, from the directory names near its start."""
    if "EncryptedPackage".encode("utf-16-le") in head or "EncryptionInfo".encode("utf-16-le") in head:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    return "unknown"


def preflight(path, limits: Limits = DEFAULT_LIMITS) -> int:
    """Check the file before zipfile parses it; returns its size. Raises UnreadableFile."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size == 0:
            raise refuse(p, "IN_EMPTY", "文件为空（0 字节），不是工作簿")
        if size > limits.max_file_bytes:
            raise refuse(p, "IN_TOO_LARGE", f"文件过大（{size} 字节，上限 {limits.max_file_bytes} 字节），不是自评工作簿")
        with open(p, "rb") as fh:
            head = fh.read(1024 * 1024 if size <= 4 * MiB else 64 * 1024)
            tail_len = min(size, _EOCD_SIZE + 0xFFFF)
            fh.seek(size - tail_len)
            tail = fh.read(tail_len)
    except OSError as e:
        raise refuse(p, "IN_IO", f"无法读取（{e.strerror or e}）") from None
    if head.startswith(OLE_SIGNATURE):
        kind = _ole_kind(head)
        if kind == "encrypted":
            cause = "文件已加密（设置了打开密码），无法读取；请在 Excel 中取消密码后另存为 .xlsx 或 .xlsm 再提交"
        elif kind == "xls":
            cause = "文件为旧版 .xls 格式，无法读取；请在 Excel 中另存为 .xlsx 或 .xlsm 再提交"
        else:
            cause = "文件已加密或为旧版 .xls 格式，无法读取；请取消密码并另存为 .xlsx 或 .xlsm 再提交"
        raise refuse(p, "IN_ENCRYPTED", cause)
    if not head.startswith(ZIP_SIGNATURES):
        raise refuse(p, "IN_NOT_ZIP", "不是 Excel 工作簿（不是 .xlsx/.xlsm 的 zip 格式），可能是改了扩展名的其他文件")
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < _EOCD_SIZE:
        raise refuse(p, "IN_CORRUPT", "工作簿文件不完整或已损坏（找不到 zip 目录结尾，可能传输时被截断）")
    entries, directory_bytes = struct.unpack_from("<HI", tail, at + 10)
    zip64 = _zip64_end(p, tail, at, size - tail_len)
    if zip64 is not None:
        entries64, directory64 = zip64
        if (entries != 0xFFFF and entries != entries64) or (directory_bytes != 0xFFFFFFFF and directory_bytes != directory64):
            raise refuse(
                p, "IN_CORRUPT",
                f"工作簿文件已损坏（ZIP64 目录记录的部件数 {entries64}、目录大小 {directory64} 字节"
                f"与目录结尾记录的 {entries}、{directory_bytes} 字节不一致）",
            )
        entries, directory_bytes = entries64, directory64
    if entries > limits.max_entries or directory_bytes > limits.max_entries * 1024:
        raise refuse(p, "IN_TOO_LARGE", f"工作簿包含的部件过多（{entries} 个，上限 {limits.max_entries} 个），不是正常的自评工作簿")
    return size


_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"


def _zip64_end(p: Path, tail: bytes, at: int, tail_start: int) -> tuple[int, int] | None:
    """(entries, directory bytes) of the ZIP64 end record, when the file has one.

    zipfile takes these numbers instead of the end record's whenever a ZIP64 locator sits
    just before the end record, so they are checked here, as the end record's are,
    before zipfile parses a directory of their size."""
    if at < 20 or tail[at - 20 : at - 16] != _ZIP64_LOCATOR:
        return None
    record = tail[at - 76 : at - 20] if at >= 76 else b""
    if len(record) != 56 or not record.startswith(_ZIP64_END):
        raise refuse(p, "IN_CORRUPT", "工作簿文件已损坏（ZIP64 目录记录缺失或不完整）")
    disk_entries, entries, directory_bytes = struct.unpack_from("<QQQ", record, 24)
    if disk_entries != entries:
        raise refuse(p, "IN_CORRUPT", "工作簿文件已损坏（ZIP64 目录记录的部件数前后不一致）")
    return entries, directory_bytes


class SafePackage:
    """A workbook's zip opened after `preflight`; parts are read with streaming limits."""

    def __init__(self, path, limits: Limits = DEFAULT_LIMITS):
        self.path = Path(path)
        self.limits = limits
        preflight(self.path, limits)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, struct.error, NotImplementedError) as e:
            raise refuse(self.path, "IN_CORRUPT", f"工作簿文件已损坏，无法打开（{_zip_reason(e)}）") from None
        except OSError as e:
            raise refuse(self.path, "IN_IO", f"无法读取（{e.strerror or e}）") from None
        infos = self._zip.infolist()
        if len(infos) > limits.max_entries:
            self.close()
            raise refuse(self.path, "IN_TOO_LARGE", f"工作簿包含的部件过多（{len(infos)} 个，上限 {limits.max_entries} 个）")
        self._infos = {i.filename: i for i in infos}
        folded = {name.lower() for name in self._infos}
        if len(folded) != len(infos):
            seen: set[str] = set()
            twice = next(i.filename for i in infos if i.filename.lower() in seen or seen.add(i.filename.lower()))
            self.close()
            raise refuse(self.path, "IN_CORRUPT", f"工作簿文件已损坏（部件 {twice[:80]} 重复出现，无法确定以哪一个为准）")
        self._read_total = 0

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "SafePackage":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def has(self, name: str) -> bool:
        return name in self._infos

    def declared_size(self, name: str) -> int:
        """The uncompressed size the zip directory claims for a part (never trusted for
        limits: `stream` counts what really comes out)."""
        return self._infos[name].file_size

    def find(self, name: str) -> str | None:
        """The stored name of a part, matched case-insensitively as Excel does."""
        if name in self._infos:
            return name
        low = name.lower()
        return next((n for n in self._infos if n.lower() == low), None)

    def stream(self, name: str):
        """Yield the part's uncompressed bytes in chunks, enforcing size and ratio limits."""
        info = self._infos[name]
        lim = self.limits
        if info.flag_bits & 0x1:
            raise refuse(self.path, "IN_ENCRYPTED", f"工作簿部件 {name} 已加密，无法读取")
        cap = min(lim.max_part_bytes, lim.max_total_bytes - self._read_total)
        ratio_cap = max(lim.ratio_floor, info.compress_size * lim.max_ratio)
        if info.file_size > ratio_cap:
            raise self._bomb(name)
        if info.file_size > cap:
            raise self._too_big(name, info.file_size)
        out = 0
        try:
            with self._zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    out += len(chunk)
                    self._read_total += len(chunk)
                    if out > ratio_cap:
                        raise self._bomb(name)
                    if out > cap:
                        raise self._too_big(name, out)
                    yield chunk
        except UnreadableFile:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, struct.error) as e:
            raise refuse(self.path, "IN_CORRUPT", f"工作簿文件已损坏，部件 {name} 无法解压（{_zip_reason(e)}）") from None
        except OSError as e:
            raise refuse(self.path, "IN_IO", f"无法读取（{e.strerror or e}）") from None
        except RuntimeError as e:  # zipfile: "File ... is encrypted, password required"
            raise refuse(self.path, "IN_ENCRYPTED", f"工作簿部件 {name} 已加密，无法读取（{e}）") from None

    def read(self, name: str) -> bytes:
        return b"".join(self.stream(name))

    def _too_big(self, name: str, size: int) -> UnreadableFile:
        return refuse(
            self.path,
            "IN_TOO_LARGE",
            f"工作簿部件 {name} 解压后过大（至少 {size} 字节，单个部件上限 {self.limits.max_part_bytes} 字节、"
            f"合计上限 {self.limits.max_total_bytes} 字节），不是正常的自评工作簿",
        )

    def _bomb(self, name: str) -> UnreadableFile:
        return refuse(
            self.path,
            "IN_ZIP_BOMB",
            f"工作簿部件 {name} 的压缩比异常（超过 {self.limits.max_ratio} 倍，疑似“压缩炸弹”），为安全起见不予读取",
        )


def _zip_reason(e: BaseException) -> str:
    text = str(e) or type(e).__name__
    known = {
        "File is not a zip file": "不是有效的 zip 文件",
        "Bad magic number for file header": "部件头部损坏",
        "Truncated file header": "部件头部被截断",
        "Bad CRC-32": "校验码不符",
        "That compression method is not supported": "使用了不支持的压缩方式（如 Deflate64），请在 Excel 中重新保存",
        "compression type": "使用了不支持的压缩方式，请在 Excel 中重新保存",
        "Error -3": "压缩数据已损坏",
        "Truncated": "数据被截断",
        "Corrupt": "目录已损坏",
        "Bad magic": "目录已损坏",
        "zipfiles that span multiple disks": "分卷压缩文件不受支持",
    }
    for key, value in known.items():
        if key.lower() in text.lower():
            return value
    return "无法识别的 zip 结构错误"
