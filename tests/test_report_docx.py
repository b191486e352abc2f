"""The exported Attachment 3 .docx (and PDF): every fact in its place, written safely."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from xlperf.files import atomic
from xlperf.files.atomic import OutputError
from xlperf.forms.guangdong_1_1.model import SelfEvaluation
from xlperf.outputs.report import export_report, report_path_for
from xlperf.forms.guangdong_1_1.report_text import DRAFT_MARK, PARTS

SEED = Path(__file__).resolve().parent.parent / "examples" / "shaoguan-2020.json"
PROMPTS = {key: prompt for _, rows in PARTS for key, prompt in rows}
HEADINGS = [part for part, _ in PARTS]


def seed() -> SelfEvaluation:
    return SelfEvaluation.from_json(SEED.read_text(encoding="utf-8"))


def cleared() -> SelfEvaluation:
    ev = seed()
    for key in PROMPTS:
        setattr(ev.report, key, "")
    return ev


def answer(document, key: str) -> str:
    """The right-hand cell of the row whose left cell holds the section's official prompt."""
    for row in document.tables[0].rows:
        if row.cells[0].text == PROMPTS[key]:
            return row.cells[1].text
    raise AssertionError(f"no row for {key}")


def cover(document) -> dict[str, str]:
    lines = {}
    for p in document.paragraphs:
        if "：" in p.text:
            label, _, value = p.text.partition("：")
            lines[label] = value
    return lines


def east_asia(paragraph) -> str:
    """The Chinese font a paragraph's text shows in (set on its style, 段落样式)."""
    return paragraph.style.element.rPr.rFonts.get(qn("w:eastAsia"))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in document.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def exported(tmp_path):
    out = tmp_path / "报告.docx"
    result = export_report(cleared(), out)
    return result, docx.Document(str(out))


def test_facts_are_where_they_belong(exported):
    result, doc = exported
    assert doc.paragraphs[0].text == "附件3"
    assert doc.paragraphs[1].text == "市级财政支出项目绩效自评报告"
    lines = cover(doc)
    assert lines["项目名称"] == "市行政服务中心大厅、政府服务热线平台运行与服务"
    assert lines["市级项目主管部门（公章）"] == "韶关市行政服务中心"
    assert lines["填报人姓名"] == "肖舒丹"
    assert lines["联系电话"] == "8877833"
    assert lines["填报日期"] == "2021年3月18日"
    card = result.scorecard
    assessment = answer(doc, "self_assessment")
    assert f"自评等级为{card.grade}，得分{card.total}分" in assessment
    for name in ("业务办理增长率", "最多跑一次事项率", "群众满意度"):
        assert name in assessment
    assert "韶关市行政服务中心" in answer(doc, "unit_overview")
    assert "122.17万元" in answer(doc, "fund_performance")
    assert answer(doc, "other") == "无"


def test_table_follows_the_official_form(exported):
    _, doc = exported
    table = doc.tables[0]
    left = [row.cells[0].text for row in table.rows]
    headings = [row.cells[0].text for row in table.rows if row.cells[0]._tc is row.cells[1]._tc]
    assert headings == HEADINGS
    assert [t for t in left if t not in HEADINGS] == list(PROMPTS.values())
    assert [left.index(h) for h in HEADINGS] == [0, 4, 7, 9]


def test_own_text_kept_verbatim(tmp_path):
    ev = seed()
    out = tmp_path / "r.docx"
    export_report(ev, out)
    doc = docx.Document(str(out))
    for key in PROMPTS:
        assert answer(doc, key) == getattr(ev.report, key)


def test_missed_indicator_named_under_problems_and_answered(tmp_path):
    ev = cleared()
    ev.indicators.quality[0].actual = "90%"
    out = tmp_path / "r.docx"
    export_report(ev, out)
    doc = docx.Document(str(out))
    assert "最多跑一次事项率未达到预期（预期值：95%以上；实现值：90%）" in answer(doc, "problems")
    assert "针对最多跑一次事项率未达预期的问题" in answer(doc, "improvements")


def test_no_placeholders_anywhere(exported):
    _, doc = exported
    text = all_text(doc)
    for bad in ("None", "null", "{", "}", "nan"):
        assert bad not in text


def test_page_fonts_and_footer(exported):
    _, doc = exported
    section = doc.sections[0]
    assert (round(section.page_width.cm, 2), round(section.page_height.cm, 2)) == (21, 29.7)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 2) for m in margins] == [3.7, 3.5, 2.8, 2.6]
    title = doc.paragraphs[1]
    assert title.style.font.size == Pt(22) and title.style.font.bold
    assert east_asia(title) == "宋体"
    assert east_asia(doc.paragraphs[0]) == "黑体"
    body = doc.tables[0].rows[1].cells[1].paragraphs[0]
    assert east_asia(body) == "仿宋" and body.style.font.size == Pt(14)
    assert body.style.paragraph_format.first_line_indent == Pt(28)
    heading = doc.tables[0].rows[0].cells[0].paragraphs[0]
    assert east_asia(heading) == "黑体" and heading.style.paragraph_format.keep_with_next
    for p in doc.paragraphs[2:7]:
        assert east_asia(p) == "仿宋" and p.style.font.size == Pt(16)
    latin = title.style.element.rPr.rFonts
    assert latin.get(qn("w:ascii")) == latin.get(qn("w:hAnsi")) == "Times New Roman"
    footer = section.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert section.footer.paragraphs[0].text == "— 1 —"
    assert 'w:val="single"' in doc.tables[0]._tbl.tblPr.xml


def test_document_properties(exported):
    _, doc = exported
    props = doc.core_properties
    assert props.title == "市级财政支出项目绩效自评报告"
    assert props.author == "肖舒丹"
    assert "python-docx" not in (props.author + props.last_modified_by + props.comments)


def test_missing_cover_field_is_blank_line_and_finding(tmp_path):
    ev = seed()
    ev.report.department = ""
    ev.report.fill_date = None
    out = tmp_path / "r.docx"
    result = export_report(ev, out)
    doc = docx.Document(str(out))
    line = next(p for p in doc.paragraphs if p.text.startswith("填报日期："))
    assert line.runs[-1].underline and line.runs[-1].text.strip("\u3000") == ""
    fields = {f.field: f for f in result.findings}
    assert "report.department" in fields and "report.fill_date" in fields
    assert fields["report.fill_date"].severity == "error"
    assert not result.ok
    assert any("填报日期" in line for line in result.messages())


def test_cover_missing_finding_of_its_own(tmp_path):
    ev = seed()
    ev.report.project_name = ""
    ev.basic.project_name = ""
    result = export_report(ev, tmp_path / "r.docx")
    mine = [f for f in result.findings if f.code == "REPORT_COVER_MISSING"]
    assert [f.field for f in mine] == ["report.project_name"]
    assert "项目名称" in mine[0].message


def test_messages_name_generated_sections(exported):
    result, _ = exported
    text = "\n".join(result.messages())
    assert text.startswith("已生成自评报告：")
    assert "已根据表内数据生成" in text and "（一）资金使用绩效" in text
    assert f"总分：{result.scorecard.total} 分，等级：优" in text


# ---- writing safely


def test_refuses_overwrite_without_force(tmp_path):
    out = tmp_path / "r.docx"
    out.write_bytes(b"earlier report")
    with pytest.raises(OutputError) as info:
        export_report(seed(), out)
    assert info.value.code == "OUT_EXISTS"
    assert out.read_bytes() == b"earlier report"
    export_report(seed(), out, force=True)
    assert docx.Document(str(out)).paragraphs[0].text == "附件3"


def test_refuses_writing_over_the_source(tmp_path):
    out = tmp_path / "r.docx"
    out.write_bytes(b"source")
    with pytest.raises(OutputError) as info:
        export_report(seed(), out, force=True, source=out)
    assert info.value.code == "OUT_IS_SOURCE"
    assert out.read_bytes() == b"source"


def test_refuses_other_suffix(tmp_path):
    with pytest.raises(OutputError) as info:
        export_report(seed(), tmp_path / "r.pdf")
    assert ".docx" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_unknown_rules_is_an_input_error_and_nothing_is_written(tmp_path):
    from xlperf.errors import InputError

    with pytest.raises(InputError) as info:
        export_report(seed(), tmp_path / "r.docx", rules="no-such-rules")
    assert "未知的评分规则" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError) as info:
        export_report(seed(), blocker / "r.docx")
    assert info.value.code == "OUT_NOT_DIR"


def test_interrupted_save_keeps_earlier_report(tmp_path, monkeypatch):
    out = tmp_path / "r.docx"
    export_report(seed(), out)
    earlier = out.read_bytes()

    def broken_save(self, stream):
        stream.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(OutputError) as info:
        export_report(cleared(), out, force=True)
    assert info.value.code == "OUT_FAILED"
    assert out.read_bytes() == earlier
    assert [p.name for p in tmp_path.iterdir()] == ["r.docx"]


def test_report_path_beside_workbook(tmp_path):
    book = tmp_path / "韶关2020.xlsm"
    assert report_path_for(book) == tmp_path / "韶关2020-自评报告.docx"


# ---- PDF

def test_pdf_embeds_cjk_fonts_and_holds_the_title(tmp_path):
    out = tmp_path / "报告.docx"
    result = export_report(cleared(), out, pdf=True)
    assert result.pdf_error is None
    pdf = tmp_path / "报告.pdf"
    assert result.pdf == pdf and pdf.read_bytes().startswith(b"%PDF")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line and "Noto" in line]
    assert cjk and all(" yes " in line for line in cjk)
    assert any("Serif" in line for line in cjk)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "市级财政支出项目绩效自评报告" in text
    assert "最多跑一次事项率" in text
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(atomic.TEMP_SUFFIX)] == []


def test_pdf_unavailable_keeps_the_docx(tmp_path, monkeypatch):
    monkeypatch.setenv("XLPERF_SOFFICE", str(tmp_path / "no-such-soffice"))
    out = tmp_path / "r.docx"
    result = export_report(seed(), out, pdf=True)
    assert out.is_file() and result.pdf is None
    assert "LibreOffice" in result.pdf_error and "Word 报告已生成" in result.pdf_error
    assert not result.ok
    assert any(line.startswith("未生成 PDF：") for line in result.messages())
    assert not (tmp_path / "r.pdf").exists()


def test_pdf_refused_before_any_work_when_it_exists(tmp_path):
    (tmp_path / "r.pdf").write_bytes(b"earlier pdf")
    with pytest.raises(OutputError) as info:
        export_report(seed(), tmp_path / "r.docx", pdf=True)
    assert info.value.code == "OUT_EXISTS"
    assert not (tmp_path / "r.docx").exists()
    assert (tmp_path / "r.pdf").read_bytes() == b"earlier pdf"


def test_pdf_timeout_is_a_chinese_error(tmp_path, monkeypatch):
    from xlperf.outputs.report import pdf as pdf_module

    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("XLPERF_SOFFICE", str(fake))
    docx_path = tmp_path / "r.docx"
    export_report(seed(), docx_path)
    with pytest.raises(pdf_module.PdfFailed) as info:
        pdf_module.docx_to_pdf(docx_path, tmp_path / "r.pdf", timeout=1)
    assert "秒内未完成" in info.value.message
    assert not (tmp_path / "r.pdf").exists()


def test_fonts_conf_maps_windows_fonts():
    from xlperf.outputs.report.pdf import fonts_conf

    conf = fonts_conf()
    assert conf is not None and conf.is_file()
    assert shutil.which("fc-match"), "fontconfig is not installed (run scripts/system-deps.sh)"
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    for family, expected in (("宋体", "Noto Serif CJK SC"), ("仿宋", "Noto Serif CJK SC"), ("黑体", "Noto Sans CJK SC")):
        got = subprocess.run(["fc-match", "-f", "%{family}", family], capture_output=True, text=True, env=env).stdout
        assert expected in got, (family, got)


# ---- drafts: a form with errors


def _with_errors() -> SelfEvaluation:
    ev = seed()
    ev.basic.contact_phone = "12ab"
    return ev


def test_form_with_errors_gives_a_marked_draft(tmp_path):
    out = tmp_path / "r.docx"
    result = export_report(_with_errors(), out)
    assert result.draft and not result.ok
    doc = docx.Document(str(out))
    header = "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)
    assert DRAFT_MARK in header
    title_at = next(i for i, p in enumerate(doc.paragraphs) if p.text == "市级财政支出项目绩效自评报告")
    assert doc.paragraphs[title_at + 1].text == DRAFT_MARK
    text = "\n".join(result.messages())
    assert text.startswith("已生成自评报告草稿")
    assert "FMT001" in text and "1 个错误" in text


def test_form_without_errors_is_not_a_draft(exported):
    result, doc = exported
    assert not result.draft
    header = "\n".join(p.text for s in doc.sections for p in s.header.paragraphs)
    assert DRAFT_MARK not in header and DRAFT_MARK not in all_text(doc)


def test_final_writes_nothing_while_errors_remain(tmp_path):
    out = tmp_path / "r.docx"
    result = export_report(_with_errors(), out, final=True, pdf=True)
    assert result.docx is None and not out.exists() and not out.with_suffix(".pdf").exists()
    assert list(tmp_path.iterdir()) == []
    text = "\n".join(result.messages())
    assert text.startswith("未生成自评报告") and "FMT001" in text


def test_final_writes_a_clean_form(tmp_path):
    out = tmp_path / "r.docx"
    result = export_report(seed(), out, final=True)
    assert result.docx == out and out.exists() and not result.draft


def test_cli_export_draft_exits_1_and_final_refuses(tmp_path, capsys):
    from xlperf.cli import main

    src = tmp_path / "form.json"
    src.write_text(_with_errors().to_json(), encoding="utf-8")
    assert main(["export", str(src), "-o", str(tmp_path / "a.docx")]) == 1
    out = capsys.readouterr().out
    assert DRAFT_MARK in out and "FMT001" in out and (tmp_path / "a.docx").exists()
    assert main(["export", str(src), "-o", str(tmp_path / "b.docx"), "--final"]) == 1
    out = capsys.readouterr().out
    assert "未生成自评报告" in out and "FMT001" in out and not (tmp_path / "b.docx").exists()
