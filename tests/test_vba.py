"""Tests of the pure-Python vbaProject.bin writer (xlperf.vba).

Readers used as independent checks: olefile (compound file), oletools
(olevba's decompressor and VBA_Parser) and, when installed, LibreOffice's VBA
import.
"""

from __future__ import annotations

import random
import struct
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import olefile
import pytest
import xlsxwriter
import xlwings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from xlperf.excel.vba import Module, build_vba_project, expected_readback, stored_source
from xlperf.excel.vba import cfb, ovba
from xlperf.excel.vba.project import STDOLE_LIBID, decrypt, dir_stream, encrypt

XLWINGS_BAS = Path(xlwings.__file__).with_name("xlwings.bas")

UDF_MODULE = """#Const App = "Microsoft Excel"
Function PERF_SCORE(a, b)
    If TypeOf Application.Caller Is Range Then On Error GoTo failed
    PERF_SCORE = Py.CallUDF("xlperf_udfs", "PERF_SCORE", Array(a, b), ThisWorkbook, Application.Caller)
    Exit Function
failed:
    PERF_SCORE = Err.Description
End Function
"""

BUTTON_MODULE = 'Sub xlperf_check()\n    RunPython "import xlperf; xlperf.check()"\nEnd Sub'

# [MS-OVBA] 3.2.1 to 3.2.3: (original text, compressed container)
SPEC_VECTORS = [
    (
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
        " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
    (b"a" * 73, "01 03 B0 02 61 45 00"),
]

SEEDS = st.integers(0, 2**32 - 1)
HYPOTHESIS = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])


def xlwings_source() -> str:
    return XLWINGS_BAS.read_bytes().decode("ascii")


def sample_modules() -> list[Module]:
    """The modules the workbook build ships: xlwings, UDF wrappers, buttons, document modules."""
    return [
        Module("xlwings", xlwings_source()),
        Module("xlperf_udfs", UDF_MODULE),
        Module("xlperf_buttons", BUTTON_MODULE),
        Module("ThisWorkbook", "", "document"),
        Module("Sheet1", "Private Sub Worksheet_Activate()\r\nEnd Sub\r\n", "document"),
    ]


@pytest.fixture(scope="module")
def project_bin() -> bytes:
    return build_vba_project(sample_modules())


@pytest.fixture(scope="module")
def xlsm_path(project_bin: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny .xlsm holding the project, written by XlsxWriter."""
    folder = tmp_path_factory.mktemp("xlsm")
    bin_path = folder / "vbaProject.bin"
    bin_path.write_bytes(project_bin)
    path = folder / "sample.xlsm"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_vba_name("ThisWorkbook")
    sheet = workbook.add_worksheet()
    sheet.set_vba_name("Sheet1")
    sheet.write("A1", "xlperf")
    sheet.insert_button("B3", {"macro": "xlperf_check", "caption": "check"})
    workbook.add_vba_project(str(bin_path))
    workbook.close()
    return path


def extension(module: Module) -> str:
    return "cls" if module.kind == "document" else "bas"


def read_records(data: bytes) -> list[tuple[int, bytes]]:
    """Split a decompressed dir stream into (id, payload) records.

    VERSION (0x0009) is the one record whose size field does not count its payload.
    """
    records, pos = [], 0
    while pos < len(data):
        record_id, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if record_id == 0x0009:
            size = 6
        records.append((record_id, data[pos : pos + size]))
        pos += size
    return records


# --- compression ------------------------------------------------------------


@pytest.mark.parametrize(("text", "compressed"), SPEC_VECTORS)
def test_decompresses_spec_examples(text: bytes, compressed: str) -> None:
    assert ovba.decompress(bytes.fromhex(compressed)) == text


@pytest.mark.parametrize(("text", "compressed"), SPEC_VECTORS)
def test_compresses_spec_examples_to_the_published_bytes(text: bytes, compressed: str) -> None:
    assert ovba.compress(text) == bytes.fromhex(compressed)


@pytest.mark.parametrize(
    ("difference", "bit_count", "maximum_length"),
    [
        (1, 4, 4098), (16, 4, 4098), (17, 5, 2050), (32, 5, 2050),
        (33, 6, 1026), (2048, 11, 34), (2049, 12, 18), (4095, 12, 18),
    ],
)
def test_copy_token_help_follows_the_bit_count_rule(
    difference: int, bit_count: int, maximum_length: int
) -> None:
    length_mask, offset_mask, bits, maximum = ovba.copy_token_help(difference)
    assert (bits, maximum) == (bit_count, maximum_length)
    assert length_mask == 0xFFFF >> bit_count
    assert offset_mask == 0xFFFF ^ length_mask


@given(st.data())
def test_copy_token_packs_and_unpacks(data: st.DataObject) -> None:
    difference = data.draw(st.integers(1, 4095))
    _, _, _, maximum = ovba.copy_token_help(difference)
    offset = data.draw(st.integers(1, difference))
    length = data.draw(st.integers(3, maximum))
    token = ovba.pack_copy_token(difference, offset, length)
    assert 0 <= token <= 0xFFFF
    assert ovba.unpack_copy_token(difference, token) == (offset, length)


def assert_round_trip(data: bytes) -> None:
    """Both our decompressor and olevba's give the data back.

    The one documented exception: a final chunk that does not compress is
    padded with zeros to 4096 bytes, as [MS-OVBA] 2.4.1.3.10 prescribes.
    """
    container = ovba.compress(data)
    expected = data
    if len(data) % ovba.CHUNK_SIZE and ovba.final_chunk_is_raw(container):
        expected = data + bytes(-len(data) % ovba.CHUNK_SIZE)
    assert ovba.decompress(container) == expected
    assert bytes(decompress_stream(bytearray(container))) == expected
    assert len(container) <= 1 + -(-len(data) // ovba.CHUNK_SIZE) * (ovba.CHUNK_SIZE + 2)


@HYPOTHESIS
@given(st.binary(max_size=6000))
def test_round_trip_random_bytes(data: bytes) -> None:
    assert_round_trip(data)


@HYPOTHESIS
@given(SEEDS, st.integers(3 * 4096 + 1, 20000))
def test_round_trip_random_bytes_over_three_chunks(seed: int, size: int) -> None:
    assert_round_trip(random.Random(seed).randbytes(size))


PRINTABLE = st.characters(min_codepoint=32, max_codepoint=126)


@HYPOTHESIS
@given(
    st.lists(st.text(PRINTABLE, min_size=1, max_size=12), min_size=1, max_size=40),
    SEEDS,
    st.integers(3 * 4096 + 1, 20000),
)
def test_round_trip_random_text_over_three_chunks(words: list[str], seed: int, size: int) -> None:
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < size:
        part = rng.choice(words) + rng.choice([" ", " ", "\r\n", "(", ", "])
        parts.append(part)
        length += len(part)
    data = "".join(parts).encode("ascii")
    assert len(data) > 3 * ovba.CHUNK_SIZE
    assert_round_trip(data)


@HYPOTHESIS
@given(SEEDS, st.integers(3 * 4096 + 1, 20000))
def test_round_trip_random_ascii_over_three_chunks(seed: int, size: int) -> None:
    text = "".join(random.Random(seed).choices([chr(c) for c in range(32, 127)], k=size))
    assert_round_trip(text.encode("ascii"))


@HYPOTHESIS
@given(st.lists(st.tuples(st.binary(min_size=1, max_size=9), st.integers(1, 3000)), min_size=1, max_size=12))
def test_round_trip_highly_repetitive_data(runs: list[tuple[bytes, int]]) -> None:
    assert_round_trip(b"".join(pattern * count for pattern, count in runs))


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4095, 4096, 4097, 8192, 12289])
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    assert_round_trip(bytes(i * 7 % 251 for i in range(size)))
    assert_round_trip(b"x" * size)


def test_empty_data_is_just_the_signature() -> None:
    assert ovba.compress(b"") == b"\x01"
    assert ovba.decompress(b"\x01") == b""
    assert not ovba.final_chunk_is_raw(b"\x01")


def test_incompressible_chunks_are_stored_raw() -> None:
    data = random.Random(1).randbytes(2 * ovba.CHUNK_SIZE)
    container = ovba.compress(data)
    assert len(container) == 1 + 2 * (ovba.CHUNK_SIZE + 2)
    assert struct.unpack_from("<H", container, 1)[0] == 0x3FFF
    assert ovba.final_chunk_is_raw(container)
    assert ovba.decompress(container) == data


def test_short_incompressible_final_chunk_is_padded_as_the_spec_says() -> None:
    data = random.Random(1).randbytes(4000)
    container = ovba.compress(data)
    assert ovba.final_chunk_is_raw(container)
    assert ovba.decompress(container) == data + bytes(96)


def test_compresses_xlwings_bas_fast_and_exactly() -> None:
    source = XLWINGS_BAS.read_bytes()
    assert len(source) > 40000
    started = time.perf_counter()
    container = ovba.compress(source)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.3
    assert len(container) < len(source) // 2
    assert ovba.decompress(container) == source
    assert bytes(decompress_stream(bytearray(container))) == source


@pytest.mark.parametrize(
    ("container", "message"),
    [
        (b"", "signature"),
        (b"\x02\x00\xb0\x00a", "signature"),
        (b"\x01\x19", "truncated"),
        (b"\x01\x00\x00\x00", "chunk signature"),
        (b"\x01\x19\xb0\x00abc", "past the end"),
        (b"\x01\x02\xb0\x01\x00\x00", "before the start"),
        (b"\x01\xff\x3f" + bytes(100), "past the end"),
    ],
)
def test_decompress_rejects_malformed_containers(container: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ovba.decompress(container)


# --- compound file ----------------------------------------------------------


def tree_names(entries: list, sid: int) -> list[str]:
    """In-order walk of one sibling tree of olefile direntries."""
    if sid == cfb.NOSTREAM:
        return []
    entry = entries[sid]
    return tree_names(entries, entry.sid_left) + [entry.name] + tree_names(entries, entry.sid_right)


def test_compound_file_reads_back_with_olefile() -> None:
    streams = {
        "PROJECT": b"p" * 300,
        "PROJECTwm": b"",
        "VBA/dir": random.Random(1).randbytes(5000),
        "VBA/small": b"s" * 4095,
        "VBA/edge": b"e" * 4096,
        "VBA/Sub/deep": b"deep",
    }
    data = cfb.build_compound_file(streams)
    assert len(data) % cfb.SECTOR_SIZE == 0
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(streams)
    for path, content in streams.items():
        assert ole.openstream(path).read() == content
    assert ole.root.size == 4096 + 320 + 64
    assert ole.parsing_issues == []


def test_sibling_trees_are_ordered_black_search_trees() -> None:
    names = ["B", "a", "AA", "PROJECT", "_VBA_PROJECT", "xlwings", "Sheet10", "Sheet2", "dir", "zz", "Zy"]
    data = cfb.build_compound_file({f"VBA/{name}": b"x" for name in names})
    ole = olefile.OleFileIO(data)
    entries = ole.direntries
    vba = next(e for e in entries if e is not None and e.name == "VBA")
    walked = tree_names(entries, vba.sid_child)
    assert walked == sorted(names, key=cfb.sort_key)
    assert walked[:3] == ["a", "B", "AA"]
    assert all(e.color == 1 for e in entries if e is not None)
    root_entry = data[cfb.SECTOR_SIZE * (1 + ole.first_dir_sector) :][:128]
    assert (root_entry[66], root_entry[67]) == (5, 1)


def test_sort_key_compares_length_then_upper_case() -> None:
    assert cfb.sort_key("b") < cfb.sort_key("AA")
    assert cfb.sort_key("a") < cfb.sort_key("B")
    assert cfb.sort_key("abc") == cfb.sort_key("ABC")


def test_large_file_uses_difat_sectors() -> None:
    big = random.Random(1).randbytes(7_500_000)
    data = cfb.build_compound_file({"big": big, "small": b"1"})
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.num_difat_sectors == 1
    assert ole.openstream("big").read() == big
    assert ole.openstream("small").read() == b"1"


@pytest.mark.parametrize(
    ("streams", "message"),
    [
        ({"x" * 32: b""}, "longer than 31"),
        ({"a:b": b""}, "contains"),
        ({"VBA/x": b"", "vba/X": b""}, "duplicate"),
        ({"VBA": b"", "VBA/x": b""}, "conflicting"),
        ({"VBA//x": b""}, "empty name"),
    ],
)
def test_compound_file_rejects_bad_names(streams: dict[str, bytes], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cfb.build_compound_file(streams)


# --- the VBA project --------------------------------------------------------


def test_project_has_the_expected_streams(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(project_bin, raise_defects=olefile.DEFECT_INCORRECT)
    assert sorted("/".join(p) for p in ole.listdir()) == sorted(
        ["PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir"] + [f"VBA/{m.name}" for m in sample_modules()]
    )
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000000")


def test_module_streams_hold_only_compressed_source(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(project_bin)
    for module in sample_modules():
        stream = ole.openstream(f"VBA/{module.name}").read()
        assert ovba.decompress(stream) == stored_source(module).encode("ascii")


def test_olevba_reads_every_module_back_exactly(xlsm_path: Path) -> None:
    parser = VBA_Parser(str(xlsm_path), relaxed=False)
    assert parser.detect_vba_macros()
    found = {name: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    modules = sample_modules()
    assert sorted(found) == sorted(f"{m.name}.{extension(m)}" for m in modules)
    for module in modules:
        assert found[f"{module.name}.{extension(module)}"] == expected_readback(module)


def test_project_stream_lists_every_module(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(project_bin)
    text = ole.openstream("PROJECT").read().decode("cp1252")
    lines = text.split("\r\n")
    assert lines[0].startswith('ID="{') and lines[0].endswith('}"')
    for module in sample_modules():
        line = f"Document={module.name}/&H00000000" if module.kind == "document" else f"Module={module.name}"
        assert line in lines
        assert f"{module.name}=0, 0, 0, 0, C" in lines
    assert 'Name="VBAProject"' in lines
    assert "[Host Extender Info]" in lines
    assert "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000" in lines
    values = {key: value.strip('"') for key, value in (line.split("=", 1) for line in lines if "=" in line)}
    clsid = values["ID"]
    assert decrypt(values["CMG"]).data == bytes(4)
    assert decrypt(values["DPB"]).data == b"\x00"
    assert decrypt(values["GC"]).data == b"\xff"
    assert decrypt(values["GC"]).project_key == sum(clsid.encode()) & 0xFF


def test_project_wm_pairs_names(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(project_bin)
    expected = b"".join(
        m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in sample_modules()
    ) + b"\0\0"
    assert ole.openstream("PROJECTwm").read() == expected


def test_dir_stream_records(project_bin: bytes) -> None:
    ole = olefile.OleFileIO(project_bin)
    records = read_records(ovba.decompress(ole.openstream("VBA/dir").read()))
    by_id: dict[int, list[bytes]] = {}
    for record_id, payload in records:
        by_id.setdefault(record_id, []).append(payload)
    assert records[0] == (0x0001, struct.pack("<I", 1))
    assert by_id[0x0002] == by_id[0x0014] == [struct.pack("<I", 0x409)]
    assert by_id[0x0003] == [struct.pack("<H", 1252)]
    assert by_id[0x0004] == [b"VBAProject"]
    assert by_id[0x0016] == [b"stdole"]
    libid = by_id[0x000D][0]
    assert libid[4:-6].decode() == STDOLE_LIBID
    assert struct.unpack_from("<I", libid)[0] == len(STDOLE_LIBID)
    modules = sample_modules()
    assert by_id[0x000F] == [struct.pack("<H", len(modules))]
    assert by_id[0x0019] == [m.name.encode() for m in modules]
    assert by_id[0x0047] == [m.name.encode("utf-16-le") for m in modules]
    assert by_id[0x001A] == [m.name.encode() for m in modules]
    assert by_id[0x0031] == [bytes(4)] * len(modules)
    types = [record_id for record_id, _ in records if record_id in (0x21, 0x22)]
    assert types == [0x22 if m.kind == "document" else 0x21 for m in modules]
    assert records[-1] == (0x0010, b"")


def test_dir_stream_without_references() -> None:
    records = read_records(dir_stream([Module("A", "")], "P", references=False))
    assert not {0x0016, 0x003E, 0x000D} & {record_id for record_id, _ in records}


def test_build_is_fast_and_reproducible() -> None:
    modules = sample_modules()[:4]
    started = time.perf_counter()
    first = build_vba_project(modules)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5
    assert build_vba_project(modules) == first
    other = build_vba_project(modules, project_id=uuid.UUID(int=1))
    text = olefile.OleFileIO(other).openstream("PROJECT").read()
    assert text.startswith(b'ID="{00000000-0000-0000-0000-000000000001}"')


def test_decrypts_values_written_by_excel_and_the_spec() -> None:
    assert decrypt("8D8FA61394EA98EA98EA98EA98").data == bytes(4)
    assert decrypt("8D8FA61394EF95EF9510").data == b"\xff"
    spec = decrypt("0705D8E3D8EDDBF1DBF1DBF1DBF1")
    clsid = "{917DED54-440B-4FD1-A5C1-74ACF261E600}"
    assert spec.project_key == sum(clsid.encode()) & 0xFF
    assert encrypt(clsid, spec.data, spec.seed, spec.ignored) == "0705D8E3D8EDDBF1DBF1DBF1DBF1"


# --- source normalisation ---------------------------------------------------


def test_stored_source_adds_header_and_crlf() -> None:
    module = Module("Mod1", "Sub A()\nEnd Sub\rSub B()\r\nEnd Sub")
    expected = 'Attribute VB_Name = "Mod1"\r\nSub A()\r\nEnd Sub\r\nSub B()\r\nEnd Sub\r\n'
    assert stored_source(module) == expected


def test_stored_source_keeps_an_existing_header() -> None:
    source = 'Attribute VB_Name = "Mod1"\r\nSub A()\r\nEnd Sub\r\n'
    assert stored_source(Module("Mod1", source)) == source
    assert stored_source(Module("xlwings", xlwings_source())) == xlwings_source()


def test_stored_source_refuses_an_exported_class_header() -> None:
    exported = (
        "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
        'Attribute VB_Name = "Sheet1"\r\n'
    )
    with pytest.raises(ValueError, match="VERSION"):
        stored_source(Module("Sheet1", exported, "document"))


def test_stored_source_rejects_a_different_vb_name() -> None:
    with pytest.raises(ValueError, match="VB_Name"):
        stored_source(Module("Mod1", 'Attribute VB_Name = "Other"\r\n'))


def test_document_modules_get_excel_attributes() -> None:
    workbook = stored_source(Module("ThisWorkbook", "", "document"))
    sheet = stored_source(Module("Sheet1", "", "document"))
    assert workbook.startswith('Attribute VB_Name = "ThisWorkbook"\r\nAttribute VB_Base = "0{00020819-')
    assert sheet.startswith('Attribute VB_Name = "Sheet1"\r\nAttribute VB_Base = "0{00020820-')
    assert sheet.endswith("Attribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = True\r\n")
    assert sheet.count("\r\n") == 8


def test_non_ascii_source_is_refused_with_its_position() -> None:
    with pytest.raises(ValueError, match=r"'xlperf_udfs'.*ASCII.*'校'.*line 2, column 13.*ChrW"):
        Module("xlperf_udfs", 'Sub A()\n    MsgBox "校验"\nEnd Sub\n')


@pytest.mark.parametrize("name", ["", "1abc", "a b", "x" * 32, "模块", "a-b"])
def test_bad_module_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="module name"):
        Module(name, "")


@pytest.mark.parametrize(
    ("modules", "project_name", "message"),
    [
        ([Module("A", ""), Module("a", "")], "VBAProject", "clashes"),
        ([Module("VBAProject", "")], "VBAProject", "clashes"),
        ([Module("Dir", "")], "VBAProject", "reserved"),
        ([], "VBAProject", "at least one"),
        ([Module("A", "")], "my project", "project name"),
    ],
)
def test_bad_projects_are_refused(modules: list[Module], project_name: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vba_project(modules, project_name)


def test_module_kind_is_checked() -> None:
    with pytest.raises(ValueError, match="kind"):
        Module("A", "", "class")  # type: ignore[arg-type]


# --- LibreOffice as a second reader -----------------------------------------


def libreoffice_module_texts(xlsm: Path, folder: Path) -> dict[str, str]:
    """Convert to .ods with LibreOffice and return the Basic text of each module."""
    profile = folder / "profile"
    subprocess.run(
        [
            "soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
            "--convert-to", "ods", "--outdir", str(folder), str(xlsm),
        ],
        check=True, capture_output=True, timeout=180,
    )
    texts = {}
    with zipfile.ZipFile(folder / (xlsm.stem + ".ods")) as ods:
        for name in ods.namelist():
            if name.startswith("Basic/VBAProject/") and not name.endswith("script-lb.xml"):
                texts[Path(name).stem] = ET.fromstring(ods.read(name)).text or ""
    return texts


def libreoffice_view(module: Module) -> str:
    """The module as LibreOffice shows it: its two VBA-mode lines, no Attribute lines, LF."""
    kind = "VBADocumentModule" if module.kind == "document" else "VBAModule"
    lines = [line for line in expected_readback(module).split("\r\n") if not line.startswith("Attribute VB_")]
    return f"Rem Attribute VBA_ModuleType={kind}\nOption VBASupport 1\n" + "\n".join(lines) + "\n"


def test_libreoffice_imports_every_module(xlsm_path: Path, tmp_path: Path) -> None:
    texts = libreoffice_module_texts(xlsm_path, tmp_path)
    modules = sample_modules()
    assert sorted(texts) == sorted(m.name for m in modules)
    for module in modules:
        assert texts[module.name] == libreoffice_view(module)


def test_xlsm_zip_holds_the_project_unchanged(xlsm_path: Path, project_bin: bytes) -> None:
    with zipfile.ZipFile(xlsm_path) as archive:
        assert archive.read("xl/vbaProject.bin") == project_bin
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert 'codeName="ThisWorkbook"' in workbook_xml
    assert project_bin[:8] == bytes.fromhex("D0CF11E0A1B11AE1")


# ---- finding auto-run procedures (xlperf.vba.inspect) ----------------------------------

from xlperf.excel.vba.inspect import auto_run_procedures  # noqa: E402

INSPECT_LIMIT = 16 * 1024 * 1024


def test_own_workbook_has_no_auto_run_procedures_and_is_read(tmp_path: Path) -> None:
    from xlperf.workbook.editions import new_workbook
    from xlperf.files.xlsx_grid import OpenWorkbook

    path = new_workbook(tmp_path / "own.xlsm")
    with zipfile.ZipFile(path) as z:
        project = z.read("xl/vbaProject.bin")
    assert auto_run_procedures(project, max_bytes=INSPECT_LIMIT) == []
    with OpenWorkbook(path) as book:
        assert book.sheet_names
        assert book.grids(book.sheet_names[:1])


def test_own_modules_have_no_auto_run_procedures_and_the_sample_an_event_handler(project_bin: bytes) -> None:
    from xlperf.excel.vba_modules import vba_modules

    assert auto_run_procedures(build_vba_project(vba_modules()), max_bytes=INSPECT_LIMIT) == []
    assert auto_run_procedures(project_bin, max_bytes=INSPECT_LIMIT) == [("Sheet1", "Worksheet_Activate")]


@pytest.mark.parametrize(
    "module, kind, source, expected",
    [
        ("Sheet1", "document", "Private Sub Worksheet_Change(ByVal Target As Range)\r\nEnd Sub\r\n", ["Worksheet_Change"]),
        ("Sheet1", "document", "Private Sub Worksheet_SelectionChange(ByVal T As Range)\r\nEnd Sub\r\n", ["Worksheet_SelectionChange"]),
        ("Sheet1", "document", "Private Sub Worksheet_Calculate()\r\nEnd Sub\r\n", ["Worksheet_Calculate"]),
        ("ThisWorkbook", "document", "Private Sub Workbook_WindowActivate(ByVal Wn As Window)\r\nEnd Sub\r\n", ["Workbook_WindowActivate"]),
        ("ThisWorkbook", "document", "Private Sub Workbook_SheetChange(ByVal Sh As Object, ByVal T As Range)\r\nEnd Sub\r\n", ["Workbook_SheetChange"]),
        ("ThisWorkbook", "document", "Private Sub Workbook_BeforeSave(ByVal A As Boolean, C As Boolean)\r\nEnd Sub\r\n", ["Workbook_BeforeSave"]),
        ("Sheet1", "document", "Private Sub CommandButton1_Click()\r\nEnd Sub\r\n", ["CommandButton1_Click"]),
        ("ThisWorkbook", "document", "Private WithEvents App As Application\r\nPrivate Sub App_WorkbookOpen(ByVal Wb As Workbook)\r\nEnd Sub\r\n", ["App_WorkbookOpen"]),
        ("Chart1", "document", "Private Sub Chart_Activate()\r\nEnd Sub\r\n", ["Chart_Activate"]),
        ("Module1", "standard", "Sub Auto_Activate()\r\nEnd Sub\r\n", ["Auto_Activate"]),
        ("Module1", "standard", "Sub CommandButton1_Click()\r\nEnd Sub\r\nSub xlperf_clear_marks()\r\nEnd Sub\r\n", []),
        ("Sheet1", "document", "Sub Worksheet_Recalc()\r\nEnd Sub\r\nSub Helper_Tool()\r\nEnd Sub\r\n", []),
    ],
)
def test_event_procedures_are_found(module: str, kind: str, source: str, expected: list[str]) -> None:
    """Every procedure Excel runs by itself: the events of the object model (Workbook,
    Worksheet, Chart, WithEvents objects, ActiveX controls), not only the Auto_* names; a
    standard module's `<control>_Click` and a name that is no event are not."""
    project = build_vba_project([Module(module, source, kind)])
    assert [p for _, p in auto_run_procedures(project, max_bytes=INSPECT_LIMIT)] == expected


def test_finds_auto_open_in_a_standard_module() -> None:
    project = build_vba_project(
        [Module("Module1", "Sub Auto_Open()\r\nEnd Sub\r\n"), Module("Module2", "Sub Hello()\r\nEnd Sub\r\n")]
    )
    assert auto_run_procedures(project, max_bytes=INSPECT_LIMIT) == [("Module1", "Auto_Open")]


def test_finds_workbook_open_in_the_document_module() -> None:
    project = build_vba_project(
        [
            Module("Module1", "Sub Hello()\r\nEnd Sub\r\n"),
            Module("ThisWorkbook", "Private Sub Workbook_Open()\r\n    Hello\r\nEnd Sub\r\n", "document"),
        ]
    )
    assert auto_run_procedures(project, max_bytes=INSPECT_LIMIT) == [("ThisWorkbook", "Workbook_Open")]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("public static function AUTOEXEC() As Long\r\nEnd Function\r\n", ["AutoExec"]),
        ("  Friend Sub workbook_beforeclose(Cancel As Boolean)\r\nEnd Sub\r\n", ["Workbook_BeforeClose"]),
        ("Private _\r\n  Sub Auto_Close()\r\nEnd Sub\r\n", ["Auto_Close"]),
        ("Sub Document_Open ' comment\r\nEnd Sub\r\nSub AutoClose()\r\nEnd Sub\r\n", ["Document_Open", "AutoClose"]),
        ("Sub Auto_OpenLater()\r\nEnd Sub\r\nSub Start()\r\n    Auto_Open\r\nEnd Sub\r\n", []),
        ("' Sub Auto_Open()\r\nSub My_Workbook_Open()\r\nEnd Sub\r\n", []),
    ],
)
def test_auto_run_declarations(source: str, expected: list[str]) -> None:
    project = build_vba_project([Module("Module1", source)])
    assert [p for _, p in auto_run_procedures(project, max_bytes=INSPECT_LIMIT)] == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a compound file" * 40,
        bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504) + b"Sub Auto_Open()",
        cfb.build_compound_file({"VBA/dir": b"\x01garbage", "PROJECT": b"x"}),
        cfb.build_compound_file({"PROJECT": b"x"}),
    ],
)
def test_unparsable_projects_raise_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        auto_run_procedures(data, max_bytes=INSPECT_LIMIT)


def test_module_missing_from_the_container_raises_value_error() -> None:
    modules = [Module("Module1", "Sub Hello()\r\nEnd Sub\r\n")]
    streams = {"VBA/dir": ovba.compress(dir_stream(modules, "VBAProject")), "PROJECT": b"x"}
    with pytest.raises(ValueError, match="missing"):
        auto_run_procedures(cfb.build_compound_file(streams), max_bytes=INSPECT_LIMIT)


def test_decompressed_size_is_bounded() -> None:
    source = "Sub Hello()\r\n" + "    x = 1\r\n" * 5000 + "End Sub\r\n"
    project = build_vba_project([Module("Module1", source)])
    assert auto_run_procedures(project, max_bytes=INSPECT_LIMIT) == []
    with pytest.raises(ValueError, match="limit|too large"):
        auto_run_procedures(project, max_bytes=len(source) // 2)
