"""The batch review: 200 generated forms with seeded mistakes and broken files give a
summary whose rows and findings are exactly what was seeded."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from tests.badfiles import Expected, clean_data, generate_batch
from xlperf.engine.checks import CATALOGUE
from xlperf.errors import InputError
from xlperf.outputs.review import UNREADABLE, collect, review, review_json, summary_text
from xlperf.files.safezip import Limits
from xlperf.files.xlsx_grid import read_grids

N = 200


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    expected = generate_batch(root / "forms", N, workbooks=40, broken=20)
    result = review([root / "forms"], root / "汇总.xlsx", jobs=2, progress=False)
    return root, expected, result


def _rows(result):
    return {Path(f.file).name: f for f in result.forms}


def _findings(result):
    found: dict[str, set] = {}
    for f in result.findings:
        found.setdefault(Path(f.file).name, set()).add((f.code, f.field))
    return found


def test_every_form_has_its_row(batch):
    _, expected, result = batch
    assert len(result.forms) == N
    assert sorted(_rows(result)) == sorted(e.file.name for e in expected)


def test_rows_and_findings_are_exactly_what_was_seeded(batch):
    _, expected, result = batch
    rows, findings = _rows(result), _findings(result)
    for e in expected:
        row = rows[e.file.name]
        if e.kind == "broken":
            assert row.status == UNREADABLE and row.code == e.code, (e.file.name, row.cause)
            assert row.cause.startswith(f"文件 {row.file}：")
            assert findings[e.file.name] == {(e.code, "")}
            continue
        assert findings.get(e.file.name, set()) == set(e.findings), e.file.name
        errors = sum(CATALOGUE[code].severity == "error" for code, _ in e.findings)
        assert (row.errors, row.warnings) == (errors, len(e.findings) - errors), e.file.name
        assert row.status == ("有错误" if errors else "通过")
        assert (row.unit, row.project) == (e.unit, e.project)
        assert row.score is not None and row.grade in ("优", "良", "中", "差")


def test_workbook_findings_point_at_cells(batch):
    _, expected, result = batch
    workbooks = {e.file.name for e in expected if e.kind == "workbook"}
    located = [f for f in result.findings if Path(f.file).name in workbooks]
    assert located or not workbooks
    assert all(f.cell and "!" in f.cell for f in located)


def test_summary_workbook(batch):
    root, expected, result = batch
    path = root / "汇总.xlsx"
    grids = read_grids(path)
    assert list(grids) == ["汇总", "问题清单", "统计", "问题类型统计"]
    summary = grids["汇总"]
    assert summary[0][:10] == ["文件", "填报单位", "项目名称", "评价金额（万元）", "预算执行率", "得分", "等级", "错误数", "警告数", "状态"]
    assert [r[0] for r in summary[1:]] == [f.file for f in result.forms]
    assert [r[9] for r in summary[1:]] == [f.status for f in result.forms]
    assert Counter(r[9] for r in summary[1:])[UNREADABLE] == sum(e.kind == "broken" for e in expected)
    listed = grids["问题清单"]
    assert listed[0] == ["文件", "代码", "级别", "单元格", "说明"]
    assert len(listed) - 1 == len(result.findings)
    assert {(r[0], r[1]) for r in listed[1:]} == {(f.file, f.code) for f in result.findings}
    stats = {row[0]: row[1] for row in grids["统计"][2 : 2 + len(result.grade_counts())]}
    assert stats == result.grade_counts() and sum(stats.values()) == N

    import openpyxl

    wb = openpyxl.load_workbook(path)
    for name, last_col in (("汇总", "O"), ("问题清单", "E")):
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{last_col}{ws.max_row}"
    with zipfile.ZipFile(path) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
        assert "统计!$A$3:$A$10" in chart and "统计!$B$3:$B$10" in chart and "<c:barChart>" in chart
        codes_chart = z.read("xl/charts/chart2.xml").decode()
        assert "问题类型统计!$D$2" in codes_chart

    codes = grids["问题类型统计"]
    assert codes[0] == ["代码", "问题类型", "级别", "出现次数", "涉及文件数"]
    counted = {r[0]: (r[3], r[4]) for r in codes[1:] if r[0] and r[0] != "合计" and not r[0].startswith("图：")}
    files: dict[str, set] = {}
    for f in result.findings:
        files.setdefault(f.code, set()).add(f.file)
    assert counted == {c: (n, len(files[c])) for c, n in Counter(f.code for f in result.findings).items()}
    assert [r[3] for r in codes[1 : len(counted) + 1]] == sorted((n for n, _ in counted.values()), reverse=True)
    assert all(r[1] and not r[1].isascii() for r in codes[1 : len(counted) + 1])

    for name in ("汇总", "问题清单", "统计", "问题类型统计"):
        setup = wb[name].page_setup
        assert setup.orientation == "landscape" and str(setup.paperSize) == "9", name
    for name in ("汇总", "问题清单"):
        ws = wb[name]
        assert ws.print_title_rows in ("1:1", "$1:$1")
        assert ws.sheet_properties.pageSetUpPr.fitToPage  # one page wide (fitToWidth 1 is the default), any height
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    for name in ("统计", "问题类型统计"):
        assert wb[name].row_breaks.brk, name  # the chart starts a page of its own
    summary_ws = wb["汇总"]
    for row in range(2, summary_ws.max_row + 1):
        cell = summary_ws.cell(row, 1)
        target = cell.hyperlink.target.replace("\\", "/") if cell.hyperlink else None  # Excel's own separator
        assert target is not None and not Path(target).is_absolute()
        assert (root / target).resolve() == Path(cell.value).resolve()
    widths = [summary_ws.column_dimensions[c].width for c in "ABC"]
    assert all(12 <= w <= 41 for w in widths), widths  # XlsxWriter stores width + 0.71


def test_json_output(batch):
    _, expected, result = batch
    data = json.loads(json.dumps(review_json(result), ensure_ascii=False))
    assert data["files"] == N and len(data["forms"]) == N
    assert data["unreadable"] == sum(e.kind == "broken" for e in expected)
    assert data["grades"][UNREADABLE] == data["unreadable"]
    assert len(data["findings"]) == len(result.findings)
    assert data["ok"] is False
    assert "审核 200 个文件" in summary_text(result)


def test_one_process_gives_the_same_rows(batch, tmp_path):
    root, expected, result = batch
    sample = sorted(e.file for e in expected)[::10]
    alone = review(sample, None, jobs=1, progress=False)
    wanted = {f.file: f for f in result.forms}
    for row in alone.forms:
        other = wanted[row.file]
        assert (row.status, row.errors, row.warnings, row.score, row.code) == (
            other.status, other.errors, other.warnings, other.score, other.code
        )


def test_existing_summary_is_kept_unless_forced_and_never_reviewed(batch, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(clean_data(), ensure_ascii=False), encoding="utf-8")
    out = folder / "汇总.xlsx"
    review([folder], out, jobs=1, progress=False)
    first = out.read_bytes()
    with pytest.raises(InputError) as info:
        review([folder], out, jobs=1, progress=False)
    assert "已存在" in info.value.message and out.read_bytes() == first
    again = review([folder], out, jobs=1, progress=False, force=True)
    assert [Path(f.file).name for f in again.forms] == ["a.json"]


def test_requests_that_cannot_be_used(tmp_path):
    with pytest.raises(InputError, match="不存在"):
        review([tmp_path / "nope"], None)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "~$lock.xlsx").write_bytes(b"lock")
    with pytest.raises(InputError, match="没有找到自评文件"):
        review([tmp_path], None)
    (tmp_path / "a.json").write_text(json.dumps(clean_data(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="评分规则"):
        review([tmp_path], None, rules="no-such-rules")


def test_folders_are_searched_recursively_and_files_taken_once(tmp_path):
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for p in (tmp_path / "a.json", tmp_path / "b" / "c" / "d.xlsx", tmp_path / ".hidden" / "e.json", tmp_path / "b" / ".f.json"):
        p.write_text("{}")
    found = collect([tmp_path, tmp_path / "a.json"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.json", "b/c/d.xlsx"]


def test_text_from_forms_never_becomes_a_formula(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    data = clean_data(unit='=HYPERLINK("http://example.com","点击")', project="=1+1")
    (folder / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    review([folder], tmp_path / "s.xlsx", jobs=1, progress=False)
    row = read_grids(tmp_path / "s.xlsx", ["汇总"])["汇总"][1]
    assert row[1] == '=HYPERLINK("http://example.com","点击")' and row[2] == "=1+1"


def test_progress_bar_when_forced(tmp_path, capsys):
    for i in range(3):
        (tmp_path / f"{i}.json").write_text(json.dumps(clean_data(), ensure_ascii=False), encoding="utf-8")
    review([tmp_path], None, jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "审核进度" in err and "3/3" in err
    review([tmp_path], None, jobs=1, progress=None)
    assert "审核进度" not in capsys.readouterr().err


# ---- a form that hangs or kills its process does not stop the batch ----------------------


def _saboteur(real):
    """_review that hangs on files named hang*, and ends its process on files named crash*."""

    def review_one(shown, rules):
        name = Path(shown).name
        if name.startswith("hang"):
            time.sleep(60)
        if name.startswith("crash"):
            os._exit(3)
        return real(shown, rules)

    return review_one


@pytest.fixture
def sabotaged(tmp_path, monkeypatch):
    import xlperf.outputs.review as module

    monkeypatch.setattr(module, "_review", _saboteur(module._review))
    folder = tmp_path / "in"
    folder.mkdir()
    text = json.dumps(clean_data(), ensure_ascii=False)
    for name in ("a.json", "b.json", "hang.json", "c.json", "d.json"):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_hanging_form_times_out_in_process(sabotaged):
    result = review([sabotaged], None, jobs=1, progress=False, limits=Limits(seconds_per_file=0.5))
    rows = _rows(result)
    assert rows["hang.json"].code == "IN_TIMEOUT" and rows["hang.json"].status == UNREADABLE
    assert "0.5 秒" in rows["hang.json"].cause
    assert all(rows[n].status == "通过" for n in ("a.json", "b.json", "c.json", "d.json"))


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the saboteur reaches workers by fork")
def test_hanging_and_crashing_forms_in_workers(sabotaged):
    (sabotaged / "crash.json").write_text((sabotaged / "a.json").read_text(encoding="utf-8"), encoding="utf-8")
    result = review([sabotaged], None, jobs=2, progress=False, limits=Limits(seconds_per_file=0.5))
    rows = _rows(result)
    assert rows["hang.json"].code == "IN_TIMEOUT"
    assert rows["crash.json"].code == "IN_CRASH" and "意外终止" in rows["crash.json"].cause
    assert all(rows[n].status == "通过" for n in ("a.json", "b.json", "c.json", "d.json"))


# ---- one bad form is one row; the output is never an input ---------------------------------


def _clean_form(path: Path, unit: str = "韶关市行政服务中心") -> Path:
    path.write_text(json.dumps(clean_data(unit), ensure_ascii=False), encoding="utf-8")
    return path


def _cli_review(*args, cwd):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "xlperf.cli", "review", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_file_name_in_a_legacy_encoding_is_a_row_and_the_summary_is_written(tmp_path):
    """GBK bytes in a file name (a zip unpacked from Chinese Windows): the row shows the
    name decoded, and the summary and the JSON are written for the whole batch."""
    folder = tmp_path / "in"
    folder.mkdir()
    _clean_form(folder / "a.json")
    _clean_form(Path(os.fsdecode(bytes(folder) + b"/" + "测试单位.json".encode("gbk"))), "GBK单位")

    done = _cli_review(folder, "-o", tmp_path / "汇总.xlsx", "--json", cwd=tmp_path)

    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    names = {Path(f["file"]).name: f for f in data["forms"]}
    assert set(names) == {"a.json", "测试单位.json"}
    assert names["测试单位.json"]["unit"] == "GBK单位"
    grids = read_grids(tmp_path / "汇总.xlsx", ["汇总"])["汇总"]
    assert any(str(row[0]).endswith("测试单位.json") for row in grids[1:])


def test_a_single_file_review_runs_under_the_worker_memory_limit(tmp_path, monkeypatch):
    """jobs=1 and one file: still a worker with the memory ceiling, so a form that needs
    more than the ceiling (here one that maps 4 GiB) is a row, never the reviewer's
    process running out."""
    import mmap

    import xlperf.outputs.review as module

    real = module._review

    def greedy(shown, rules):
        try:
            mmap.mmap(-1, 4 << 30)
        except OSError:
            raise MemoryError from None
        return real(shown, rules)

    monkeypatch.setattr(module, "_review", greedy)
    form = _clean_form(tmp_path / "a.json")
    result = review([form], None, jobs=1, progress=False)
    assert [f.status for f in result.forms] == [UNREADABLE]
    assert result.forms[0].code == "IN_MEMORY"


def test_the_summary_never_overwrites_a_form_it_reviews(tmp_path):
    from tests.badfiles import form_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    form = form_workbook(folder / "form.xlsx")
    _clean_form(folder / "b.json")
    data = form.read_bytes()

    done = _cli_review(folder, "-o", form, "--force", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "是待审核的自评文件之一" in done.stderr
    assert form.read_bytes() == data
    done = _cli_review(form, "-o", form, "--force", cwd=tmp_path)
    assert done.returncode == 2 and form.read_bytes() == data

    summary = folder / "汇总.xlsx"
    first = review([folder], summary, jobs=1, progress=False)
    again = review([folder], summary, jobs=1, progress=False, force=True)
    assert len(first.forms) == len(again.forms) == 2
    assert summary.name not in {Path(f.file).name for f in again.forms}


def test_unreadable_folders_and_links_out_are_rows(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    _clean_form(folder / "a.json")
    _clean_form(folder / "locked" / "hidden.json")
    outside = _clean_form(tmp_path / "outside.json", "文件夹外的单位")
    (folder / "link.json").symlink_to(outside)
    (folder / "linked-dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    _clean_form(tmp_path / "elsewhere" / "c.json", "文件夹外的单位")
    real = os.scandir

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)

    result = review([folder], None, jobs=1, progress=False)

    rows = {Path(f.file).name: f for f in result.forms}
    assert rows["a.json"].status == "通过"
    assert rows["locked"].code == "IN_FOLDER" and "没有权限" in rows["locked"].cause
    assert rows["link.json"].code == "IN_LINK_OUTSIDE" and "以外的链接" in rows["link.json"].cause
    assert rows["linked-dir"].code == "IN_LINK_OUTSIDE"
    assert "文件夹外的单位" not in {f.unit for f in result.forms}
    assert result.exit_code == 1


# ---- the summary as it prints (LibreOffice) -------------------------------------------------


def _pdf_pages(pdf: Path) -> list[str]:
    import re
    import subprocess

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M).groups())
    assert width > height and abs(width - 841.9) < 2 and abs(height - 595.3) < 2  # landscape A4
    out = []
    for page in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-raw", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        out.append(re.sub(r"\s+", "", text))
    return out


def test_the_summary_prints_one_page_wide_with_headers_and_charts_alone(batch, tmp_path):
    """LibreOffice renders the summary: landscape A4; every printed page of 汇总 and 问题清单
    carries the header row and every column (one page wide); each chart is on a page of its
    own. The picture in docs/ comes from the same conversion (page 1, pdftoppm -r 70)."""
    import shutil
    import subprocess

    missing = [t for t in ("soffice", "pdftotext", "pdfinfo") if shutil.which(t) is None]
    assert not missing, f"not installed: {', '.join(missing)} (run scripts/system-deps.sh)"
    root, _, result = batch
    source = tmp_path / "summary.xlsx"
    shutil.copyfile(root / "汇总.xlsx", source)
    fonts = Path(__file__).resolve().parent.parent / "xlperf" / "fonts" / "fonts.conf"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        env=dict(os.environ, FONTCONFIG_FILE=str(fonts)), check=True, capture_output=True, timeout=300,
    )
    pages = _pdf_pages(tmp_path / "summary.pdf")

    head = "文件填报单位项目名称评价金额（万元）预算执行率得分等级错误数警告数状态说明"
    summary = [i for i, p in enumerate(pages) if head in p]
    assert summary == list(range(len(summary))) and len(summary) >= 2  # from page 1, each with the header
    stats = next(i for i, p in enumerate(pages) if "问题条数" in p)
    listed = pages[len(summary) : stats]
    assert len(listed) >= 2
    for page in listed:  # every column on every page: one page wide
        assert "文件代码级别单元格说明" in page
    grades = [i for i, p in enumerate(pages) if "自评等级分布" in p]
    codes = [i for i, p in enumerate(pages) if "问题类型统计（按出现次数）" in p]
    assert grades and codes
    assert "问题条数" not in pages[grades[0]] and "问题条数" in pages[grades[0] - 1]
    assert "合计" not in pages[codes[0]] and "合计" in pages[codes[0] - 1]  # the header row repeats; the table does not


def test_pending_forms_are_counted_apart_with_their_rule_set_and_execution_rate(tmp_path):
    from xlperf.forms.guangdong_1_1.model import SelfEvaluation

    example = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "empty.json").write_text(SelfEvaluation().to_json(), encoding="utf-8")
    (folder / "seed.json").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    result = review([folder], tmp_path / "汇总.xlsx", jobs=1, rules="guangdong-municipal", progress=False)
    rows = _rows(result)
    assert rows["empty.json"].grade == "待评分" and rows["seed.json"].grade == "待评分"
    counts = result.grade_counts()
    assert counts["待评分"] == 2 and counts["差"] == 0 and counts["无法评分"] == 0
    assert rows["seed.json"].rules == "guangdong-municipal"
    assert rows["seed.json"].exec_rate is not None and rows["seed.json"].exec_rate > 0
    summary = read_grids(tmp_path / "汇总.xlsx")["汇总"]
    col = summary[0].index("评分规则")
    assert {r[col] for r in summary[1:]} == {"guangdong-municipal"}
    assert "待评分 2" in summary_text(result)
