"""Hostile and broken inputs through the command line: exit 2, a Chinese message naming
the file and the cause, no traceback, bounded time and memory, nothing written.

The corpus is built by code (tests/badfiles.py). Each file runs through
`python -m xlperf.cli check FILE` in a subprocess limited to 1 GiB of address space, with
a 20 s hang guard (a guard, not a timed assertion). A hypothesis test then mutates a
real workbook and asserts that the command line still answers 0, 1 or 2 without an
unexpected exception; two more do the same through `xlperf mark` and `xlperf review`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.badfiles import CORPUS, MARK_CORPUS, auto_macro, build_corpus, builder_available, form_workbook
from xlperf.files.xlsx_grid import UnreadableFile, read_grids

ROOT = Path(__file__).resolve().parent.parent
MEMORY = 1024 * 1024 * 1024
HANG_GUARD = 20


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    env.pop("XLPERF_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "xlperf.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        preexec_fn=_limit_memory if os.name == "posix" else None,
    )


def _listing(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    base = form_workbook(folder / "_base.xlsx")
    return base, build_corpus(folder, base)


@pytest.mark.parametrize("entry", CORPUS, ids=[e.name for e in CORPUS])
def test_bad_input_gives_exit_2_and_a_chinese_cause(corpus, entry, tmp_path):
    _, paths = corpus
    target = tmp_path / paths[entry.name].name
    shutil.copyfile(paths[entry.name], target)
    before = _listing(tmp_path)
    data = target.read_bytes()

    done = run_cli("check", target.name, cwd=tmp_path)

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert "内部错误" not in done.stderr
    assert target.name in done.stderr
    for fragment in entry.cause:
        assert fragment in done.stderr
    assert _listing(tmp_path) == before
    assert target.read_bytes() == data


def test_auto_run_macros_are_refused_and_never_run(corpus, tmp_path):
    """An .xlsm whose VBA project has Workbook_Open and Auto_Open is refused (exit 2,
    IN_AUTO_MACRO, naming the modules and procedures); nothing is run or written."""
    base, _ = corpus
    macro = auto_macro(tmp_path, base)
    before = _listing(tmp_path)

    done = run_cli("check", macro.name, cwd=tmp_path)

    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert f"文件 {macro.name}：工作簿含有自动运行的宏（" in done.stderr
    assert "模块 ThisWorkbook 的 Workbook_Open" in done.stderr
    assert "模块 Module1 的 Auto_Open" in done.stderr
    assert "另存为不含宏的 .xlsx" in done.stderr
    assert _listing(tmp_path) == before
    with pytest.raises(UnreadableFile) as refused:
        read_grids(macro)
    assert refused.value.code == "IN_AUTO_MACRO"


def test_macros_without_auto_run_procedures_are_read_like_the_plain_workbook(corpus, tmp_path):
    """The same workbook with a VBA project of button macros and UDF wrappers only (what
    xlperf new writes) reads exactly like the workbook without it."""
    from xlperf.excel.vba_modules import vba_modules
    from xlperf.excel.vba import build_vba_project

    base, _ = corpus
    macro = auto_macro(tmp_path, base, build_vba_project(vba_modules()), "own-macros.xlsm")
    plain = tmp_path / "plain.xlsx"
    shutil.copyfile(base, plain)
    before = _listing(tmp_path)

    with_macro = run_cli("check", macro.name, "--json", cwd=tmp_path)
    without = run_cli("check", plain.name, "--json", cwd=tmp_path)

    assert with_macro.returncode == without.returncode
    assert with_macro.stdout == without.stdout
    assert "Traceback" not in with_macro.stderr
    assert _listing(tmp_path) == before


def test_garbage_macro_project_is_refused_as_unreadable(tmp_path):
    base = form_workbook(tmp_path / "base.xlsx")
    macro = auto_macro(tmp_path, base, b"not a compound file" * 50, "garbage.xlsm")
    with pytest.raises(UnreadableFile) as refused:
        read_grids(macro)
    assert refused.value.code == "IN_MACRO_UNREADABLE"
    assert str(refused.value).startswith(f"文件 {macro}：")
    assert "宏工程已损坏或无法解析" in str(refused.value)


def test_review_of_the_corpus_gives_one_unreadable_row_each(corpus, tmp_path):
    """The same corpus in a batch: each file a 无法读取 row with its code (a Word file that
    holds no form: a 不是自评表 row), the batch goes on."""
    from xlperf.outputs.review import NOT_A_FORM, UNREADABLE, review

    _, paths = corpus
    folder = tmp_path / "in"
    folder.mkdir()
    entries = [e for e in CORPUS if not e.needs_builder or builder_available()]
    for e in entries:
        shutil.copyfile(paths[e.name], folder / f"{e.name}{paths[e.name].suffix}")
    before = _listing(folder)

    result = review([folder], tmp_path / "summary.xlsx", jobs=2, progress=False)

    by_name = {Path(f.file).stem: f for f in result.forms}
    assert set(by_name) == {e.name for e in entries}
    for e in entries:
        row = by_name[e.name]
        assert row.status == (NOT_A_FORM if e.code == "IN_NOT_FORM" else UNREADABLE), e.name
        assert row.code == e.code, (e.name, row.cause)
        assert all(fragment in row.cause for fragment in e.cause), (e.name, row.cause)
    assert _listing(folder) == before
    assert (tmp_path / "summary.xlsx").is_file()


@pytest.mark.parametrize("entry", MARK_CORPUS, ids=[e.name for e in MARK_CORPUS])
def test_mark_refuses_what_openpyxl_must_not_read(corpus, entry, tmp_path):
    """`xlperf mark` reads the whole workbook with openpyxl: the archive and every part are
    checked first, within the same limits (1 GiB, hang guard), and nothing is written."""
    base, _ = corpus
    target = entry.build(tmp_path, base)
    before = _listing(tmp_path)
    out = "marked" + target.suffix

    done = run_cli("mark", target.name, "-o", out, cwd=tmp_path)

    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert target.name in done.stderr
    for fragment in entry.cause:
        assert fragment in done.stderr
    assert _listing(tmp_path) == before


# ---- mutations of a real workbook -------------------------------------------------------


class _Workbook(tuple):
    """(file bytes, {part name: bytes}) with a short repr for hypothesis' reports."""

    def __repr__(self) -> str:
        return "<form workbook>"


@pytest.fixture(scope="module")
def real_workbook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("real")
    path = form_workbook(folder / "form.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    return _Workbook((path.read_bytes(), parts))


def _check_in_process(path: Path, capsys, monkeypatch) -> int:
    """`xlperf check` in this process; XLPERF_DEBUG makes any unexpected exception escape."""
    from xlperf import cli

    monkeypatch.setenv("XLPERF_DEBUG", "1")
    code = cli.main(["check", str(path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if code == 2:
        assert str(path) in err
    return code


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(data=st.data())
def test_mutated_zip_bytes(real_workbook, tmp_path, capsys, monkeypatch, data):
    raw, _ = real_workbook
    path = tmp_path / "mutant.xlsx"
    path.write_bytes(_mutate(data, raw))
    assert _check_in_process(path, capsys, monkeypatch) in (0, 1, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mutant.xlsx"]


@_SETTINGS
@given(data=st.data())
def test_mutated_xml_parts(real_workbook, tmp_path, capsys, monkeypatch, data):
    """Mutations inside the XML (re-zipped with correct checksums) reach the parsers."""
    _, parts = real_workbook
    xml_parts = sorted(n for n in parts if n.endswith(".xml") or n.endswith(".rels"))
    name = data.draw(st.sampled_from(xml_parts))
    text = bytearray(parts[name])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, max(len(text) - 1, 0)))
        kind = data.draw(st.sampled_from(["flip", "insert", "delete", "swap-digit", "tag"]))
        if kind == "flip":
            text[at] ^= data.draw(st.integers(1, 255))
        elif kind == "insert":
            text[at:at] = data.draw(st.sampled_from([b"<", b">", b"&amp;", b"\"", b"0", b"-1", b"99999999", b"<x/>", b"\xff", b"\xe4\xb8"]))
        elif kind == "delete":
            del text[at : at + data.draw(st.integers(1, 40))]
        elif kind == "swap-digit":
            digits = [i for i, b in enumerate(text) if 48 <= b <= 57]
            if digits:
                text[digits[at % len(digits)]] = data.draw(st.integers(48, 57))
        else:
            for needle in (b'r="', b' s="', b' t="'):
                hit = text.find(needle, at)
                if hit >= 0:
                    text[hit + len(needle) : hit + len(needle)] = data.draw(st.sampled_from([b"Z", b"9", b"s", b"inlineStr", b"-"]))
                    break
    path = tmp_path / "mutant.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, content in parts.items():
            z.writestr(n, bytes(text) if n == name else content)
    assert _check_in_process(path, capsys, monkeypatch) in (0, 1, 2)


# ---- rule files named by a form ----------------------------------------------------------


def _form_naming_rules(folder: Path, rules: str) -> Path:
    from tests.badfiles import example_data

    data = example_data()
    data["scoring"]["rules"] = rules
    p = folder / "form.json"
    p.write_text(__import__("json").dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def test_rule_names_from_a_form_stay_inside_its_folder(tmp_path):
    """A form may name a shipped rule set or a rule file in its own folder; anything else
    is refused with the same words whether it exists or not, and never read."""
    shipped = (ROOT / "xlperf" / "rules" / "guangdong-municipal.json").read_text(encoding="utf-8")
    outside = tmp_path / "outside.json"
    outside.write_text(shipped, encoding="utf-8")
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "sub").mkdir()
    (folder / "sub" / "own.json").write_text(shipped, encoding="utf-8")
    (folder / "link.json").symlink_to(outside)
    (folder / "big.json").write_bytes(b" " * (2 * 1024 * 1024) + shipped.encode())

    answers = {}
    for name in ("../outside.json", "../missing.json", str(outside), "/etc/missing.json", "/dev/zero",
                 "link.json", "C:\\财务\\规则.json", "sub/../../outside.json"):
        _form_naming_rules(folder, name)
        done = run_cli("check", "form.json", cwd=folder)
        assert done.returncode == 2, (name, done.stderr)
        assert "Traceback" not in done.stderr
        assert "不是本文件所在文件夹中的规则文件" in done.stderr, (name, done.stderr)
        answers[name] = done.stderr.replace(name[:100], "NAME")
    assert len(set(answers.values())) == 1, answers

    _form_naming_rules(folder, "big.json")
    done = run_cli("check", "form.json", cwd=folder)
    assert done.returncode == 2 and "过大" in done.stderr, done.stderr

    _form_naming_rules(folder, "sub/own.json")
    done = run_cli("check", "form.json", "--json", cwd=folder)
    assert done.returncode in (0, 1), done.stderr
    assert '"guangdong-municipal"' in done.stdout or "own" in done.stdout

    _form_naming_rules(folder, "../outside.json")
    done = run_cli("check", "form.json", "--rules", str(outside), cwd=folder)
    assert done.returncode in (0, 1), done.stderr


def test_a_rule_path_on_the_command_line_is_size_and_type_checked(tmp_path):
    form = _form_naming_rules(tmp_path, "national-2020")
    done = run_cli("check", form.name, "--rules", "/dev/zero", cwd=tmp_path)
    assert done.returncode == 2 and "不是普通文件" in done.stderr, done.stderr


def _mutate(data, raw: bytes) -> bytes:
    buf = bytearray(raw)
    kind = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
    at = data.draw(st.integers(0, len(buf) - 1))
    if kind == "flip":
        for k in range(data.draw(st.integers(1, 8))):
            buf[(at + k * 97) % len(buf)] ^= data.draw(st.integers(1, 255))
    elif kind == "insert":
        buf[at:at] = data.draw(st.binary(min_size=1, max_size=64))
    elif kind == "delete":
        del buf[at : at + data.draw(st.integers(1, 256))]
    else:
        del buf[at:]
    return bytes(buf)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_zip_bytes_through_mark(real_workbook, tmp_path_factory, capsys, monkeypatch, data):
    """`xlperf mark` of a damaged workbook: 0, 1 or 2, never an unexpected exception; the
    source is never changed, and nothing but the marked copy is written."""
    from xlperf import cli

    folder = tmp_path_factory.mktemp("mark")
    raw, _ = real_workbook
    path = folder / "mutant.xlsx"
    mutant = _mutate(data, raw)
    path.write_bytes(mutant)
    monkeypatch.setenv("XLPERF_DEBUG", "1")
    code = cli.main(["mark", str(path), "-o", str(folder / "marked.xlsx")])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2)
    assert "Traceback" not in out + err
    assert path.read_bytes() == mutant
    assert {p.name for p in folder.iterdir()} <= {"mutant.xlsx", "marked.xlsx"}
    if code == 2:
        assert str(path) in err or "marked.xlsx" in err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_zip_bytes_through_review(real_workbook, tmp_path_factory, data):
    """A damaged workbook in a batch is one row (read, or 无法读取 with a code) and the
    summary is written for the batch."""
    from tests.badfiles import clean_data
    from xlperf.outputs.review import review

    folder = tmp_path_factory.mktemp("review")
    raw, _ = real_workbook
    (folder / "mutant.xlsx").write_bytes(_mutate(data, raw))
    (folder / "good.json").write_text(__import__("json").dumps(clean_data(), ensure_ascii=False), encoding="utf-8")
    out = folder.parent / (folder.name + "-summary.xlsx")

    result = review([folder], out, jobs=1, progress=False)

    rows = {Path(f.file).name: f for f in result.forms}
    assert set(rows) == {"mutant.xlsx", "good.json"}
    assert rows["good.json"].status == "通过"
    assert rows["mutant.xlsx"].code != "INTERNAL", rows["mutant.xlsx"].cause
    assert out.is_file()
