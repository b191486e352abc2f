"""Atomic output: refusals leave everything as it was, and no temporary file survives."""

from __future__ import annotations

import os

import pytest

from xlperf.files import atomic
from xlperf.files.atomic import OutputError, atomic_path, check_output, write_atomic
from xlperf.errors import InputError


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX)]


def test_writes_new_file(tmp_path):
    out = tmp_path / "报告.docx"
    assert write_atomic(out, b"new") == out
    assert out.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


def test_writer_function_gets_a_binary_file(tmp_path):
    out = tmp_path / "a.bin"
    write_atomic(out, lambda fh: fh.write(b"\x00\x01"))
    assert out.read_bytes() == b"\x00\x01"


def test_refuses_existing_without_force_and_keeps_it(tmp_path):
    out = tmp_path / "报告.docx"
    out.write_bytes(b"earlier")
    with pytest.raises(OutputError) as info:
        write_atomic(out, b"new")
    assert info.value.code == "OUT_EXISTS"
    assert "已存在" in info.value.message and "--force" in info.value.message
    assert out.read_bytes() == b"earlier"
    assert _leftovers(tmp_path) == []


def test_force_replaces(tmp_path):
    out = tmp_path / "报告.docx"
    out.write_bytes(b"earlier")
    write_atomic(out, b"new", force=True)
    assert out.read_bytes() == b"new"
    assert _leftovers(tmp_path) == []


def test_file_appearing_during_write_is_not_replaced(tmp_path):
    out = tmp_path / "r.docx"

    def writer(fh):
        out.write_bytes(b"someone else")
        fh.write(b"mine")

    with pytest.raises(OutputError) as info:
        write_atomic(out, writer)
    assert info.value.code == "OUT_EXISTS"
    assert out.read_bytes() == b"someone else"
    assert _leftovers(tmp_path) == []


def test_interrupted_write_keeps_earlier_file_byte_identical(tmp_path):
    out = tmp_path / "报告.docx"
    earlier = os.urandom(4096)
    out.write_bytes(earlier)

    def writer(fh):
        fh.write(b"half a report")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(out, writer, force=True)
    assert out.read_bytes() == earlier
    assert _leftovers(tmp_path) == []


def test_failing_writer_inside_atomic_path(tmp_path):
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"earlier")
    with pytest.raises(RuntimeError):
        with atomic_path(out, force=True) as tmp:
            tmp.write_bytes(b"partial")
            raise RuntimeError("boom")
    assert out.read_bytes() == b"earlier"
    assert _leftovers(tmp_path) == []


def test_os_error_while_writing_becomes_chinese_error(tmp_path):
    out = tmp_path / "r.docx"

    def writer(fh):
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError) as info:
        write_atomic(out, writer)
    assert info.value.code == "OUT_FAILED"
    assert "写入" in info.value.message and "原有文件未改动" in info.value.message
    assert not out.exists()
    assert _leftovers(tmp_path) == []


def test_refuses_source_file_even_with_force(tmp_path):
    src = tmp_path / "自评表.xlsm"
    src.write_bytes(b"the workbook")
    for target in (src, tmp_path / "." / "自评表.xlsm"):
        with pytest.raises(OutputError) as info:
            write_atomic(target, b"x", force=True, source=src)
        assert info.value.code == "OUT_IS_SOURCE"
        assert "源文件" in info.value.message
    assert src.read_bytes() == b"the workbook"


def test_refuses_source_through_a_hard_link(tmp_path):
    src = tmp_path / "a.json"
    src.write_text("{}")
    link = tmp_path / "b.json"
    os.link(src, link)
    with pytest.raises(OutputError) as info:
        check_output(link, force=True, source=[None, src])
    assert info.value.code == "OUT_IS_SOURCE"


def test_folder_is_a_regular_file(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OutputError) as info:
        write_atomic(blocker / "r.docx", b"x")
    assert info.value.code == "OUT_NOT_DIR"
    assert "不是文件夹" in info.value.message
    with pytest.raises(OutputError) as info:
        write_atomic(blocker / "sub" / "r.docx", b"x")
    assert info.value.code == "OUT_NOT_DIR"


def test_missing_folder(tmp_path):
    with pytest.raises(OutputError) as info:
        write_atomic(tmp_path / "nowhere" / "r.docx", b"x")
    assert info.value.code == "OUT_NO_DIR"
    assert "不存在" in info.value.message


def test_output_is_a_folder(tmp_path):
    with pytest.raises(OutputError) as info:
        write_atomic(tmp_path, b"x", force=True)
    assert info.value.code == "OUT_IS_DIR"


def test_unwritable_folder(tmp_path, monkeypatch):
    real_open = os.open

    def denied(path, flags, *args):
        if str(path).endswith(atomic.TEMP_SUFFIX):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(OutputError) as info:
        write_atomic(tmp_path / "r.docx", b"x")
    assert info.value.code == "OUT_DENIED"
    assert "写入权限" in info.value.message


def test_replace_refused_leaves_earlier_file(tmp_path, monkeypatch):
    """As when Word holds the file open on Windows."""
    out = tmp_path / "r.docx"
    out.write_bytes(b"earlier")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError) as info:
        write_atomic(out, b"new", force=True)
    assert info.value.code == "OUT_BUSY"
    assert "打开" in info.value.message
    assert out.read_bytes() == b"earlier"
    assert _leftovers(tmp_path) == []


def test_output_error_is_an_input_error_for_the_cli():
    err = OutputError("OUT_EXISTS", "输出文件已存在")
    assert isinstance(err, InputError)
    assert str(err) == "输出文件已存在"
