"""Attachment 3, the self-evaluation report (附件3 市级财政支出项目绩效自评报告).

`export_report` is the one call for the CLI (`xlperf export`) and the Excel button:
it scores and checks the form, writes the .docx atomically, and optionally the PDF.

Cover-field policy: a report is always written, because a draft with a blank line is
useful (the department's seal, 公章, is stamped by hand anyway). Each empty cover field is
printed as an underlined blank and reported as a finding: the checks' own (REQ001 for
填报人姓名, 联系电话, 填报日期; REQ002 for 主管部门), else ``REPORT_COVER_MISSING``; so the CLI
exits non-zero until the cover is complete. Only 项目名称 left empty is taken from the
basic table (附件1-1), as the model documents; a name or phone is never borrowed from the
contact person, since the filler may be someone else.

Draft policy: a form that still has errors gives a draft, marked 草稿：校验未通过 in every
page header and on the cover, and the export reports the errors (the CLI exits 1).
``final=True`` (`xlperf export --final`) writes nothing while an error remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xlperf.errors import place
from xlperf.files.atomic import OutputError

from xlperf.forms.guangdong_1_1.report_text import DRAFT_MARK, ReportText, report_sections

REPORT_SUFFIX = ".docx"
COVER_MISSING = "REPORT_COVER_MISSING"


@dataclass(frozen=True)
class ReportFinding:
    """A finding about the report itself, shaped like `xlperf.checks.Finding`."""

    code: str
    severity: str
    field: str
    message: str
    cell: str | None = None


@dataclass
class ExportResult:
    """What an export produced: the files, the text, the score and the findings."""

    docx: Path | None
    """None when ``final`` refused to write a report."""
    report: ReportText
    scorecard: object
    findings: list = field(default_factory=list)
    pdf: Path | None = None
    pdf_error: str | None = None

    @property
    def draft(self) -> bool:
        """The report was (or would be) written while errors remain: it is marked as a draft."""
        return bool(self.errors)

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        """No error in the form or the report, and the PDF was made if it was asked for."""
        return not self.errors and self.pdf_error is None

    def messages(self) -> list[str]:
        """Lines for the person: what was written, what is missing."""
        n_err = len(self.errors)
        if self.docx is None:
            lines = [f"未生成自评报告：校验未通过，有 {n_err} 个错误；改正后再导出正式报告（--final）。"]
        elif self.draft:
            lines = [f"已生成自评报告草稿（标有“{DRAFT_MARK}”）：{self.docx}，改正以下 {n_err} 个错误后重新导出。"]
        else:
            lines = [f"已生成自评报告：{self.docx}"]
        if self.pdf is not None:
            lines.append(f"已生成 PDF：{self.pdf}")
        if self.pdf_error:
            lines.append(f"未生成 PDF：{self.pdf_error}")
        generated = [s.prompt.rstrip("。") for s in self.report.sections if s.generated]
        if generated and self.docx is not None:
            lines.append(f"以下栏目未填写，已根据表内数据生成，请核对：{'；'.join(generated)}")
        card = self.scorecard
        lines.append(f"自评得分（{card.title}）：{card.headline()}")
        n_warn = len(self.findings) - n_err
        if self.findings:
            lines.append(f"校验发现 {n_err} 个错误、{n_warn} 个警告：")
            for f in self.findings:
                where = place(f)
                label = "错误" if f.severity == "error" else "警告"
                lines.append(f"  {label}  {f.code}  {where}  {f.message}")
        return lines


def cover_findings(report: ReportText, prefix: str = "report.") -> list[ReportFinding]:
    """One finding per empty cover field (封面缺项). `prefix` places the field: the Guangdong
    form keeps its cover in the report's own fields; a kind whose cover is its header fields
    (the national form) passes "", so a cover gap its checks already report is not repeated."""
    return [
        ReportFinding(
            COVER_MISSING,
            "error",
            f"{prefix}{c.key}",
            f"自评报告封面“{c.label}”未填写，报告中留有空白横线。请在自评报告栏目中填写后重新导出。",
        )
        for c in report.missing_cover
    ]


def report_path_for(source) -> Path:
    """Where the Excel button puts the report: beside the workbook, named after it."""
    source = Path(source)
    return source.with_name(f"{source.stem}-自评报告{REPORT_SUFFIX}")


def export_report(ev, out_docx, *, rules=None, pdf: bool = False, force: bool = False, source=None, locate=None,
                  final: bool = False) -> ExportResult:
    """Score and check ``ev``, write the report to ``out_docx`` and, if asked, a PDF beside it.

    ``rules``: a RuleSet, a name or a path (None: the form's own setting, else national-2020).
    ``source``: the file ``ev`` was read from; it is never written over.
    While errors remain the report is a draft (see the module docstring); with ``final``
    nothing is written then, and the result's ``docx`` is None.
    Raises `OutputError` when the .docx cannot be written and `InputError` for unusable
    rules; a PDF that cannot be made is reported in ``pdf_error`` (the .docx stays).
    """
    from xlperf.engine import evaluate

    from xlperf.outputs.report.docx_writer import write_report_docx

    out_docx = Path(out_docx)
    if out_docx.suffix.lower() != REPORT_SUFFIX:
        raise OutputError("OUT_SUFFIX", f"报告文件名应以 .docx 结尾：{out_docx}", out_docx)
    pdf_path = out_docx.with_suffix(".pdf") if pdf else None
    if pdf_path is not None:
        from xlperf.files.atomic import check_output

        check_output(pdf_path, force=force, source=source)
    from xlperf import forms

    first = next(iter(source), None) if isinstance(source, (list, tuple)) else source
    evaluation = evaluate(ev, rules=rules, locate=locate, folder=Path(first).parent if first else None)
    own = report_sections if forms.is_guangdong(ev) else forms.kind_of(ev).module().report_sections
    report = own(ev, evaluation.scorecard, evaluation.findings)
    known = {f.field for f in evaluation.findings}
    prefix = "report." if forms.is_guangdong(ev) else ""
    findings = [*evaluation.findings, *(f for f in cover_findings(report, prefix) if f.field not in known)]
    result = ExportResult(out_docx, report, evaluation.scorecard, findings)
    if final and result.draft:
        result.docx = None
        return result
    write_report_docx(report, out_docx, force=force, source=source, draft=result.draft)
    if pdf_path is not None:
        from xlperf.outputs.report.pdf import docx_to_pdf

        try:
            result.pdf = docx_to_pdf(out_docx, pdf_path, force=force, source=source)
        except OutputError as e:
            result.pdf_error = e.message
    return result


__all__ = ["DRAFT_MARK", "ExportResult", "ReportFinding", "ReportText", "cover_findings", "export_report", "report_path_for", "report_sections"]
