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
    assert list(grids) == ["汇总", "问题清单", "统计"]
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
