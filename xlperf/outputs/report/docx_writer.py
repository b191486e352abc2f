"""The Attachment 3 report as a Word document, laid out like the official form.

Layout: "附件3" top left, the title, the cover fields as label：value lines, then the
two-column table (prompt | answer) with the four part headings as full-width rows.
A4 with the margins of GB/T 9704 (党政机关公文格式); page numbers "— 1 —" in the footer.

Fonts are chosen to exist on every Chinese Windows machine, so that the document looks
the same wherever it is opened: the title in 宋体 bold (方正小标宋简体, the font GB/T 9704
names for titles, is missing on many machines, and Word's substitute for a missing font
is unpredictable); "附件3" and the part headings in 黑体; everything else in 仿宋 (not
仿宋_GB2312, which modern Windows no longer ships). Latin letters and digits in
Times New Roman. Body text in the table is 四号 (14 pt): 三号 (16 pt) in a 11 cm column
gives 19 characters a line and makes a typical report run to many pages.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from xlperf.files.atomic import write_atomic

from xlperf.forms.guangdong_1_1.report_text import ATTACHMENT_MARK, DRAFT_MARK, ReportText

LATIN_FONT = "Times New Roman"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
PAGE_NUMBER_FONT = "宋体"

TITLE_SIZE = Pt(22)   # 二号
COVER_SIZE = Pt(16)   # 三号
TABLE_SIZE = Pt(14)   # 四号
PAGE_NUMBER_SIZE = Pt(14)

PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
PROMPT_WIDTH, ANSWER_WIDTH = Cm(4.6), Cm(11.0)
TABLE_LINE = Pt(24)
KEEP_ROW_LINES = 6
"""A row of at most this many lines is kept on one page; a longer one may break across pages."""
PROMPT_CHARS, ANSWER_CHARS = 8, 21
"""Full-width characters a line holds in each column at 14 pt."""
BLANK = "\u3000" * 14
"""An underlined blank where a cover field is empty, to be filled in by hand."""


def write_report_docx(report: ReportText, out_path, *, force: bool = False, source=None, draft: bool = False):
    """Write the report to ``out_path`` (.docx) atomically; see `xlperf.atomic` for refusals.

    ``draft``: the form still has errors; every page header and the cover say so (DRAFT_MARK)."""
    document = build_document(report, draft=draft)
    return write_atomic(out_path, document.save, force=force, source=source)


@dataclass(frozen=True)
class _Style:
    """A named paragraph style (段落样式): the person can restyle the report in Word in one place."""

    style_id: str
    name: str
    east_asia: str
    size: Pt
    bold: bool = False
    align: int | None = None
    line: Pt | None = None
    before: Pt | None = None
    after: Pt | None = None
    first_indent: Pt | None = None
    keep_with_next: bool = False


MARK = _Style("XlperfMark", "附件标识", HEADING_FONT, COVER_SIZE)
TITLE = _Style("XlperfTitle", "报告标题", TITLE_FONT, TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
               before=Pt(18), after=Pt(24))
COVER = _Style("XlperfCover", "封面栏目", BODY_FONT, COVER_SIZE, line=Pt(30), after=Pt(6))
PART = _Style("XlperfPart", "表格部分标题", HEADING_FONT, TABLE_SIZE, keep_with_next=True)
PROMPT = _Style("XlperfPrompt", "表格提示语", BODY_FONT, TABLE_SIZE, line=TABLE_LINE)
ANSWER = _Style("XlperfAnswer", "表格正文", BODY_FONT, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=TABLE_LINE,
                first_indent=Pt(28))
PAGE_NUMBER = _Style("XlperfPageNumber", "页码", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
STYLES = (MARK, TITLE, COVER, PART, PROMPT, ANSWER, PAGE_NUMBER)


def build_document(report: ReportText, *, draft: bool = False):
    """The python-docx Document of the report (not yet saved); ``draft`` marks it as a draft."""
    doc = Document()
    _defaults(doc)
    for style in STYLES:
        _add_style(doc, style)
    _page(doc)
    _properties(doc, report)
    mark = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    _styled(mark, MARK).add_run(ATTACHMENT_MARK)
    _styled(doc.add_paragraph(), TITLE).add_run(report.title)
    if draft:
        _draft_mark(doc)

    for field in report.cover:
        p = _styled(doc.add_paragraph(), COVER)
        label = f"{field.label}："
        hang = Pt(_ems(label) * COVER_SIZE.pt)
        p.paragraph_format.left_indent = Pt(32) + hang
        p.paragraph_format.first_line_indent = -hang
        p.add_run(label)
        if field.value:
            p.add_run(field.value)
        else:
            p.add_run(BLANK).underline = True

    _styled(doc.add_paragraph(), COVER)
    _table(doc, report)
    return doc


def _table(doc, report: ReportText) -> None:
    rows = sum(1 + len(sections) for _, sections in report.parts)
    table = doc.add_table(rows=rows, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    _fixed_width(table)
    table.columns[0].width, table.columns[1].width = PROMPT_WIDTH, ANSWER_WIDTH
    r = 0
    for part, sections in report.parts:
        row = table.rows[r]
        cell = _span_row(row)
        _row_height(row, Cm(1.1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _fill(cell, [part], PART)
        r += 1
        for section in sections:
            row = table.rows[r]
            _row_height(row, Cm(2.2))
            if _lines(section) <= KEEP_ROW_LINES:
                _cant_split(row)
            prompt, answer = row.cells
            prompt.width, answer.width = PROMPT_WIDTH, ANSWER_WIDTH
            for c in (prompt, answer):
                c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            _fill(prompt, [section.prompt], PROMPT)
            _fill(answer, section.paragraphs, ANSWER)
            r += 1


def _fill(cell, paragraphs: list[str], style: _Style) -> None:
    for i, text in enumerate(paragraphs):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        _styled(p, style).add_run(text)


def _styled(paragraph, style: _Style):
    """Give the paragraph its style by id (python-docx's lookup by name is slow)."""
    paragraph._p.style = style.style_id
    return paragraph


# --------------------------------------------------------------------------- low level


def _ems(text: str) -> float:
    """The width of ``text`` in em (a Chinese character is 1, a Latin letter or digit ½)."""
    return sum(1 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in text)


def _lines(section) -> int:
    """Estimated line count of a table row (the taller of its two cells)."""
    prompt = math.ceil(_ems(section.prompt) / PROMPT_CHARS)
    answer = sum(math.ceil((_ems(p) + 2) / ANSWER_CHARS) for p in section.paragraphs)
    return max(prompt, answer)


def _span_row(row):
    """The row as one cell across both columns (合并单元格), without python-docx's general merge."""
    first, second = row._tr.tc_lst
    first.grid_span = 2
    first.width = PROMPT_WIDTH + ANSWER_WIDTH
    row._tr.remove(second)
    return row.cells[0]


def _cant_split(row) -> None:
    """Keep the row on one page (不跨页断行)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert_element_before(
        OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
        "w:ins", "w:del", "w:trPrChange",
    )


def _add_style(doc, style: _Style) -> None:
    st = doc.styles.add_style(style.name, WD_STYLE_TYPE.PARAGRAPH)
    st.element.styleId = style.style_id
    st.element.basedOn_val = "Normal"
    st.quick_style = True
    st.font.size = style.size
    if style.bold:
        st.font.bold = True
    _fonts(st.element.get_or_add_rPr(), style.east_asia)
    fmt = st.paragraph_format
    if style.align is not None:
        fmt.alignment = style.align
    if style.line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = style.line
    if style.before is not None:
        fmt.space_before = style.before
    if style.after is not None:
        fmt.space_after = style.after
    if style.first_indent is not None:
        fmt.first_line_indent = style.first_indent
    if style.keep_with_next:
        fmt.keep_with_next = True


def _fonts(rpr, east_asia: str) -> None:
    """Set all four font slots; w:eastAsia is the one Word uses for Chinese characters."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _defaults(doc) -> None:
    """Document defaults without theme fonts: 仿宋 14 pt, Chinese language, no paragraph gaps."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(int(TABLE_SIZE.pt * 2)))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(int(TABLE_SIZE.pt * 2)))
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)
    footer = _styled(section.footer.paragraphs[0], PAGE_NUMBER)
    footer.add_run("— ")
    _page_field(footer)
    footer.add_run(" —")


def _draft_mark(doc) -> None:
    """草稿：校验未通过 in red on the cover, under the title, and in every page header."""
    header = doc.sections[0].header.paragraphs[0]
    for paragraph, size in ((_styled(doc.add_paragraph(), TITLE), COVER_SIZE), (header, PAGE_NUMBER_SIZE)):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(DRAFT_MARK)
        run.bold = True
        run.font.size = size
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        run.font.name = LATIN_FONT
        _fonts(run._element.get_or_add_rPr(), HEADING_FONT)


def _page_field(paragraph) -> None:
    """A PAGE field (页码) with "1" as its shown value until the reader updates it."""
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._element.append(el)


def _properties(doc, report: ReportText) -> None:
    props = doc.core_properties
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    props.title = report.title
    props.subject = report.cover_value("project_name")
    props.author = report.cover_value("filler_name")
    props.last_modified_by = report.cover_value("filler_name")
    props.comments = ""
    props.keywords = ""
    props.created = props.modified = now
    props.revision = 1


def _row_height(row, height) -> None:
    row.height = height
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _borders(table) -> None:
    """Single 0.5 pt lines around and inside (表格框线), independent of any table style."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"
    )


def _fixed_width(table) -> None:
    """A fixed table width, so Word and LibreOffice keep the two columns as set."""
    table.autofit = False
    width = table._tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(Emu(PROMPT_WIDTH + ANSWER_WIDTH).twips))

