"""The command line: exit codes, the one JSON object, readable output, refusals in Chinese."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlperf.cli import main
from xlperf.forms.guangdong_1_1.model import SelfEvaluation

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"


def seed() -> SelfEvaluation:
    return SelfEvaluation.from_json(EXAMPLE.read_text(encoding="utf-8"))


def write(tmp_path, ev, name="form.json") -> Path:
    p = tmp_path / name
    p.write_text(ev.to_json(), encoding="utf-8")
    return p


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", ["check", "score"])
def test_json_output_is_one_object_with_the_documented_keys(capsys, command):
    code, out, err = run(capsys, command, EXAMPLE, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"ok", "findings", "score"}
    assert data["ok"] is True
    assert {f["code"] for f in data["findings"]} == {"FMT003", "GOL003", "IND004", "SCR003"}
    for f in data["findings"]:
        assert set(f) == {"code", "severity", "field", "cell", "message"}
        assert f["cell"].startswith(("附件1-1!", "自评报告!"))
    score = data["score"]
    assert {"rules", "total", "grade", "items"} <= set(score)
    assert (score["rules"], score["total"], score["grade"]) == ("national-2020", "100.00", "优")
    assert [i["id"] for i in score["items"] if i["status"] == "scored"] == [
        "exec_rate", "indicators.quantity[0]", "indicators.quality[0]", "indicators.satisfaction[0]"]


def test_errors_give_exit_1_and_name_the_cell(capsys, tmp_path):
    ev = seed()
    ev.basic.contact_phone = "12ab"
    ev.funding.spending[0].municipal = "130.00"
    ev.funding.spending[0].total = "130.00"
    code, out, _ = run(capsys, "check", write(tmp_path, ev), "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    codes = {f["code"]: f for f in data["findings"] if f["severity"] == "error"}
    assert "FMT001" in codes and codes["FMT001"]["field"] == "basic.contact_phone"
    assert codes["FMT001"]["cell"].startswith("附件1-1!")
    assert "AMT005" in codes


def test_readable_output_lists_findings_and_the_scorecard(capsys):
    code, out, _ = run(capsys, "check", EXAMPLE)
    assert code == 0
    assert "校验发现 0 个错误、4 个警告" in out
    assert "总分：100.00 分，等级：优" in out
    assert "最多跑一次事项率" in out and "35.71/35.71" in out


def test_score_with_the_guangdong_rules_waits_for_a_person(capsys):
    code, out, _ = run(capsys, "score", EXAMPLE, "--rules", "guangdong-municipal", "--json")
    data = json.loads(out)
    assert data["score"]["rules"] == "guangdong-municipal"
    assert data["score"]["complete"] is False
    assert "SCR001" in {f["code"] for f in data["findings"]}
    assert code == 0


@pytest.mark.parametrize(
    "setup, words",
    [
        (lambda d: d / "missing.json", ["missing.json", "不存在"]),
        (lambda d: (d / "a.txt").write_text("x") and d / "a.txt", ["不支持的文件类型"]),
        (lambda d: (d / "bad.json").write_text("{") and d / "bad.json", ["bad.json", "不是有效的 JSON"]),
        (lambda d: (d / "t.json").write_text('{"basic": {"eval_amount": "一百"}}', encoding="utf-8") and d / "t.json",
         ["评价金额", "应为数字"]),
        (lambda d: (d / "b.json").write_bytes(b"\xff\xfe{}") and d / "b.json", ["UTF-8"]),
    ],
)
def test_unusable_input_exits_2_with_a_chinese_message(capsys, tmp_path, setup, words):
    path = setup(tmp_path)
    code, out, err = run(capsys, "check", path)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    for w in words:
        assert w in err


def test_unknown_rules_exit_2(capsys):
    code, _, err = run(capsys, "score", EXAMPLE, "--rules", "no-such-rules")
    assert code == 2
    assert "national-2020" in err  # lists what exists


def test_schema_is_the_models_json_schema(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out) == SelfEvaluation.model_json_schema()


def test_new_and_submit_refuse_to_overwrite_and_keep_the_file(capsys, tmp_path):
    out = tmp_path / "form.xlsm"
    assert run(capsys, "new", out, "--from", EXAMPLE)[0] == 0
    before = out.read_bytes()
    code, _, err = run(capsys, "new", out)
    assert code == 2 and "已存在" in err and "--force" in err
    assert out.read_bytes() == before
    assert run(capsys, "new", out, "--force")[0] == 0
    assert out.read_bytes() != before  # the empty form replaced the filled one
    code, _, err = run(capsys, "submit", out, "-o", out)
    assert code == 2 and ".xlsx" in err


def test_submit_refuses_to_write_over_its_source(capsys, tmp_path):
    copy = tmp_path / "copy.xlsx"
    assert run(capsys, "submit", EXAMPLE, "-o", copy)[0] == 0
    before = copy.read_bytes()
    code, _, err = run(capsys, "submit", copy, "-o", copy, "--force")
    assert code == 2 and "源文件" in err
    assert copy.read_bytes() == before


def test_new_takes_more_indicator_rows(capsys, tmp_path):
    from xlperf.workbook.read import read_workbook_with_layout

    out = tmp_path / "big.xlsm"
    assert run(capsys, "new", out, "--indicator-rows", "10")[0] == 0
    _, layout = read_workbook_with_layout(out)
    assert layout.capacity.indicator_rows == (10,) * 9
    code, _, err = run(capsys, "new", tmp_path / "x.xlsm", "--indicator-rows", "0")
    assert code == 2 and "行数" in err


def test_workbook_and_json_give_the_same_result(capsys, tmp_path):
    book = tmp_path / "form.xlsm"
    assert run(capsys, "new", book, "--from", EXAMPLE)[0] == 0
    _, from_json, _ = run(capsys, "check", EXAMPLE, "--json")
    _, from_book, _ = run(capsys, "check", book, "--json")
    assert json.loads(from_json) == json.loads(from_book)


def test_bad_arguments_exit_2_in_chinese(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check"])
    assert info.value.code == 2
    assert "命令参数有误" in capsys.readouterr().err


def test_console_script_help_runs_in_a_fresh_process():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "xlperf", "--help"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode == 0
    for command in ("check", "score", "schema", "new", "export", "submit"):
        assert command in done.stdout


def test_review_through_the_command_line(capsys, tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    write(folder, seed(), "a.json")
    bad = seed()
    bad.basic.contact_phone = "12ab"
    write(folder, bad, "b.json")
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    code, out, _ = run(capsys, "review", folder, "--json", "--jobs", "1")
    assert code == 1
    data = json.loads(out)
    assert (data["files"], data["unreadable"], data["with_errors"]) == (3, 1, 1)
    code, _, err = run(capsys, "review", folder)
    assert code == 2 and "-o" in err
    summary = tmp_path / "sum.xlsx"
    assert run(capsys, "review", folder, "-o", summary, "--jobs", "1")[0] == 1
    assert summary.exists()


def test_mark_writes_a_marked_copy_and_keeps_the_source(capsys, tmp_path):
    import hashlib

    ev = seed()
    ev.basic.contact_email = "not-an-email"
    book = tmp_path / "form.xlsm"
    from xlperf.workbook.editions import new_workbook

    new_workbook(book, source=write(tmp_path, ev))
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    out = tmp_path / "marked.xlsm"
    code, text, _ = run(capsys, "mark", book, "-o", out)
    assert code == 1
    assert "FMT002" in text
    assert out.exists()
    assert hashlib.sha256(book.read_bytes()).hexdigest() == digest
    code, _, err = run(capsys, "mark", book, "-o", book, "--force")
    assert code == 2 and "源文件" in err


def test_new_records_the_users_rule_file(capsys, tmp_path):
    from xlperf.workbook.read import read_workbook_with_layout

    rules = tmp_path / "bureau.json"
    rules.write_text((ROOT / "xlperf" / "rules" / "guangdong-municipal.json").read_text(encoding="utf-8"),
                     encoding="utf-8")
    book = tmp_path / "form.xlsm"
    assert run(capsys, "new", book, "--rules", rules)[0] == 0
    _, layout = read_workbook_with_layout(book)
    assert layout.rules == str(rules)


@pytest.mark.parametrize(("argv", "wanted"), [
    ([], "缺少必需的参数：COMMAND"),
    (["check"], "缺少必需的参数：FILE"),
    (["frob"], "参数 COMMAND：无效的选择 “frob”（可选：“check”"),
    (["check", "x.json", "--rules"], "参数 --rules：后面应跟一个值"),
    (["review", "d", "--jobs", "x"], "参数 --jobs：“x” 不是整数"),
    (["check", "x.json", "--bogus"], "无法识别的参数：--bogus"),
    (["export", "x.json"], "缺少必需的参数：-o/--output"),
])
def test_argparse_messages_are_chinese(capsys, argv, wanted):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：xlperf")
    assert f"xlperf：命令参数有误：{wanted}" in err
    for english in ("usage", "required", "invalid", "argument", "choose", "unrecognized", "expected"):
        assert english not in err


def test_help_is_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：xlperf check") and "选项" in out and "usage" not in out


def test_readme_examples_run_as_written():
    """Every `.venv/bin/xlperf …` example in the README runs (here through this interpreter),
    and the README says how the bare `xlperf …` examples get onto PATH."""
    import re as _re
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "source .venv/bin/activate" in readme
    examples = [e for e in _re.findall(r"`\.venv/bin/xlperf ([^`]+)`", readme) if e != "…"]
    assert examples
    for example in examples:
        done = subprocess.run([sys.executable, "-m", "xlperf", *shlex.split(example)], cwd=ROOT,
                              capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert done.returncode in (0, 1), (example, done.stderr)
        assert done.stdout


def test_values_changed_on_reading_a_national_form_are_named_in_words():
    from xlperf.workbook.editions import normalised_values

    lines = normalised_values(ROOT / "examples" / "national-clean-2022.json")
    assert lines and all(not any(c.isascii() and c.isalpha() for c in line.split("：")[0]) for line in lines), lines
