"""Atomic output files: a report or workbook appears whole or not at all.

A person's earlier report, or the workbook they work in, must never be left half
written: output goes to a temporary file in the target folder, is flushed to disk, and
then takes the final name in one step. An existing file is replaced only when asked
(``force``), and the file a form was read from is never written over.
Every refusal is an `OutputError` with a stable code and a Chinese message.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Union

from xlperf.errors import InputError

PathLike = Union[str, "os.PathLike[str]"]

TEMP_SUFFIX = ".tmp"


class OutputError(InputError):
    """An output that cannot or must not be written (输出文件无法写入).

    Codes: ``OUT_EXISTS``, ``OUT_IS_SOURCE``, ``OUT_IS_DIR``, ``OUT_NO_DIR``,
    ``OUT_NOT_DIR``, ``OUT_DENIED``, ``OUT_BUSY``, ``OUT_FAILED``.
    """

    def __init__(self, code: str, message: str, path: PathLike | None = None):
        super().__init__(message)
        self.code = code
        self.path = Path(path) if path is not None else None


def check_output(
    out_path: PathLike,
    *,
    force: bool = False,
    source: PathLike | Iterable[PathLike] | None = None,
) -> Path:
    """The output path, after the refusals that need no writing; raises `OutputError`."""
    out = Path(out_path)
    for src in _sources(source):
        if _same_file(out, src):
            raise OutputError(
                "OUT_IS_SOURCE",
                f"输出文件“{out}”就是读取的源文件，写入会覆盖原表。请另选输出文件名。",
                out,
            )
    folder = out.parent
    if out.is_dir():
        raise OutputError("OUT_IS_DIR", f"输出路径“{out}”是一个文件夹，请给出文件名。", out)
    if not folder.exists():
        blocker = _existing_non_dir_ancestor(folder)
        if blocker is not None:
            raise OutputError(
                "OUT_NOT_DIR", f"无法写入“{out}”：“{blocker}”是文件，不是文件夹。", out
            )
        raise OutputError("OUT_NO_DIR", f"无法写入“{out}”：文件夹“{folder}”不存在。", out)
    if not folder.is_dir():
        raise OutputError("OUT_NOT_DIR", f"无法写入“{out}”：“{folder}”是文件，不是文件夹。", out)
    if out.exists() and not force:
        raise OutputError(
            "OUT_EXISTS",
            f"输出文件“{out}”已存在，未覆盖。如需覆盖，请使用 --force（覆盖已存在的文件）。",
            out,
        )
    return out


@contextmanager
def atomic_path(
    out_path: PathLike,
    *,
    force: bool = False,
    source: PathLike | Iterable[PathLike] | None = None,
) -> Iterator[Path]:
    """Yield a temporary path beside ``out_path``; on a clean exit it becomes ``out_path``.

    For writers that want a file name (openpyxl, python-docx, a copy). On any exception
    the temporary file is removed and an existing ``out_path`` is left untouched.
    """
    out = check_output(out_path, force=force, source=source)
    tmp = _create_temp(out)
    try:
        try:
            yield tmp
            _fsync_path(tmp)
        except OSError as e:
            raise _write_failed(out, e) from e
        _publish(tmp, out, force=force)
    except BaseException:
        _remove_quietly(tmp)
        raise


def write_atomic(
    out_path: PathLike,
    content: bytes | Callable[[BinaryIO], object],
    *,
    force: bool = False,
    source: PathLike | Iterable[PathLike] | None = None,
) -> Path:
    """Write ``content`` (bytes, or a function writing to a binary file) atomically."""
    with atomic_path(out_path, force=force, source=source) as tmp:
        with open(tmp, "wb") as fh:
            if isinstance(content, (bytes, bytearray, memoryview)):
                fh.write(content)
            else:
                content(fh)
    return Path(out_path)


def _sources(source) -> list[Path]:
    if source is None:
        return []
    if isinstance(source, (str, os.PathLike)):
        return [Path(source)]
    return [Path(s) for s in source if s is not None]


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _existing_non_dir_ancestor(folder: Path) -> Path | None:
    for parent in [folder, *folder.parents]:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def _create_temp(out: Path) -> Path:
    """A new, empty, uniquely named file in the target folder (same file system)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        except PermissionError as e:
            raise OutputError(
                "OUT_DENIED", f"无法写入“{out}”：没有文件夹“{out.parent}”的写入权限。", out
            ) from e
        except OSError as e:
            raise _write_failed(out, e) from e
        os.close(fd)
        return tmp
    raise OutputError("OUT_FAILED", f"无法在“{out.parent}”中创建临时文件。", out)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(tmp: Path, out: Path, *, force: bool) -> None:
    """Give ``tmp`` the final name; without ``force`` never replace a file that appeared meanwhile."""
    try:
        if force:
            os.replace(tmp, out)
        else:
            _link_no_replace(tmp, out)
    except FileExistsError as e:
        raise OutputError(
            "OUT_EXISTS",
            f"输出文件“{out}”已存在，未覆盖。如需覆盖，请使用 --force（覆盖已存在的文件）。",
            out,
        ) from e
    except PermissionError as e:
        raise OutputError(
            "OUT_BUSY",
            f"无法写入“{out}”：文件可能正被 Word、Excel 或 WPS 打开，或没有写入权限。请关闭该文件后重试。",
            out,
        ) from e
    except OSError as e:
        raise _write_failed(out, e) from e
    _fsync_dir(out.parent)


def _link_no_replace(tmp: Path, out: Path) -> None:
    if os.name == "nt":
        os.rename(tmp, out)  # fails when ``out`` exists
        return
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise
    except OSError:
        if out.exists():
            raise FileExistsError(str(out)) from None
        os.replace(tmp, out)  # a file system without hard links
        return
    os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _write_failed(out: Path, e: OSError) -> OutputError:
    reason = e.strerror or str(e)
    return OutputError("OUT_FAILED", f"写入“{out}”失败（{reason}），原有文件未改动。", out)
