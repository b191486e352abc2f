"""The national table's Excel layer: the parts of its macro edition and its buttons.

The macro edition (`xlperf new 表.xlsm --form national`) is the working copy built by
`workbook.build` with, in addition (`add_macro_parts`): the VBA project, the sheet
``xlwings.conf`` naming ``xlperf.udfs`` (the PERF_ worksheet functions), and four buttons in
the column between the printed table and the helper cells (outside the print area, so never
printed). The VBA
project is the one every kind uses (`xlperf.excel.vba_modules`): the same button macros
run ``import xlperf.excel as x; x.validate()`` and the like, and the handlers there hand a
workbook whose ``_xlperf`` records ``form_kind`` national-2020 to `excel_session` here.
Only the document modules follow this workbook's sheets (`SHEET_CODENAMES`).

What the buttons do on the national table (`NationalSession`, run headless on a file
through `xlperf.excel.handlers.FileBook` as in Excel):

- 校验: read the sheet (`workbook.read_grid`), evaluate, fill each finding's cell (red for
  errors, amber for warnings) with the messages as its note, list them on 校验结果;
- 计算得分: write the engine's understanding of every indicator row into the helper cells
  the native formulas read (`native.understanding_rows`), and its results into the official
  cells that hold no formula (a typed 执行率 or 得分, 总分, 自评等级; a row it leaves to a
  person keeps the person's score); a formula stays, computing the same (`score_cells`);
- 导出报告: the report (.docx) beside the workbook, as `xlperf export` writes it;
- 清除标记: the marked cells get their own fill back and lose the notes; 校验结果 goes.

A cell that cannot be read (a formula typed into an input, text in a number cell) stops
the button with the cell named, as `xlperf check` does; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from xlperf.excel.handlers import Outcome, Session, _blocks, _findings_text
from xlperf.forms.guangdong_1_1.layout import CONF, INTERPRETER_NOTES, XLWINGS_CONF, Area, Button, parse_a1
from xlperf.forms.national_2020.layout import COLUMN_WIDTHS, META, SHEET, NationalLayout
from xlperf.forms.national_2020.workbook import INPUT_FILL, MARK_FILLS

WORKBOOK_CODENAME = "ThisWorkbook"
SHEET_CODENAMES: tuple[str, ...] = ("Sheet1", "Sheet2", "Sheet3")
"""VBA code names of the macro edition's sheets: the table, xlwings.conf, _xlperf (in that
order); the VBA project carries one document module per name."""

BUTTON_CAPTIONS: tuple[tuple[str, str], ...] = (
    ("校验", "xlperf_validate"),
    ("计算得分", "xlperf_score"),
    ("导出报告", "xlperf_export"),
    ("清除标记", "xlperf_clear_marks"),
)
"""(caption, macro) of each button: the Guangdong workbook's macros (its 导出附件3 is 导出报告
here: the national report is not an 附件3)."""
BUTTON_WIDTH, BUTTON_HEIGHT = 96, 30
_BUTTON_COLUMN_WIDTH = 14.0


def buttons(col: int) -> tuple[Button, ...]:
    """The buttons, one above the other in column `col` (0-based), every other row from row 2."""
    return tuple(
        Button(caption, macro, f"{_letter(col)}{2 + 2 * k}", BUTTON_WIDTH, BUTTON_HEIGHT)
        for k, (caption, macro) in enumerate(BUTTON_CAPTIONS)
    )


def _letter(col: int) -> str:
    from xlperf.forms.guangdong_1_1.layout import col_letter

    return col_letter(col)


BUTTON_COLUMN = len(COLUMN_WIDTHS)
"""Column K (0-based 10): the empty column between the printed table (A–J) and the helper
cells of the formula layer (from L), widened to hold the buttons."""


def add_macro_parts(book: Any, ws: Any, vba: bytes, interpreter: tuple[str, str] | None = None) -> None:
    """What the macro edition adds to the working copy (XlsxWriter `book`, the table's
    sheet `ws`), before the ``_xlperf`` sheet is added (it takes the code name Sheet3): the
    VBA project, the code names, the buttons and the hidden xlwings.conf sheet.
    interpreter: an (xlwings key, path) row for xlwings.conf (`interpreter_setting`)."""
    import io

    book.add_vba_project(io.BytesIO(vba), is_stream=True)
    book.set_vba_name(WORKBOOK_CODENAME)
    ws.set_vba_name(SHEET_CODENAMES[0])
    ws.set_column(BUTTON_COLUMN, BUTTON_COLUMN, _BUTTON_COLUMN_WIDTH)
    for b in buttons(BUTTON_COLUMN):
        r, c = parse_a1(b.cell)
        ws.insert_button(r, c, {"macro": b.macro, "caption": b.caption, "width": b.width, "height": b.height})
    conf = book.add_worksheet(CONF)
    conf.set_vba_name(SHEET_CODENAMES[1])
    key_format = book.add_format({"font_name": "Calibri", "font_size": 11})
    note_format = book.add_format({"font_name": "宋体", "font_size": 9, "font_color": "#595959", "valign": "vcenter"})
    for col_index, width in enumerate((18.0, 16.0, 2.0, 100.0)):
        conf.set_column(col_index, col_index, width)
    rows = [(key, value, note) for key, value, note in XLWINGS_CONF]
    if interpreter is not None:
        rows.append((interpreter[0], interpreter[1], INTERPRETER_NOTES[interpreter[0]]))
    for r, (key, value, note) in enumerate(rows):
        conf.write_string(r, 0, key, key_format)
        if isinstance(value, bool):
            conf.write_boolean(r, 1, value, key_format)
        else:
            conf.write_string(r, 1, str(value), key_format)
        conf.write_string(r, 3, note, note_format)
    conf.hide()


# --------------------------------------------------------------------------- the buttons


class _Mark(NamedTuple):
    sheet: str
    cell: str
    area: str
    fill: str
    comment: str


def excel_session(book, meta: list[list[Any]]) -> "NationalSession":
    """The session `xlperf.excel.handlers` runs for a national workbook."""
    return NationalSession(book, meta)


class NationalSession(Session):
    """One button press on a national workbook (see the module docstring)."""

    def __init__(self, book, meta: list[list[Any]]):
        from xlperf.workbook.read import WorkbookError

        super().__init__(book, meta)
        self.record = {str(r[0]).strip(): "" if len(r) < 2 or r[1] is None else str(r[1])
                       for r in meta if r and r[0] not in (None, "")}
        try:
            self.layout = NationalLayout.from_meta(self.record)
        except ValueError as e:
            raise WorkbookError(str(e)) from None
        self.edition = self.record.get("edition", "")
        if SHEET not in self.names:
            raise WorkbookError(f"工作簿缺少工作表“{SHEET}”（可能被改名或删除），请恢复后重试")
        self.sheets = [SHEET]

    # -- steps

    def run(self, action: str) -> Outcome:
        from xlperf.workbook.read import WorkbookError

        if action == "clear_marks":
            return self.clear()
        try:
            form = self.read()
        except WorkbookError as e:
            return Outcome(action, f"未能{_VERB[action]}，工作簿未作任何改动。{e.message}", problems=list(e.problems),
                           usable=False)
        if action == "export":
            return self.export(form)
        from xlperf.forms.national_2020 import evaluate

        evaluation = evaluate(form, locate=self.layout.cell_of, folder=self.book.folder)
        parts = []
        outcome = Outcome(action, "", findings=evaluation.findings, scorecard=evaluation.scorecard)
        with self.book.editing(self.writable()):
            if action in ("validate", "mark"):
                self.mark(evaluation.findings)
                parts.append(_findings_text(evaluation.findings))
            if action in ("score", "mark"):
                parts.append(self.write_scores(form, evaluation.scorecard))
        outcome.message = "\n".join(parts)
        return outcome

    def read(self):
        """The form on the sheet, read by the reader every command uses (`read_grid`)."""
        from xlperf.forms.national_2020.workbook import read_grid

        extent = Area(0, 0, self.layout.total_row + 3, len(COLUMN_WIDTHS) - 1)
        form, _ = read_grid({SHEET: self.book.read(SHEET, extent.ref)}, self.record)
        return form

    def write_scores(self, form, card) -> str:
        """计算得分's writes (see `score_cells`), one write per block of neighbouring cells."""
        from xlperf.engine.scoring import form_rules

        extent = Area(0, 0, self.layout.total_row, len(COLUMN_WIDTHS) - 1)
        formulas = self.book.formula_cells(SHEET, extent.ref)
        values, shown = score_cells(form, form_rules(form.rules, self.book.folder), self.layout, formulas)
        if self.layout.version >= 2:
            from xlperf.forms.national_2020.native import understanding_rows

            first, rows = understanding_rows(form, self.layout)
            r, c = parse_a1(first)
            self.book.write(SHEET, Area(r, c, r + len(rows) - 1, c + len(rows[0]) - 1).ref, rows)
        cells = {(self.layout.spot_for(p).row, self.layout.spot_for(p).col): _cell_value(v) for p, v in values.items()}
        for area, block in _blocks(cells):
            self.book.write(SHEET, area.ref, block)
        for path, value in shown.items():
            self.book.shows(SHEET, self.layout.spot_for(path).first, _cell_value(value))
        return score_text(card)

    def export(self, form) -> Outcome:
        from xlperf.outputs.report import DRAFT_MARK, export_report, report_path_for

        where = self.book.path
        if where is None:
            return Outcome("export", "请先把工作簿保存到本机的文件夹（不是 OneDrive/SharePoint 网址），再导出报告。",
                           usable=False)
        result = export_report(form, report_path_for(where), pdf=False, force=True, source=self.book.keep,
                               locate=self.layout.cell_of)
        with self.book.editing(self.writable()):
            self.mark(result.findings)
            score_line = self.write_scores(form, result.scorecard)
        what = f"自评报告草稿，标有“{DRAFT_MARK}”，改正错误后请重新导出" if result.draft else "自评报告"
        lines = [f"已生成{what}：{result.docx}",
                 "在 Excel 中只生成 Word 文档（.docx），不生成 PDF：如需 PDF，请用 Word 打开后“另存为”PDF，"
                 "或在装有 LibreOffice 的电脑上运行 xlperf export --pdf。",
                 "报告中的评价结论、存在问题和改进措施是根据表内数据生成的，请核对。",
                 score_line, _findings_text(result.findings)]
        return Outcome("export", "\n".join(lines), findings=result.findings, scorecard=result.scorecard,
                       report=result.docx)

    # -- marks

    def marks_for(self, findings: Sequence[Any]) -> list[_Mark]:
        """One mark per cell: red if any of its findings is an error, the messages as its note."""
        grouped: dict[str, list[Any]] = {}
        for f in findings:
            spot = self._spot_of(f)
            if spot is not None:
                grouped.setdefault(spot.ref, []).append(f)
        marks = []
        for ref, group in grouped.items():
            severity = "error" if any(f.severity == "error" for f in group) else "warning"
            lines = [f"【{'错误' if f.severity == 'error' else '警告'} {f.code}】{f.message}" for f in group]
            marks.append(_Mark(SHEET, Area.parse(ref).first, ref, MARK_FILLS[severity], "\n".join(lines)))
        return marks

    def _spot_of(self, finding: Any):
        cell = getattr(finding, "cell", None)
        if cell and "!" in str(cell):
            sheet, _, ref = str(cell).rpartition("!")
            if sheet.strip("'") != SHEET:
                return None
            r, c = parse_a1(ref.split(":")[0])
            return next((s for s in self.layout.spots
                         if s.row <= r < s.row + s.rows and s.col <= c < s.col + s.cols), None)
        return self.layout.spot_for(finding.field) if getattr(finding, "field", None) else None

    def original_fill(self, sheet: str, ref: str) -> str | None:
        if sheet != SHEET or self.edition == "values":
            return None
        return INPUT_FILL if any(s.ref == ref for s in self.layout.inputs()) else None


def score_cells(form, rules, layout: NationalLayout, formulas: set[tuple[int, int]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What 计算得分 puts into the official computed cells (`layout.computed_paths()`: each
    执行率, 年度资金总额's 得分, each row's 得分, 总分's 分值 and 得分, 自评等级), as the engine
    computes them (`native.computed_values`, the values the formula edition's formulas show):
    (values to write, by field path; what each formula kept shows, by field path).

    A cell holding a formula keeps it (it computes the same from the helper cells 计算得分
    rewrites). A typed cell gets the engine's value where the engine computes one; a cell the
    engine leaves to a person (a qualitative row's 得分) keeps what the person wrote. 总分 and
    自评等级 follow the scores as they stand after these writes."""
    from xlperf.forms.national_2020.model import NationalForm
    from xlperf.forms.national_2020.native import computed_values
    from xlperf.forms.national_2020.workbook import _put

    typed = [p for p in layout.computed_paths()
             if (layout.spot_for(p).row, layout.spot_for(p).col) not in formulas]
    current = form
    for _ in range(2):  # the rows first, then 总分 and 自评等级 over them
        engine = computed_values(current, rules, layout)
        data = current.model_dump()
        for path in typed:
            if engine[path] != "":
                _put(data, path, engine[path])
        current = NationalForm.model_validate(data)
    engine = computed_values(current, rules, layout)
    values = {p: engine[p] for p in typed if engine[p] != ""}
    shown = {p: engine[p] for p in layout.computed_paths() if p not in typed}
    return values, shown


def _cell_value(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def score_text(card) -> str:
    lines = [f"{'评分完成' if card.complete else '评分尚未完成'}，{card.headline()}（{card.title}），"
             f"已写入“{SHEET}”的执行率、得分、总分和自评等级。"]
    pending = [i for i in card.items if i.status == "pending"]
    if pending:
        names = "、".join(f"“{i.name}”" for i in pending[:5]) + ("等" if len(pending) > 5 else "")
        lines.append(f"尚有{len(pending)}项待人工评分：{names}。请对照佐证材料在该行“得分”一栏按档次填写得分后再点“计算得分”；"
                     "未评的项目暂按0分计入总分。")
    manual = [i for i in card.items if i.method == "manual" and i.status == "scored"]
    if manual:
        lines.append(f"有{len(manual)}项（定性指标等）采用表上填写的得分，未作改动。")
    return "\n".join(lines)


_VERB = {"validate": "校验", "score": "计算得分", "export": "导出报告", "mark": "校验和计算得分"}


__all__ = ["BUTTON_CAPTIONS", "SHEET_CODENAMES", "NationalSession", "add_macro_parts", "buttons",
           "excel_session", "score_cells"]
