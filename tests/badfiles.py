"""The bad-input corpus, built by code (no committed binaries), and a stand-in form workbook.

Each builder writes one hostile or broken input into a folder and returns its path. The
`CORPUS` table names, for every entry, the stable error code the reader must give and a
fragment of the Chinese cause that must appear in the message. `form_workbook` writes a
real form workbook: through the project's builder when it exists, otherwise through an
XlsxWriter stand-in shaped like the form (5 sheets, ~300 cells, merged ranges, styles,
dates, total formulas).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shaoguan-2020.json"
STANDIN_SHEETS = ("附件1-1", "评分表", "自评报告", "xlwings.conf", "说明")


def example_data() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def builder_available() -> bool:
    """The real workbook builder is part of xlperf: if it cannot be imported the tests fail
    here, rather than quietly dropping the corpus entries that need it."""
    from xlperf.workbook.build import build_workbook  # noqa: F401
    from xlperf.workbook.read import read_workbook_with_layout  # noqa: F401

    return True


def form_workbook(path: Path, ev=None) -> Path:
    """A form workbook for `ev` (the example when None): the real one if it can be built."""
    from xlperf.forms.guangdong_1_1.model import SelfEvaluation

    ev = ev or SelfEvaluation.model_validate(example_data())
    if builder_available():
        from xlperf.workbook.build import build_workbook

        build_workbook(path, ev)
        return Path(path)
    return standin_workbook(path, ev)


def standin_workbook(path: Path, ev=None, *, extra: Callable | None = None) -> Path:
    """An XlsxWriter workbook shaped like the form (used until the builder exists)."""
    import xlsxwriter

    from xlperf.forms.guangdong_1_1.model import SelfEvaluation, SubCategory

    ev = ev or SelfEvaluation.model_validate(example_data())
    wb = xlsxwriter.Workbook(str(path))
    title = wb.add_format({"bold": True, "font_name": "宋体", "font_size": 16, "align": "center", "valign": "vcenter"})
    label = wb.add_format({"font_name": "宋体", "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    cell = wb.add_format({"font_name": "仿宋", "border": 1, "text_wrap": True, "locked": False, "bg_color": "#FFF9E5"})
    money = wb.add_format({"font_name": "仿宋", "border": 1, "num_format": "0.00", "locked": False, "bg_color": "#FFF9E5"})
    date = wb.add_format({"font_name": "仿宋", "border": 1, "num_format": "yyyy\"年\"mm\"月\"dd\"日\"", "locked": False})
    ws = wb.add_worksheet("附件1-1")
    ws.set_column("A:A", 6)
    ws.set_column("B:C", 10)
    ws.set_column("D:J", 13)
    ws.merge_range("A1:J1", "市级财政支出项目绩效自评基础信息表", title)
    ws.write("A2", "填报单位名称：", label)
    ws.merge_range("B2:E2", ev.header.unit_name, cell)
    ws.write("I2", "金额单位：", label)
    ws.write("J2", "万元", label)
    ws.merge_range("A3:A8", "基本情况", label)
    b = ev.basic
    pairs = [
        ("B3", "项目名称", "C3:F3", b.project_name),
        ("G3", "评价年度", "H3", b.eval_year),
        ("I3", "评价金额", "J3", b.eval_amount),
        ("B4", "联系人", "C4", b.contact_name),
        ("D4", "联系电话", "E4:F4", b.contact_phone),
        ("G4", "联系邮箱", "H4:J4", b.contact_email),
    ]
    for lab_at, lab, at, value in pairs:
        ws.write(lab_at, lab, label)
        fmt = money if lab == "评价金额" else cell
        if value is not None and not isinstance(value, (str, int)):
            value = float(value)
        if ":" in at:
            ws.merge_range(at, value if value is not None else "", fmt)
        else:
            ws.write(at, value if value is not None else "", fmt)
    ws.write("B5", "项目开始时间", label)
    ws.write("G5", "项目完成时间", label)
    for at, value in (("C5", b.start_date), ("H5", b.end_date)):
        if value:
            ws.write_datetime(at, dt.datetime.combine(value, dt.time()), date)
    ws.merge_range("B6:B8", "实施文件依据", label)
    ws.merge_range("C6:J8", "\n".join(b.basis_documents), cell)
    row = 9
    for block, rows in (("资金安排情况", ev.funding.budget), ("资金使用情况", ev.funding.spending)):
        ws.write(row - 1, 1, block, label)
        for k, head in enumerate(("年度", "中央及省级", "市本级", "转移支付", "资金合计")):
            ws.write(row - 1, 2 + k, head, label)
        for i in range(3):
            r = row + i
            data = rows[i] if i < len(rows) else None
            ws.write(r, 2, data.year if data and data.year else "", cell)
            for k, attr in enumerate(("central_provincial", "municipal", "transfer_county")):
                v = getattr(data, attr) if data else None
                ws.write(r, 3 + k, float(v) if v is not None else "", money)
            ws.write_formula(r, 6, f"=SUM(D{r + 1}:F{r + 1})", money)
        row += 5
    ws.write(row - 1, 1, "按方向划分", label)
    for i, pr in enumerate(ev.funding.by_purpose[:3]):
        ws.write(row + i, 2, pr.year, cell)
        ws.merge_range(row + i, 3, row + i, 5, pr.purpose, cell)
        ws.write(row + i, 6, float(pr.amount) if pr.amount is not None else "", money)
    row += 5
    g = ev.goals
    for lab, value in (("预期总体目标", g.overall), ("是否如期实现", "是" if g.achieved_on_time else "否"), ("预期阶段性目标", g.stage), ("实际完成情况", g.actual)):
        ws.write(row, 1, lab, label)
        ws.merge_range(row, 2, row, 9, value, cell)
        row += 1
    row += 1
    for k, head in enumerate(("二级指标", "指标名称", "指标计算公式", "评价年度预期值", "评价年度实现值", "未完成原因说明")):
        ws.write(row, 1 + k, head, label)
    row += 1
    for sub in SubCategory:
        rows = ev.indicators.rows(sub)
        ws.merge_range(row, 1, row + 2, 1, sub.value, label)
        for i in range(3):
            ind = rows[i] if i < len(rows) else None
            values = (ind.name, ind.formula, ind.target, ind.actual, ind.explanation) if ind else ("无" if i == 0 and ev.indicators.is_none(sub) else "",) + ("",) * 4
            for k, v in enumerate(values):
                ws.write(row + i, 2 + k, v, cell)
        row += 3
    ws.write(row, 1, "其他情况", label)
    ws.merge_range(row, 2, row, 9, ev.other_notes, cell)
    ws.protect()
    ws2 = wb.add_worksheet("评分表")
    for i, (head) in enumerate(("编号", "评分项", "分值", "档次", "得分", "说明")):
        ws2.write(0, i, head, label)
    for i in range(12):
        ws2.write_row(i + 1, 0, [f"item{i}", f"指标{i}", 5 + i % 3, "达成", "", ""], cell)
    ws2.write_formula(13, 4, "=SUM(E2:E13)", money)
    ws2.data_validation("D2:D13", {"validate": "list", "source": ["达成", "部分达成", "未达成"]})
    ws3 = wb.add_worksheet("自评报告")
    r = ev.report
    for i, (lab, value) in enumerate((("项目名称", r.project_name), ("主管部门", r.department), ("填报人", r.filler_name), ("联系电话", r.phone), ("简要情况", r.unit_overview), ("实施情况", r.implementation), ("自评分析", r.self_assessment), ("资金绩效", r.fund_performance), ("存在问题", r.problems), ("改进意见", r.improvements), ("其他", r.other))):
        ws3.write(i, 0, lab, label)
        ws3.merge_range(i, 1, i, 5, value, cell)
    ws4 = wb.add_worksheet("xlwings.conf")
    for i, (k, v) in enumerate((("UDF Modules", "xlperf.udfs"), ("Interpreter_Win", ""), ("Use UDF Server", "False"))):
        ws4.write_row(i, 0, [k, v])
    ws5 = wb.add_worksheet("说明")
    for i in range(20):
        ws5.write(i, 0, f"第{i + 1}条：请按说明填写。")
    if extra:
        extra(wb)
    wb.close()
    return Path(path)


# ---- zip surgery ----------------------------------------------------------------------


def rewrite_zip(src: Path, dst: Path, change: Callable[[str, bytes], bytes | None], add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip, passing every part through `change` (None drops it) and adding `add`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def _first_sheet_part(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def _inject_into_sheet(src: Path, dst: Path, prolog: bytes, cell_xml: bytes) -> Path:
    """Put `prolog` (a DOCTYPE) before the first sheet's root and a cell using it in A1."""
    sheet = _first_sheet_part(src)

    def change(name, data):
        if name != sheet:
            return data
        head, sep, rest = data.partition(b"<worksheet")
        rest = rest.replace(b"<sheetData>", b"<sheetData><row r=\"1\">" + cell_xml + b"</row>", 1)
        return head + prolog + sep + rest

    return rewrite_zip(src, dst, change)


# ---- the corpus -------------------------------------------------------------------------


def not_a_zip(folder: Path, base: Path) -> Path:
    p = folder / "not-a-zip.xlsx"
    p.write_bytes("这不是工作簿，只是改了扩展名的文本文件。\n".encode() * 20)
    return p


def empty_file(folder: Path, base: Path) -> Path:
    p = folder / "empty.xlsm"
    p.write_bytes(b"")
    return p


def truncated_zip(folder: Path, base: Path) -> Path:
    p = folder / "truncated.xlsx"
    data = base.read_bytes()
    p.write_bytes(data[: len(data) * 2 // 3])
    return p


def corrupt_entry(folder: Path, base: Path) -> Path:
    """The directory is intact but a sheet's compressed bytes are damaged."""
    p = folder / "corrupt-entry.xlsx"
    data = bytearray(base.read_bytes())
    with zipfile.ZipFile(base) as z:
        info = z.getinfo(_first_sheet_part(base))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + min(info.compress_size, 400), 7):
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))
    return p


def encrypted(folder: Path, base: Path) -> Path:
    """A password-protected workbook: OOXML encrypted into an OLE compound file."""
    p = folder / "encrypted.xlsx"
    try:
        import msoffcrypto

        out = io.BytesIO()
        with open(base, "rb") as fh:
            msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("secret", out)
        p.write_bytes(out.getvalue())
        return p
    except Exception:
        pass
    p.write_bytes(_minimal_cfb(["EncryptionInfo", "EncryptedPackage"]))
    return p


def legacy_xls(folder: Path, base: Path) -> Path:
    p = folder / "legacy.xlsx"
    p.write_bytes(_minimal_cfb(["Workbook"]))
    return p


def _minimal_cfb(stream_names: list[str]) -> bytes:
    """A compound-file header followed by a directory sector naming the given streams."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 30, 9)
    directory = bytearray(512)
    for i, name in enumerate(["Root Entry", *stream_names][:4]):
        raw = name.encode("utf-16-le") + b"\0\0"
        directory[i * 128 : i * 128 + len(raw)] = raw
        struct.pack_into("<HB", directory, i * 128 + 64, len(raw), 5 if i == 0 else 2)
    return bytes(header) + bytes(directory) + b"\0" * 512


XXE_PROLOG = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS_PROLOG = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b"]>"
)


def xxe(folder: Path, base: Path) -> Path:
    return _inject_into_sheet(base, folder / "xxe.xlsx", XXE_PROLOG, b'<c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c>')


def billion_laughs(folder: Path, base: Path) -> Path:
    return _inject_into_sheet(base, folder / "laughs.xlsx", LAUGHS_PROLOG, b'<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>')


def zip_bomb(folder: Path, base: Path) -> Path:
    """The first sheet padded to ~300 MB of whitespace that compresses about 1000:1."""
    p = folder / "bomb.xlsx"
    sheet = _first_sheet_part(base)
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != sheet:
                zout.writestr(info.filename, data)
                continue
            with zout.open(sheet, "w", force_zip64=True) as fh:
                head, sep, rest = data.partition(b"<sheetData>")
                fh.write(head)
                block = b" " * (1024 * 1024)
                for _ in range(300):
                    fh.write(block)
                fh.write(sep + rest)
    return p


def huge_sheet(folder: Path, base: Path) -> Path:
    """Two million filled cells declared in the first sheet."""
    p = folder / "huge.xlsx"
    sheet = _first_sheet_part(base)
    rows, cols = 20_000, 100

    def sheet_xml() -> bytes:
        out = io.BytesIO()
        out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
        out.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        out.write(f'<dimension ref="A1:CV{rows}"/><sheetData>'.encode())
        cells = b"<c/>" * cols
        for r in range(1, rows + 1):
            out.write(b'<row r="%d">' % r + cells + b"</row>")
        out.write(b"</sheetData></worksheet>")
        return out.getvalue()

    return rewrite_zip(base, p, lambda name, data: sheet_xml() if name == sheet else data)


def far_cell(folder: Path, base: Path) -> Path:
    """One value at XFD1048576: a tiny file, but a dense grid would hold 17 billion cells."""
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    return _patch_first_sheet_cells(base, folder / "far-cell.xlsx", lambda d: d.replace(b"</sheetData>", far, 1))


def many_entries(folder: Path, base: Path) -> Path:
    p = folder / "many-entries.xlsx"
    return rewrite_zip(base, p, lambda n, d: d, add={f"xl/media/pad{i}.bin": b"" for i in range(5000)})


def missing_sheet(folder: Path, base: Path) -> Path:
    """The form's main sheet renamed, as a person might do."""
    p = folder / "renamed-sheet.xlsx"

    def change(name, data):
        if name == "xl/workbook.xml":
            return data.replace('name="附件1-1"'.encode(), 'name="Sheet1"'.encode())
        return data

    return rewrite_zip(base, p, change)


def not_a_workbook(folder: Path, base: Path) -> Path:
    """A zip that is not a workbook (a .docx renamed, say)."""
    p = folder / "not-a-workbook.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return p


def external_link(folder: Path, base: Path) -> Path:
    """A workbook whose cells pull values from another file."""
    p = folder / "external-link.xlsx"
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink"
    ext_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath"

    def change(name, data):
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", f'<Relationship Id="rIdX1" Type="{rel_type}" Target="externalLinks/externalLink1.xml"/></Relationships>'.encode())
        if name == "xl/workbook.xml":
            return data.replace(b"</workbook>", b'<externalReferences><externalReference r:id="rIdX1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></externalReferences></workbook>')
        return data

    add = {
        "xl/externalLinks/externalLink1.xml": b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></externalLink>',
        "xl/externalLinks/_rels/externalLink1.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{ext_rel}" Target="file:///C:/财务/秘密预算.xlsx" TargetMode="External"/></Relationships>'.encode(),
    }
    return rewrite_zip(base, p, change, add)


AUTO_OPEN_VBA = (
    "Sub Auto_Open()\r\n"
    '    Shell "cmd /c echo pwned > C:\\pwned.txt"\r\n'
    "End Sub\r\n"
)
WORKBOOK_OPEN_VBA = 'Private Sub Workbook_Open()\r\n    Kill "C:\\*.*"\r\nEnd Sub\r\n'


def auto_macro_project() -> bytes:
    """A real VBA project whose ThisWorkbook module has Workbook_Open (and Module1 Auto_Open)."""
    from xlperf.excel.vba import Module, build_vba_project

    return build_vba_project(
        [Module("ThisWorkbook", WORKBOOK_OPEN_VBA, "document"), Module("Module1", AUTO_OPEN_VBA)]
    )


def auto_macro(folder: Path, base: Path, vba: bytes | None = None, name: str = "auto-macro.xlsm") -> Path:
    """A workbook with an auto-run macro project (refused; never executed). `vba`: the
    vbaProject.bin to put in instead of the auto-run one."""
    p = folder / name
    vba = auto_macro_project() if vba is None else vba
    ct = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'

    def change(name, data):
        if name == "[Content_Types].xml":
            data = data.replace(b"</Types>", ct + b"</Types>").replace(
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        if name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
        return data

    return rewrite_zip(base, p, change, {"xl/vbaProject.bin": vba})


def event_macro_project() -> bytes:
    """xlperf's own project with a Worksheet_Change handler put into a sheet's module: no
    Auto_* name, but Excel runs it at the first edit."""
    from xlperf.excel.vba import Module, build_vba_project
    from xlperf.excel.vba_modules import vba_modules

    modules = [
        Module(m.name, 'Private Sub Worksheet_Change(ByVal Target As Range)\r\n    Shell "calc.exe"\r\nEnd Sub\r\n', m.kind)
        if m.name == "Sheet1" else m
        for m in vba_modules()
    ]
    return build_vba_project(modules)


def event_macro(folder: Path, base: Path) -> Path:
    return auto_macro(folder, base, event_macro_project(), "event-macro.xlsm")


def foreign_project(folder: Path, base: Path) -> Path:
    """xlperf's own project and one module more, with nothing that runs by itself."""
    from xlperf.excel.vba import Module, build_vba_project
    from xlperf.excel.vba_modules import vba_modules

    extra = Module("Module1", 'Sub Helper()\r\n    Shell "calc.exe"\r\nEnd Sub\r\n')
    return auto_macro(folder, base, build_vba_project([*vba_modules(), extra]), "foreign-project.xlsm")


GARBAGE_VBA = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\n'
"""An OLE signature, an empty header and some VBA text: no compound file, no VBA/dir."""


def garbage_macro(folder: Path, base: Path) -> Path:
    """A workbook whose vbaProject.bin cannot be parsed (refused; never executed)."""
    return auto_macro(folder, base, GARBAGE_VBA, "garbage-macro.xlsm")


def _patch_first_sheet_cells(base: Path, dst: Path, replace: Callable[[bytes], bytes]) -> Path:
    sheet = _first_sheet_part(base)
    return rewrite_zip(base, dst, lambda n, d: replace(d) if n == sheet else d)


# ---- content the layout parser must refuse (needs the real workbook) ---------------------


def _patched_cells(base: Path, dst: Path, values: dict[str, object]) -> Path:
    """A copy of a built workbook with some input cells (by field path) overwritten."""
    import openpyxl

    from xlperf.workbook.read import read_workbook_with_layout

    _, layout = read_workbook_with_layout(base)
    wb = openpyxl.load_workbook(base)
    for field_path, value in values.items():
        sheet, cell = layout.cell_of(field_path).split("!")
        wb[sheet][cell] = value
    wb.save(dst)
    return dst


def text_in_amount(folder: Path, base: Path) -> Path:
    return _patched_cells(base, folder / "text-amount.xlsx", {"basic.eval_amount": "一百二十万"})


def date_as_text(folder: Path, base: Path) -> Path:
    return _patched_cells(base, folder / "date-text.xlsx", {"basic.start_date": "去年年初"})


def formula_in_input(folder: Path, base: Path) -> Path:
    return _patched_cells(base, folder / "formula-input.xlsx", {"basic.eval_amount": "=100+22.17"})


def wrong_types(folder: Path, base: Path) -> Path:
    return _patched_cells(
        base,
        folder / "wrong-types.xlsx",
        {
            "basic.eval_year": "二〇二〇年",
            "basic.eval_amount": "很多",
            "basic.start_date": "不详",
            "basic.end_date": True,
            "goals.achieved_on_time": "也许",
            "funding.budget[0].municipal": "约一百万",
            "funding.spending[0].year": 20.5,
        },
    )


# ---- JSON data files ----------------------------------------------------------------------


def json_syntax(folder: Path, base: Path) -> Path:
    p = folder / "syntax.json"
    p.write_text('{"basic": {"project_name": "缺了右括号"', encoding="utf-8")
    return p


def json_wrong_types(folder: Path, base: Path) -> Path:
    p = folder / "wrong-types.json"
    data = example_data()
    data["basic"].update(eval_year="二〇二〇", eval_amount="一百万", start_date="去年")
    data["funding"]["budget"] = "很多"
    data["goals"]["achieved_on_time"] = "也许"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def json_huge(folder: Path, base: Path) -> Path:
    p = folder / "huge.json"
    data = example_data()
    data["other_notes"] = "很长的说明。" * 1_000_000
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def json_deep(folder: Path, base: Path) -> Path:
    p = folder / "deep.json"
    p.write_text('{"other_notes": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    return p


def json_gbk(folder: Path, base: Path) -> Path:
    p = folder / "gbk.json"
    p.write_bytes(json.dumps(example_data(), ensure_ascii=False).encode("gbk"))
    return p


def json_array(folder: Path, base: Path) -> Path:
    p = folder / "array.json"
    p.write_text("[1, 2, 3]", encoding="utf-8")
    return p


# ---- read exactly or refuse: grids that would otherwise be read as something else ---------


def _extra_cell(base: Path, dst: Path, cell_xml: bytes) -> Path:
    """A copy whose first sheet has one more row, holding `cell_xml`, at its end."""
    return _patch_first_sheet_cells(
        base, dst, lambda d: d.replace(b"</sheetData>", b'<row r="300">' + cell_xml + b"</row></sheetData>", 1)
    )


def row_zero_ref(folder: Path, base: Path) -> Path:
    """A cell at row 0 (A0): a dense grid would put it in the last row."""
    return _extra_cell(base, folder / "row-zero.xlsx", b'<c r="B0" t="inlineStr"><is><t>x</t></is></c>')


def junk_row_number(folder: Path, base: Path) -> Path:
    """A row whose number is not a number (full-width digits)."""
    return _patch_first_sheet_cells(
        base, folder / "junk-row.xlsx",
        lambda d: d.replace(b"</sheetData>", '<row r="３００"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>'.encode(), 1),
    )


def negative_shared_string(folder: Path, base: Path) -> Path:
    """A shared-string index of -1 (Python would give the last string)."""
    return _extra_cell(base, folder / "negative-sst.xlsx", b'<c r="B300" t="s"><v>-1</v></c>')


def underscore_number(folder: Path, base: Path) -> Path:
    return _extra_cell(base, folder / "underscore-number.xlsx", b'<c r="B300"><v>1_000</v></c>')


def fullwidth_number(folder: Path, base: Path) -> Path:
    return _extra_cell(base, folder / "fullwidth-number.xlsx", "<c r=\"B300\"><v>１２</v></c>".encode())


def foreign_sheet_data(folder: Path, base: Path) -> Path:
    """A sheetData of another namespace before the real one: the real one must not be lost."""
    return _patch_first_sheet_cells(
        base, folder / "foreign-sheetdata.xlsx",
        lambda d: d.replace(b"<sheetData>", b'<x:sheetData xmlns:x="urn:x"><x:row/></x:sheetData><sheetData>', 1),
    )


def duplicate_entry(folder: Path, base: Path) -> Path:
    """The first sheet stored twice: which one a reader takes is anybody's guess."""
    import warnings

    p = folder / "duplicate-entry.xlsx"
    sheet = _first_sheet_part(base)
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        blank = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
        zout.writestr(sheet, blank)
    return p


def zip64_mismatch(folder: Path, base: Path) -> Path:
    """A ZIP64 end record whose directory size and entry count disagree with the end record."""
    p = folder / "zip64-mismatch.xlsx"
    data = base.read_bytes()
    at = data.rfind(b"PK\x05\x06")
    entries, size, offset = struct.unpack_from("<HII", data, at + 10)[0], *struct.unpack_from("<II", data, at + 12)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, at, 1)
    end = bytearray(data[at:])
    struct.pack_into("<HHII", end, 8, entries - 1, entries - 1, size - 46, offset)
    p.write_bytes(data[:at] + record + locator + bytes(end))
    return p


# ---- no internal errors: content every reader and writer must answer in Chinese ------------


def escaped_surrogate(folder: Path, base: Path) -> Path:
    """A text with an escaped lone surrogate (_xD800_): no UTF-8 can carry it."""
    return _patched_cells(base, folder / "escaped-surrogate.xlsx", {"basic.project_name": "_xD800_项目"})


def control_character(folder: Path, base: Path) -> Path:
    """A text with an escaped control character (_x0001_): no XML writer can carry it."""
    return _patched_cells(base, folder / "control-char.xlsx", {"basic.project_name": "项目_x0001_名称"})


def date1904_overflow(folder: Path, base: Path) -> Path:
    """A date serial past 9999-12-31 in a workbook of the 1904 date system."""
    dst = _patched_cells(base, folder / "_date1904.xlsx", {"basic.start_date": 2958000})

    def change(name, data):
        if name == "xl/workbook.xml":
            return data.replace(b"<workbookPr", b'<workbookPr date1904="1"', 1)
        return data

    out = rewrite_zip(dst, folder / "date1904-overflow.xlsx", change)
    dst.unlink()
    return out


def deflate64(folder: Path, base: Path) -> Path:
    """A sheet stored with a compression method Python cannot inflate (Deflate64)."""
    p = folder / "deflate64.xlsx"
    data = bytearray(base.read_bytes())
    sheet = _first_sheet_part(base)
    with zipfile.ZipFile(base) as z:
        info = z.getinfo(sheet)
    struct.pack_into("<H", data, info.header_offset + 8, 9)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_len]) == sheet.encode():
            struct.pack_into("<H", data, central + 10, 9)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    p.write_bytes(bytes(data))
    return p


def _patched_meta(base: Path, dst: Path, key: str, value: str) -> Path:
    """A copy of a built workbook whose hidden _xlperf sheet has `key` set to `value`."""
    import openpyxl

    wb = openpyxl.load_workbook(base)
    ws = wb["_xlperf"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key)
    ws.cell(row, 2).value = value
    wb.save(dst)
    return dst


def score_plan_huge(folder: Path, base: Path) -> Path:
    """A score plan of 100,000 items (a real one has a few dozen)."""
    plan = [[f"i{i}", "项", "产出", "1", "manual", [], False, "drop"] for i in range(100_000)]
    dst = _patched_meta(base, folder / "_plan.xlsx", "score_plan", "PLAN-GOES-HERE")
    text = json.dumps(plan, ensure_ascii=False).encode()
    out = rewrite_zip(dst, folder / "score-plan-huge.xlsx", lambda n, d: d.replace(b"PLAN-GOES-HERE", text))
    dst.unlink()
    return out


def score_plan_unknown(folder: Path, base: Path) -> Path:
    """A score plan whose items name an unknown method and an unknown sub-category."""
    plan = [["x", "项", "产出", "10", "magic", ["nowhere"], False, "sometimes"]]
    return _patched_meta(base, folder / "score-plan-unknown.xlsx", "score_plan", json.dumps(plan))


def json_bom(folder: Path, base: Path) -> Path:
    """What Windows Notepad saves: UTF-8 with a byte-order mark, and a control character."""
    p = folder / "bom-control.json"
    data = example_data()
    data["basic"]["project_name"] = "项目\u0007名称"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(data, ensure_ascii=False).encode())
    return p


def json_infinite(folder: Path, base: Path) -> Path:
    p = folder / "infinite.json"
    data = example_data()
    data["basic"]["eval_amount"] = "1e400"
    data["funding"]["budget"][0]["municipal"] = "9" * 5000
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def json_long_text(folder: Path, base: Path) -> Path:
    """A text longer than a cell holds: it would be cut without a word when written."""
    p = folder / "long-text.json"
    data = example_data()
    data["other_notes"] = "说明" * 20_000
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def json_long_documents(folder: Path, base: Path) -> Path:
    """Basis documents that each fit a cell but together overflow the one cell they share."""
    p = folder / "long-documents.json"
    data = example_data()
    data["basic"]["basis_documents"] = [f"{i}.文件" + "字" * 12_000 for i in range(1, 4)]
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def json_nan(folder: Path, base: Path) -> Path:
    p = folder / "nan.json"
    p.write_text(json.dumps(example_data(), ensure_ascii=False).replace('"eval_year": 2020', '"eval_year": NaN', 1), encoding="utf-8")
    return p


# ---- resource bounds on every path ----------------------------------------------------------


def quadratic_format(folder: Path, base: Path) -> Path:
    """A custom number format of 400,000 '[': a regular expression over it would take minutes."""
    fmt = b'<numFmts count="1"><numFmt numFmtId="200" formatCode="' + b"[" * 400_000 + b'"/></numFmts>'

    def change(name, data):
        if name == "xl/styles.xml":
            data = re.sub(rb"<numFmts\b.*?</numFmts>|<numFmts[^>]*/>", b"", data, flags=re.S)
            data = re.sub(rb"(<styleSheet\b[^>]*>)", lambda m: m.group(1) + fmt, data, count=1)
            return data.replace(b"</cellXfs>", b'<xf numFmtId="200" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>', 1)
        return data

    return rewrite_zip(base, folder / "quadratic-format.xlsx", change)


def huge_merge(folder: Path, base: Path) -> Path:
    """A merged range over the whole sheet: openpyxl would make 17 billion cell objects."""

    def add(data: bytes) -> bytes:
        if b"<mergeCells" in data:
            return re.sub(rb"(<mergeCells\b[^>]*>)", rb'\1<mergeCell ref="A1000:XFD1048576"/>', data, count=1)
        return data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1000:XFD1048576"/></mergeCells>', 1)

    return _patch_first_sheet_cells(base, folder / "huge-merge.xlsx", add)


def giant_unreferenced_part(folder: Path, base: Path) -> Path:
    """An .xlsm with xlperf's own macros and a 1.2 GB part that nothing references, compressed
    to about a megabyte (openpyxl copies every part of an .xlsm into memory)."""
    from xlperf.excel.vba import build_vba_project
    from xlperf.excel.vba_modules import vba_modules

    macro = auto_macro(folder, base, build_vba_project(vba_modules()), "_giant.xlsm")
    p = folder / "giant-part.xlsm"
    with zipfile.ZipFile(macro) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/media/padding.bin", "w", force_zip64=True) as fh:
            block = bytes(1024 * 1024)
            for _ in range(1200):
                fh.write(block)
    macro.unlink()
    return p


@dataclass(frozen=True)
class MarkEntry:
    """A workbook that `xlperf mark` must refuse before openpyxl reads it (exit 2, no output)."""

    name: str
    build: Callable[[Path, Path], Path]
    code: str
    cause: tuple[str, ...]


MARK_CORPUS: list[MarkEntry] = [
    MarkEntry("huge-merge", huge_merge, "IN_TOO_MANY_CELLS", ("合并单元格或超链接范围过大",)),
    MarkEntry("giant-part", giant_unreferenced_part, "IN_ZIP_BOMB", ("xl/media/padding.bin", "压缩比异常")),
    MarkEntry("quadratic-format", quadratic_format, "IN_CORRUPT", ("数字格式长达400000个字符",)),
    MarkEntry("score-plan-huge", lambda f, b: score_plan_huge(f, b), "IN_CORRUPT", ("32767",)),
    MarkEntry("foreign-project", foreign_project, "IN_INPUT", ("模块 Module1", "不是本机 xlperf 生成的", "xlperf new")),
]
"""Files within the safe reader's limits for the form's sheets, but not for a library that
reads the whole workbook."""


@dataclass(frozen=True)
class Entry:
    """One corpus entry: how to build it, and what reading it must say."""

    name: str
    build: Callable[[Path, Path], Path]
    code: str
    """The code of its 无法读取 row in a review: UnreadableFile's code, or IN_INPUT for
    content that cannot become a form."""
    cause: tuple[str, ...]
    """Fragments of the Chinese message (besides the file name), all required."""
    needs_builder: bool = False
    """Built from the real form workbook (the layout decides which cells to spoil)."""


CORPUS: list[Entry] = [
    Entry("not-a-zip", not_a_zip, "IN_NOT_ZIP", ("不是 Excel 工作簿",)),
    Entry("empty", empty_file, "IN_EMPTY", ("文件为空",)),
    Entry("truncated", truncated_zip, "IN_CORRUPT", ("损坏", "截断")),
    Entry("corrupt-entry", corrupt_entry, "IN_CORRUPT", ("损坏", "无法解压")),
    Entry("encrypted", encrypted, "IN_ENCRYPTED", ("加密", "密码")),
    Entry("legacy-xls", legacy_xls, "IN_ENCRYPTED", ("旧版 .xls",)),
    Entry("xxe", xxe, "IN_UNSAFE_XML", ("文档类型声明",)),
    Entry("billion-laughs", billion_laughs, "IN_UNSAFE_XML", ("文档类型声明",)),
    Entry("zip-bomb", zip_bomb, "IN_ZIP_BOMB", ("压缩炸弹",)),
    Entry("huge-sheet", huge_sheet, "IN_TOO_MANY_CELLS", ("单元格过多",)),
    Entry("far-cell", far_cell, "IN_TOO_MANY_CELLS", ("超出自评表的范围",)),
    Entry("many-entries", many_entries, "IN_TOO_LARGE", ("部件过多",)),
    Entry("renamed-sheet", missing_sheet, "IN_SHEET_MISSING", ("缺少工作表“附件1-1”", "Sheet1")),
    Entry("not-a-workbook", not_a_workbook, "IN_CORRUPT", ("缺少 xl/workbook.xml",)),
    Entry("external-link", external_link, "IN_EXTERNAL_LINK", ("外部链接", "秘密预算.xlsx")),
    Entry("auto-macro", auto_macro, "IN_AUTO_MACRO", ("自动运行的宏", "模块 ThisWorkbook 的 Workbook_Open", "不予读取")),
    Entry("garbage-macro", garbage_macro, "IN_MACRO_UNREADABLE", ("宏工程", "无法解析")),
    Entry("event-macro", event_macro, "IN_AUTO_MACRO", ("自动运行的宏", "模块 Sheet1 的 Worksheet_Change")),
    Entry("text-in-amount", text_in_amount, "IN_INPUT", ("评价金额", "应为数字", "一百二十万"), True),
    Entry("date-as-text", date_as_text, "IN_INPUT", ("项目开始时间", "应为日期", "去年年初"), True),
    Entry("formula-in-input", formula_in_input, "IN_INPUT", ("评价金额", "公式"), True),
    Entry("wrong-types", wrong_types, "IN_INPUT", ("二〇二〇年", "很多", "不详", "也许", "约一百万"), True),
    Entry("json-syntax", json_syntax, "IN_INPUT", ("不是有效的 JSON",)),
    Entry("json-wrong-types", json_wrong_types, "IN_INPUT", ("评价年度", "评价金额", "项目开始时间")),
    Entry("json-huge", json_huge, "IN_INPUT", ("文件过大",)),
    Entry("json-deep", json_deep, "IN_INPUT", ("JSON",)),
    Entry("json-gbk", json_gbk, "IN_INPUT", ("UTF-8",)),
    Entry("json-array", json_array, "IN_INPUT", ("对象",)),
    Entry("row-zero-ref", row_zero_ref, "IN_CORRUPT", ("单元格地址“B0”无效",)),
    Entry("junk-row-number", junk_row_number, "IN_CORRUPT", ("行号“３００”无效",)),
    Entry("negative-shared-string", negative_shared_string, "IN_CORRUPT", ("共享字符串编号“-1”无效",)),
    Entry("underscore-number", underscore_number, "IN_CORRUPT", ("数值“1_000”无效",)),
    Entry("fullwidth-number", fullwidth_number, "IN_CORRUPT", ("数值“１２”无效",)),
    Entry("foreign-sheetdata", foreign_sheet_data, "IN_CORRUPT", ("单元格数据",)),
    Entry("duplicate-entry", duplicate_entry, "IN_CORRUPT", ("重复",)),
    Entry("zip64-mismatch", zip64_mismatch, "IN_CORRUPT", ("ZIP64",)),
    Entry("escaped-surrogate", escaped_surrogate, "IN_CORRUPT", ("无效的字符",), True),
    Entry("control-char", control_character, "IN_INPUT", ("项目名称", "控制字符"), True),
    Entry("date1904-overflow", date1904_overflow, "IN_INPUT", ("项目开始时间",), True),
    Entry("deflate64", deflate64, "IN_CORRUPT", ("不支持的压缩方式",)),
    Entry("score-plan-huge", score_plan_huge, "IN_CORRUPT", ("32767",), True),
    Entry("score-plan-unknown", score_plan_unknown, "IN_INPUT", ("评分项记录",), True),
    Entry("json-bom-control", json_bom, "IN_INPUT", ("项目名称", "控制字符")),
    Entry("json-infinite", json_infinite, "IN_INPUT", ("评价金额", "超出范围", "市本级")),
    Entry("json-nan", json_nan, "IN_INPUT", ("评价年度", "有限的数字")),
    Entry("json-long-text", json_long_text, "IN_INPUT", ("其他情况", "文字过长", "32767")),
    Entry("json-long-documents", json_long_documents, "IN_INPUT", ("实施文件依据", "32767")),
    Entry("quadratic-format", quadratic_format, "IN_CORRUPT", ("数字格式长达400000个字符",)),
]
"""Every input that must be refused, with the code and the words of the refusal."""


def build_corpus(folder: Path, base: Path | None = None, *, with_builder: bool | None = None) -> dict[str, Path]:
    """Write the corpus into `folder` from `base` (a form workbook; built when None).

    Entries that need the real workbook builder are skipped while it does not exist."""
    folder.mkdir(parents=True, exist_ok=True)
    if with_builder is None:
        with_builder = builder_available()
    if base is None:
        base = form_workbook(folder / "_base.xlsx")
    return {e.name: e.build(folder, base) for e in CORPUS if with_builder or not e.needs_builder}


# ---- a batch of forms with seeded mistakes ------------------------------------------------


def clean_data(unit: str = "韶关市行政服务中心", project: str | None = None) -> dict:
    """The example form with its four warnings fixed: a form with no finding at all."""
    data = example_data()
    docs = data["basic"]["basis_documents"]
    data["basic"]["basis_documents"] = [f"{i + 1}.{d.split('.', 1)[-1].split('、', 1)[-1]}" for i, d in enumerate(docs)]
    data["indicators"]["social"] = [
        {"name": "群众办事便利度", "formula": "便利事项数/总事项数", "target": "≥90%", "actual": "95%", "explanation": "已完成。"}
    ]
    data["report"]["self_assessment"] = data["report"]["self_assessment"].replace("97分", "100分")
    data["goals"]["actual"] = "大厅和热线平台全年正常运行，大厅办件量增长1.12%，群众满意度99.59%。"
    data["header"]["unit_name"] = unit
    if project is not None:
        data["basic"]["project_name"] = project
        data["report"]["project_name"] = project
    return data


def _set(path: str, value) -> Callable[[dict], None]:
    """A seed that sets one value by a field path ("funding.budget[0].total")."""
    *parents, last = path.split(".")

    def apply(data: dict) -> None:
        node = data
        for part in parents:
            name, _, index = part.partition("[")
            node = node[name][int(index[:-1])] if index else node[name]
        name, _, index = last.partition("[")
        if index:
            node[name][int(index[:-1])] = value
        else:
            node[name] = value

    return apply


@dataclass(frozen=True)
class Seed:
    """A mistake put into a clean form, and exactly the findings it must produce."""

    apply: Callable[[dict], None]
    findings: frozenset
    """{(code, field path)}"""
    in_workbook: bool = True
    """False for mistakes a built workbook cannot hold (资金合计 is a formula there)."""


SEEDS: dict[str, Seed] = {
    "clean": Seed(lambda d: None, frozenset()),
    "wrong-total": Seed(
        _set("funding.budget[0].total", "122.18"),
        frozenset({("AMT003", "funding.budget[0].total"), ("AMT009", "basic.eval_amount")}),
        in_workbook=False,
    ),
    "missing-phone": Seed(_set("basic.contact_phone", ""), frozenset({("REQ001", "basic.contact_phone")})),
    "bad-phone": Seed(_set("basic.contact_phone", "12345"), frozenset({("FMT001", "basic.contact_phone")})),
    "bad-email": Seed(_set("basic.contact_email", "abc@"), frozenset({("FMT002", "basic.contact_email")})),
    "dates-reversed": Seed(_set("basic.start_date", "2021-01-01"), frozenset({("DAT001", "basic.start_date")})),
    "amount-mismatch": Seed(_set("basic.eval_amount", "100"), frozenset({("AMT009", "basic.eval_amount")})),
    "report-name": Seed(_set("report.project_name", "别的项目"), frozenset({("RPT001", "report.project_name")})),
}


@dataclass(frozen=True)
class Expected:
    """What a review must say about one generated file."""

    file: Path
    kind: str
    """json | workbook | broken"""
    seed: str
    unit: str = ""
    project: str = ""
    findings: frozenset = frozenset()
    code: str = ""
    """For broken files: the code of the 无法读取 row."""


def generate_batch(folder: Path, n: int = 200, *, workbooks: int = 40, broken: int = 20, seed: int = 7) -> list[Expected]:
    """`n` forms in `folder`: JSON and workbooks with seeded mistakes, and broken files.

    Workbooks are built once per seed and copied (building is the slow part)."""
    import random
    import shutil

    from xlperf.forms.guangdong_1_1.model import SelfEvaluation

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Expected] = []
    names = list(SEEDS)
    wb_names = [s for s in names if SEEDS[s].in_workbook]
    have_builder = builder_available()
    if not have_builder:
        workbooks = 0
    masters: dict[str, Path] = {}
    scratch = folder.parent / (folder.name + "-build")
    scratch.mkdir(exist_ok=True)
    for i in range(workbooks):
        name = wb_names[i % len(wb_names)]
        unit, project = f"工作簿单位{name}", f"工作簿项目{name}"
        if name not in masters:
            data = clean_data(unit, project)
            SEEDS[name].apply(data)
            masters[name] = form_workbook(scratch / f"{name}.xlsx", SelfEvaluation.model_validate(data))
        dst = folder / f"wb-{i:03d}-{name}.xlsx"
        shutil.copyfile(masters[name], dst)
        out.append(Expected(dst, "workbook", name, unit, project, SEEDS[name].findings))
    base = next(iter(masters.values()), None) or form_workbook(scratch / "_base.xlsx")
    corpus_dir = scratch / "corpus"
    usable = [e for e in CORPUS if (have_builder or not e.needs_builder) and e.code != "IN_NOT_FORM"
              and e.name not in ("zip-bomb", "huge-sheet", "json-huge", "docx-zip-bomb")]
    built = build_corpus(corpus_dir, base, with_builder=have_builder)
    for i in range(broken):
        entry = usable[i % len(usable)]
        src = built[entry.name]
        dst = folder / f"broken-{i:03d}-{entry.name}{src.suffix}"
        shutil.copyfile(src, dst)
        out.append(Expected(dst, "broken", entry.name, code=entry.code))
    for i in range(n - len(out)):
        name = rng.choice(names)
        unit, project = f"单位{i:03d}", f"项目{i:03d}"
        data = clean_data(unit, project)
        SEEDS[name].apply(data)
        dst = folder / f"form-{i:03d}-{name}.json"
        dst.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        out.append(Expected(dst, "json", name, unit, project, SEEDS[name].findings))
    return out


# ---- .docx and .xls: what units send besides workbooks ---------------------------------


def form_docx(path: Path, ev=None) -> Path:
    """The example typed into a copy of the Word template (tests/official_forms.py)."""
    from tests.official_forms import write_docx
    from xlperf.forms.guangdong_1_1.model import SelfEvaluation

    write_docx(ev or SelfEvaluation.model_validate(example_data()), path)
    return Path(path)


def _docx_with(folder: Path, name: str, change: Callable[[bytes], bytes]) -> Path:
    base = form_docx(folder / f"_{name}.docx")
    return rewrite_zip(base, folder / name, lambda part, data: change(data) if part == "word/document.xml" else data)


def docx_span_bomb(folder: Path, base: Path) -> Path:
    """One table cell claiming to span 10^9 grid columns (hangs python-docx's cell API)."""
    return _docx_with(folder, "span-bomb.docx",
                      lambda d: d.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="1000000000"/>', 1))


def docx_dtd(folder: Path, base: Path) -> Path:
    return _docx_with(folder, "dtd.docx", lambda d: d.replace(
        b"?>", b'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1))


def docx_bomb(folder: Path, base: Path) -> Path:
    """The document part padded to ~300 MB of whitespace (compresses about 1000:1)."""
    src = form_docx(folder / "_bomb-src.docx")
    p = folder / "bomb.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != "word/document.xml":
                zout.writestr(info.filename, data)
                continue
            with zout.open(info.filename, "w", force_zip64=True) as fh:
                head, sep, rest = data.partition(b"<w:body>")
                fh.write(head + sep)
                for _ in range(300):
                    fh.write(b" " * (1024 * 1024))
                fh.write(rest)
    return p


def docx_not_a_form(folder: Path, base: Path) -> Path:
    from docx import Document

    p = folder / "letter.docx"
    doc = Document()
    doc.add_paragraph("关于召开年度工作会议的通知")
    doc.add_table(rows=2, cols=2).cell(0, 0).text = "时间"
    doc.save(p)
    return p


def legacy_doc(folder: Path, base: Path) -> Path:
    p = folder / "legacy.docx"
    p.write_bytes(_minimal_cfb(["WordDocument"]))
    return p


def html_xls(folder: Path, base: Path) -> Path:
    p = folder / "exported.xls"
    p.write_text("<html><head><meta charset='utf-8'></head><body><table><tr><td>项目名称</td></tr></table></body></html>",
                 encoding="utf-8")
    return p


def xml2003_xls(folder: Path, base: Path) -> Path:
    p = folder / "xml2003.xls"
    p.write_text('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                 '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"/></Workbook>',
                 encoding="utf-8")
    return p


def garbage_xls(folder: Path, base: Path) -> Path:
    p = folder / "garbage.xls"
    p.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(range(256)) * 8)
    return p


def cfb_with_stream(name: str, data: bytes) -> bytes:
    """A valid compound file (version 3) holding one stream of >= 4096 bytes in regular sectors."""
    data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0")
    n = len(data) // 512
    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<I", header, 76, 0)
    header[80:512] = b"\xff" * 432
    fat = [0xFFFFFFFD, 0xFFFFFFFE] + [3 + i for i in range(n - 1)] + [0xFFFFFFFE]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    directory = bytearray(512)

    def entry(i, entry_name, kind, child, start, size):
        raw = entry_name.encode("utf-16-le") + b"\0\0"
        directory[i * 128: i * 128 + len(raw)] = raw
        struct.pack_into("<HBBIII", directory, i * 128 + 64, len(raw), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child)
        struct.pack_into("<IQ", directory, i * 128 + 116, start, size)

    entry(0, "Root Entry", 5, 1, 0xFFFFFFFE, 0)
    entry(1, name, 2, 0xFFFFFFFF, 2, len(data))
    for i in (2, 3):
        struct.pack_into("<III", directory, i * 128 + 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    return bytes(header) + fat_sector + bytes(directory) + data


def excel95_xls(folder: Path, base: Path) -> Path:
    """An Excel 95 (BIFF5) workbook: a "Book" stream starting with a BIFF5 BOF record."""
    p = folder / "excel95.xls"
    bof = struct.pack("<HHHHHH", 0x0809, 8, 0x0500, 0x0005, 0x0DBB, 0x07CC)
    p.write_bytes(cfb_with_stream("Book", bof + struct.pack("<HH", 0x000A, 0)))
    return p


CORPUS += [
    Entry("docx-span-bomb", docx_span_bomb, "IN_TOO_MANY_CELLS", ("表格结构异常", "跨 1000000000 列")),
    Entry("docx-dtd", docx_dtd, "IN_UNSAFE_XML", ("文档类型声明",)),
    Entry("docx-zip-bomb", docx_bomb, "IN_ZIP_BOMB", ("压缩炸弹",)),
    Entry("docx-not-a-form", docx_not_a_form, "IN_NOT_FORM", ("不是自评表", "栏目名称")),
    Entry("legacy-doc", legacy_doc, "IN_ENCRYPTED", ("旧版 .doc",)),
    Entry("html-xls", html_xls, "IN_WRONG_FORMAT", ("网页（HTML）", "另存为")),
    Entry("xml2003-xls", xml2003_xls, "IN_WRONG_FORMAT", ("XML", "另存为")),
    Entry("garbage-xls", garbage_xls, "IN_CORRUPT", ("损坏",)),
    Entry("excel95-xls", excel95_xls, "IN_OLD_EXCEL", ("Excel 95", "中文无法可靠读取", "另存为")),
]


# ---- the national 项目支出绩效自评表 typed in Word ------------------------------------------------


def national_docx(path: Path) -> Path:
    """A national example typed into the Word template's shape (tests/national_forms.py)."""
    from tests.national_forms import write_docx
    from xlperf.forms.national_2020.model import NationalForm

    root = Path(__file__).resolve().parent.parent
    write_docx(NationalForm.model_validate_json((root / "examples" / "national-clean-2022.json").read_bytes()), path)
    return Path(path)


def _national_rows(folder: Path, name: str, copies: int) -> Path:
    """The national Word table with its first indicator row repeated `copies` times, each
    with its own name (random digits: the part does not compress like a bomb)."""
    import random

    base = national_docx(folder / f"_{name}")
    rng = random.Random(11)

    def change(data: bytes) -> bytes:
        rows = re.findall(rb"<w:tr[ >].*?</w:tr>", data, flags=re.S)
        key = "安装坡面水标尺".encode()
        row = next(r for r in rows if key in r)
        many = b"".join(row.replace(key, key + b"%032x" % rng.getrandbits(128)) for _ in range(copies))
        return data.replace(row, many, 1)

    return rewrite_zip(base, folder / name, lambda part, data: change(data) if part == "word/document.xml" else data)


def national_docx_huge_table(folder: Path, base: Path) -> Path:
    """A national table of 10,500 indicator rows: beyond the row limit, refused before parsing."""
    return _national_rows(folder, "national-huge.docx", 10_500)


def national_docx_too_many_indicators(folder: Path, base: Path) -> Path:
    """Within the file limits, but more indicator rows than a form may hold (MAX_ROWS)."""
    return _national_rows(folder, "national-rows.docx", 260)


CORPUS += [
    Entry("national-docx-huge-table", national_docx_huge_table, "IN_TOO_MANY_CELLS", ("表格过大", "上限 10000 行")),
    Entry("national-docx-too-many-indicators", national_docx_too_many_indicators, "IN_INPUT",
          ("导入的内容无法使用", "绩效指标")),
]
