"""The national 项目支出绩效自评表 (财预〔2020〕10号 附件): the form kind ``national-2020``.

Model (`model`), scoring from each row's 分值 (`scoring`), checks NAT001– (`checks`) and
report text (`report_text`). Its default rule set is ``national-2020``; the form's own
``rules`` field, or ``--rules``, may name another (``national-2020-provincial``, a file).
"""

from __future__ import annotations

from xlperf.forms.national_2020.checks import CATALOGUE  # noqa: F401
from xlperf.forms.national_2020.model import NationalForm as MODEL  # noqa: F401
from xlperf.forms.national_2020.report_text import report_sections  # noqa: F401


def evaluate(form, rules=None, locate=None, folder=None):
    """Score a national form under `rules` (a RuleSet, a name, a path or None) and run its checks.

    As for every kind (`xlperf.engine.evaluate`): `rules` is the person's choice and may name
    any file; None takes the form's own setting, a shipped name or a rule file inside
    `folder` only (`scoring.form_rules`)."""
    from xlperf.engine import Evaluation
    from xlperf.engine.scoring import form_rules, load_rules
    from xlperf.forms.national_2020 import checks, scoring

    if rules is None:
        rules = form_rules(form.rules, folder)
    elif isinstance(rules, str):
        rules = load_rules(rules)
    card = scoring.score(form, rules)
    if locate is None:
        locate = default_locator(form)
    return Evaluation(findings=checks.run_checks(form, card, rules, locate), scorecard=card)


def review_facts(form) -> dict:
    """What the review summary shows of a form: unit, project, amount (全年预算数), execution rate."""
    from xlperf.forms.national_2020 import scoring

    ex = scoring.execution(form)
    return dict(unit=form.implementer or form.department, project=form.project_name, amount=ex.budget, exec_rate=ex.rate)


def default_locator(form):
    """The cell of a field path in the workbook `xlperf new --from` would build for `form`."""
    from xlperf.forms.national_2020.layout import NationalLayout

    return NationalLayout.for_form(form).cell_of


def read_workbook(book, meta: dict, path):
    """The form in an open national workbook and the layout it was built with."""
    from xlperf.forms.national_2020 import workbook

    return workbook.read(book, meta, path)


def new_workbook(out, *, source=None, rules=None, force: bool = False, indicator_rows: int | None = None,
                 edition: str | None = None, interpreter: str | None = None, ev=None):
    """The working copy of the national table, empty or filled from `source` (a national data
    file, workbook or typed copy) or from `ev`, a form already loaded from `source` (e.g.
    carried over a year): the formula edition (.xlsx: native formulas, flags and 校验汇总)
    or the macro edition (.xlsm: the same formulas and, on top, the VBA project, the buttons
    and the PERF_ functions). edition None chooses by the suffix of `out`.
    interpreter: the Python for the xlwings.conf sheet (macro edition only)."""
    from pathlib import Path

    from xlperf import forms
    from xlperf.errors import InputError
    from xlperf.files import sources
    from xlperf.files.atomic import check_output
    from xlperf.forms.national_2020 import workbook
    from xlperf.forms.national_2020.layout import NationalLayout

    out = Path(out)
    suffix = out.suffix.lower()
    if edition is None:
        edition = "macro" if suffix == ".xlsm" else "formulas"
    if edition not in ("macro", "formulas"):
        raise InputError(f"工作簿版本只能是 macro（启用宏）或 formulas（只用公式），实际为“{edition}”")
    if edition == "macro" and suffix != ".xlsm":
        raise InputError(f"输出文件 {out}：启用宏的工作簿应保存为 .xlsm 文件")
    if edition == "formulas" and suffix != ".xlsx":
        raise InputError(f"输出文件 {out}：项目支出绩效自评表的公式版工作簿不含宏，应保存为 .xlsx 文件")
    check_output(out, force=force, source=source)
    form = ev if ev is not None else sources.load(source) if source is not None else MODEL()
    if forms.kind_of(form).key != forms.NATIONAL:
        raise InputError(f"数据文件 {source} 是“{forms.kind_of(form).title}”表式，不是项目支出绩效自评表")
    if rules is not None:
        form = form.model_copy(update={"rules": str(rules)})
    vba = setting = None
    if edition == "macro":
        from xlperf.forms.guangdong_1_1.layout import interpreter_setting
        from xlperf.forms.national_2020.excel import SHEET_CODENAMES
        from xlperf.workbook.editions import vba_project

        try:
            setting = interpreter_setting(interpreter) if interpreter else None
        except ValueError as e:
            raise InputError(str(e)) from None
        vba = vba_project(SHEET_CODENAMES)
    elif interpreter:
        raise InputError("--interpreter 只用于启用宏的工作簿（.xlsm）")
    try:
        NationalLayout.for_form(form, indicator_rows)
    except ValueError as e:
        raise InputError(f"行数设置有误：{e}") from None
    return workbook.build(out, form, force=force, source=source, indicator_rows=indicator_rows, formulas=True, vba=vba,
                          interpreter=setting)


def excel_session(book, meta):
    """The buttons' session for a national workbook (`xlperf.excel.handlers`)."""
    from xlperf.forms.national_2020.excel import excel_session as session

    return session(book, meta)


def submission_copy(form, out, *, rules=None, force: bool = False, source=None):
    """The copy for the finance bureau: the same table, plain (no input fill), no marks."""
    from xlperf.forms.national_2020 import workbook

    if rules is not None:
        form = form.model_copy(update={"rules": str(rules)})
    return workbook.build(out, form, values=True, force=force, source=source)


def mark_copy(source, out, *, force: bool = False):
    """`xlperf mark` for a national workbook: a copy with each finding's cell filled and
    commented, and a 校验结果 sheet; the source is never written. The macro edition (.xlsm)
    is marked by its own buttons' handlers (校验 and 计算得分, `xlperf.excel.process_file`),
    which keep its VBA project; the result has `errors`, `warnings` and `ok` either way."""
    from pathlib import Path

    from xlperf.errors import InputError
    from xlperf.files import sources
    from xlperf.forms.national_2020 import workbook

    out, src = Path(out), Path(source)
    if src.suffix.lower() not in (".xlsx", ".xlsm") or not sources.built_by_xlperf(src):
        raise InputError(f"“{src.name}”不是 xlperf 生成的工作簿，无法在原表上标记；Word/Excel 填写的表格请先用 "
                         "xlperf import 转为工作簿（.xlsx），或用 xlperf check 查看问题")
    if out.suffix.lower() != src.suffix.lower():
        raise InputError(f"输出文件 {out}：扩展名应与原文件相同（{src.suffix}）")
    if src.suffix.lower() == ".xlsm":
        from xlperf.engine import Evaluation
        from xlperf.excel.handlers import process_file

        outcome = process_file(src, out, "mark", force=force)
        return Evaluation(findings=outcome.findings, scorecard=outcome.scorecard)
    form, locate = sources.load_with_locator(src)
    result = evaluate(form, locate=locate, folder=src.parent)
    workbook.build(out, form, findings=result.findings, force=force, source=src, formulas=_is_formula_edition(src))
    return result


def _is_formula_edition(path) -> bool:
    """Whether a workbook is this kind's formula edition (its marked copy stays one)."""
    from xlperf.files.xlsx_grid import read_grids

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    meta = read_grids(path, [], optional=["_xlperf"]).get("_xlperf", [])
    return any(len(row) > 1 and row[0] == "edition" and row[1] == "formulas" for row in meta)

