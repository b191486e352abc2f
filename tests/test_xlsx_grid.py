"""The workbook reader: values, dates, formulas and strings as the layout parser needs them,
and each limit enforced with its code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zipfile

import pytest

from tests.badfiles import CORPUS, build_corpus, rewrite_zip, standin_workbook
from xlperf.errors import InputError
from xlperf.files.safezip import Limits, UnreadableFile
from xlperf.files.xlsx_grid import Formula, read_grids, sheet_names

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _typed_workbook(path, date1904=False):
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"date_1904": date1904, "strings_to_numbers": False})
    ws = wb.add_worksheet("表")
    ws.write_string("A1", "文字")
    ws.write_number("B1", 122.17)
    ws.write_number("C1", 2020)
    ws.write_boolean("D1", True)
    ws.write_datetime("A2", dt.datetime(2020, 12, 31), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_datetime("B2", dt.datetime(2020, 1, 1, 8, 30), wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    ws.write_datetime("C2", dt.datetime(2021, 3, 18), wb.add_format({"num_format": 14}))
    ws.write_number("D2", 44000, wb.add_format({"num_format": '0.00"万元"'}))
    ws.write_datetime("E2", dt.datetime(2020, 5, 1), wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'}))
    ws.write_formula("A3", "=B1*2", None, 244.34)
    ws.write_formula("B3", '="a"&"b"', None, "ab")
    ws.write_formula("C3", "=1/0", None, "#DIV/0!")
    ws.write_string("A4", "=不是公式")
    ws.write_string("B4", "第一行\n第二行")
    ws.merge_range("A6:C6", "合并", None)
    ws.write_string("J9", "最后")
    wb.close()
    return path


def test_values_dates_and_formulas(tmp_path):
    grid = read_grids(_typed_workbook(tmp_path / "t.xlsx"))["表"]
    assert grid[0][:4] == ["文字", 122.17, 2020, True]
    assert isinstance(grid[0][2], int)
    assert grid[1][:5] == [dt.date(2020, 12, 31), dt.datetime(2020, 1, 1, 8, 30), dt.date(2021, 3, 18), 44000, dt.date(2020, 5, 1)]
    assert grid[2][0] == Formula("=B1*2", 244.34)
    assert grid[2][1] == Formula('="a"&"b"', "ab")
    assert grid[2][2] == Formula("=1/0", "#DIV/0!")
    assert grid[3][:2] == ["=不是公式", "第一行\n第二行"]
    assert grid[5][:3] == ["合并", None, None]
    assert len(grid) == 9 and all(len(row) == 10 for row in grid)
    assert grid[8][9] == "最后"


def test_1904_dates(tmp_path):
    grid = read_grids(_typed_workbook(tmp_path / "t.xlsx", date1904=True))["表"]
    assert grid[1][0] == dt.date(2020, 12, 31)


def _raw_workbook(path, sheet_xml: str, shared: str | None = None, styles: str | None = None):
    """A minimal hand-written workbook with one sheet named 表."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{rels}"><sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>')
        parts = [f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/s.xml"/>']
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{shared}</sst>')
            parts.append(f'<Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/>')
        if styles is not None:
            z.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
            parts.append(f'<Relationship Id="rId3" Type="{rels}/styles" Target="styles.xml"/>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(parts) + "</Relationships>")
        z.writestr("xl/worksheets/s.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_xml}</sheetData></worksheet>')
    return path


def test_rich_text_phonetics_escapes_and_shared_formulas(tmp_path):
    shared = (
        "<si><t>普通</t></si>"
        "<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb='0' eb='1'><t>ふり</t></rPh></si>"
        "<si><t>换行_x000D_符</t></si>"
    )
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:C2" si="0">B1+1</f><v>1</v></c><c r="B2"><f t="shared" si="0"/><v>2</v></c>'
        '<c r="C2" t="inlineStr"><is><t>内联</t></is></c></row>'
        "<row><c><v>7</v></c><c t=\"b\"><v>0</v></c><c r=\"D3\" t=\"e\"><v>#N/A</v></c></row>"
    )
    grid = read_grids(_raw_workbook(tmp_path / "r.xlsx", sheet, shared))["表"]
    assert grid[0] == ["普通", "富文本", "换行\r符", None]
    assert grid[1][:3] == [Formula("=B1+1", 1), Formula("=B1+1", 2), "内联"]
    assert grid[2] == [7, False, None, "#N/A"]


def test_custom_date_formats(tmp_path):
    styles = (
        '<numFmts><numFmt numFmtId="164" formatCode="[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
        '<numFmt numFmtId="165" formatCode="0.00_);[Red]\\(0.00\\)"/><numFmt numFmtId="166" formatCode="h:mm"/></numFmts>'
        '<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="31"/></cellXfs>'
    )
    sheet = '<row r="1"><c r="A1" s="1"><v>43831</v></c><c r="B1" s="2"><v>43831</v></c><c r="C1" s="3"><v>0.5</v></c><c r="D1" s="4"><v>44196</v></c></row>'
    grid = read_grids(_raw_workbook(tmp_path / "d.xlsx", sheet, styles=styles))["表"]
    assert grid[0] == [dt.date(2020, 1, 1), 43831, dt.time(12, 0), dt.date(2020, 12, 31)]


@pytest.mark.parametrize(
    "sheet, code",
    [
        ('<row r="1"><c r="A1"><v>abc</v></c></row>', "IN_CORRUPT"),
        ('<row r="1"><c r="A1" t="s"><v>99</v></c></row>', "IN_CORRUPT"),
        ('<row r="1"><c r="1A"><v>1</v></c></row>', "IN_CORRUPT"),
        ('<row r="1"><c r="A1"><v>1</v></row>', "IN_CORRUPT"),
    ],
)
def test_damaged_cells_are_refused(tmp_path, sheet, code):
    with pytest.raises(UnreadableFile) as info:
        read_grids(_raw_workbook(tmp_path / "x.xlsx", sheet, shared=""))
    assert info.value.code == code
    assert str(tmp_path / "x.xlsx") in info.value.message


def test_missing_sheets_are_named(tmp_path):
    path = standin_workbook(tmp_path / "s.xlsx")
    with pytest.raises(InputError) as info:
        read_grids(path, ["附件1-1", "附件2", "评分表"])
    assert "缺少工作表“附件2”" in info.value.message and "“附件1-1”" in info.value.message
    assert set(read_grids(path, ["附件1-1"], optional=["附件2", "评分表"])) == {"附件1-1", "评分表"}
    assert sheet_names(path)[0] == "附件1-1"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    base = standin_workbook(folder / "_base.xlsx")
    return base, build_corpus(folder, base, with_builder=False)


READER_ENTRIES = [e for e in CORPUS if e.code not in ("IN_INPUT", "IN_NOT_FORM") and not e.needs_builder]
"""What the readers refuse (IN_INPUT and IN_NOT_FORM are said after reading)."""


@pytest.mark.parametrize("entry", READER_ENTRIES, ids=[e.name for e in READER_ENTRIES])
def test_corpus_refused_by_the_reader(corpus, entry):
    from xlperf.files.imports import grid_of

    _, paths = corpus
    path = paths[entry.name]
    with pytest.raises(UnreadableFile) as info:
        if path.suffix in (".xlsx", ".xlsm"):
            read_grids(path, ["附件1-1"])
        else:
            grid_of(path)
    assert info.value.code == entry.code
    assert info.value.message.startswith(f"文件 {paths[entry.name]}：")
    for fragment in entry.cause:
        assert fragment in info.value.message


def test_auto_run_macros_are_refused_and_never_run(corpus, tmp_path):
    """A workbook carrying an auto-run macro project is refused, naming the procedures."""
    from tests.badfiles import auto_macro

    base, _ = corpus
    with pytest.raises(UnreadableFile) as info:
        read_grids(auto_macro(tmp_path, base))
    assert info.value.code == "IN_AUTO_MACRO"
    assert "Workbook_Open" in info.value.message and "Auto_Open" in info.value.message


def test_external_links_can_be_allowed(corpus):
    base, paths = corpus
    relaxed = Limits(allow_external_links=True)
    assert read_grids(paths["external-link"], limits=relaxed) == read_grids(base)


@pytest.mark.parametrize(
    "change, code",
    [
        ({"max_part_bytes": 4000}, "IN_TOO_LARGE"),
        ({"max_total_bytes": 20000}, "IN_TOO_LARGE"),
        ({"max_ratio": 2, "ratio_floor": 1000}, "IN_ZIP_BOMB"),
        ({"max_cells": 50}, "IN_TOO_MANY_CELLS"),
        ({"max_rows": 10}, "IN_TOO_MANY_CELLS"),
        ({"max_cols": 3}, "IN_TOO_MANY_CELLS"),
        ({"max_shared_strings": 5}, "IN_TOO_MANY_CELLS"),
        ({"max_entries": 5}, "IN_TOO_LARGE"),
        ({"max_file_bytes": 1000}, "IN_TOO_LARGE"),
    ],
)
def test_each_limit_is_enforced(corpus, change, code):
    base, _ = corpus
    with pytest.raises(UnreadableFile) as info:
        read_grids(base, limits=dataclasses.replace(Limits(), **change))
    assert info.value.code == code


def test_a_lying_size_header_does_not_get_past(tmp_path, corpus):
    """The central directory claims a tiny sheet; the reader stops at the claimed size."""
    base, _ = corpus
    bomb = tmp_path / "lying.xlsx"
    rewrite_zip(base, bomb, lambda n, d: d.replace(b"<sheetData>", b"<sheetData>" + b" " * 5_000_000, 1) if n == "xl/worksheets/sheet1.xml" else d)
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    name = info.filename.encode()
    at = data.find(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.find(b"PK\x01\x02", at + 4)
    data[at + 24 : at + 28] = (2000).to_bytes(4, "little")
    local = info.header_offset
    data[local + 22 : local + 26] = (2000).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile) as err:
        read_grids(bomb)
    assert err.value.code in ("IN_CORRUPT", "IN_ZIP_BOMB")


def test_a_fake_end_of_sheet_data_in_a_comment_is_not_taken_for_the_real_one(tmp_path):
    """The reader stops parsing at </sheetData>; one hidden in a comment must not cut the data short."""
    sheet = '<row r="1"><c r="A1"><v>1</v></c></row><!-- </sheetData> --><row r="2"><c r="A2"><v>2</v></c></row>'
    with pytest.raises(UnreadableFile) as info:
        read_grids(_raw_workbook(tmp_path / "c.xlsx", sheet))
    assert info.value.code == "IN_CORRUPT"
    sheet = '<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[</sheetData>]]></t></is></c></row>'
    with pytest.raises(UnreadableFile):
        read_grids(_raw_workbook(tmp_path / "d.xlsx", sheet))


@pytest.mark.parametrize("encoding", ["UTF-7", "UTF-32", "no-such-codec"])
def test_odd_xml_encodings_are_refused_cleanly(tmp_path, encoding):
    path = _raw_workbook(tmp_path / "e.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>')
    rewrite_zip(path, tmp_path / "f.xlsx", lambda n, d: f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + d if n == "xl/worksheets/s.xml" else d)
    with pytest.raises(UnreadableFile) as info:
        read_grids(tmp_path / "f.xlsx")
    assert info.value.code == "IN_CORRUPT"
