"""The workbook's VBA modules: xlwings' own module, the UDF wrappers, the buttons.

The wrappers are compared against what xlwings' `generate_vba_wrapper` writes for
`xlperf.udfs` through the test stand-ins, the project is built and read back by
oletools, and nothing of the build-time stand-ins stays behind.
"""

from __future__ import annotations

import inspect
import io
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import xlsxwriter
import xlwings
from oletools.olevba import VBA_Parser

from xlperf.forms.guangdong_1_1 import layout
from xlperf.excel import udfs, vba_modules as vm
from xlperf.excel._xlwings_compat import xlwings_udfs
from xlperf.excel.vba.project import build_vba_project, expected_readback

from .xlwings_standins import installed

XLWINGS_BAS = Path(xlwings.__file__).with_name("xlwings.bas")
FUNCTION = re.compile(r"^Function (\w+)\((.*)\)\r$", re.M)
SUB = re.compile(r"^Sub (\w+)\(\)\r$", re.M)


@pytest.fixture(scope="module")
def modules():
    return {m.name: m for m in vm.vba_modules()}


def test_modules_in_project_order(modules):
    names = [m.name for m in vm.vba_modules()]
    assert names == ["xlwings", "xlwings_udfs", "xlperf_buttons", "ThisWorkbook", *layout.SHEET_CODENAMES]
    kinds = [m.kind for m in vm.vba_modules()]
    assert kinds == ["standard"] * 3 + ["document"] * (1 + len(layout.SHEET_CODENAMES))


def test_xlwings_module_is_the_installed_file_byte_for_byte(modules):
    source = modules["xlwings"].source
    assert source.encode("ascii") == XLWINGS_BAS.read_bytes()
    assert f"'Version: {xlwings.__version__}\r\n" in source


def test_one_wrapper_per_udf_calling_xlperf_udfs(modules):
    source = modules["xlwings_udfs"].source
    declared = dict(FUNCTION.findall(source))
    assert sorted(declared) == sorted(udfs.UDF_NAMES)
    for name in udfs.UDF_NAMES:
        params = inspect.signature(getattr(udfs, name)).parameters.values()
        expected = ", ".join(("Optional " if p.default is not p.empty else "") + p.name for p in params)
        assert declared[name] == expected
        args = ", ".join(p.name for p in params)
        call = f'{name} = XLPy.CallUDF("xlperf.udfs", "{name}", Array({args}), ThisWorkbook, Application.Caller)'
        assert source.count(call) == 1


def test_udf_module_is_what_xlwings_generates_under_its_import_header(modules):
    buffer = io.StringIO()
    with installed() as harness:
        harness.udfs.generate_vba_wrapper("xlperf.udfs", harness.module, buffer, SimpleNamespace(Name="a.xlsm"))
        import_source = inspect.getsource(harness.udfs.import_udfs)
    wrappers = buffer.getvalue().replace("\n", "\r\n")
    assert modules["xlwings_udfs"].source == 'Attribute VB_Name = "xlwings_udfs"\r\n' + vm.UDF_HEADER + wrappers
    for line in vm.UDF_HEADER.splitlines():
        assert line in import_source


def test_one_sub_per_button_running_its_python_handler(modules):
    source = modules["xlperf_buttons"].source
    macros = [button.macro for button in layout.BUTTONS]
    assert SUB.findall(source) == macros
    for macro in macros:
        handler = macro.removeprefix("xlperf_")
        sub = f'Sub {macro}()\r\n    RunPython "import xlperf.excel as x; x.{handler}()"\r\nEnd Sub\r\n'
        assert source.count(sub) == 1


def test_button_handlers_exist_in_xlperf_excel():
    from xlperf.excel import handlers as excel

    for macro in vm.button_macros():
        assert callable(getattr(excel, vm.handler_name(macro)))


@pytest.mark.parametrize("macro", ["validate", "xlperf_", "xlperf_clear-marks", "xlperf_class", "xlperf_校验"])
def test_a_macro_that_names_no_handler_is_refused(macro):
    with pytest.raises(ValueError, match="must be 'xlperf_' followed by a Python function name"):
        vm.handler_name(macro)


def test_all_sources_are_ascii_with_crlf_line_breaks(modules):
    for module in modules.values():
        assert module.source.isascii(), module.name
        assert "\n" not in module.source.replace("\r\n", ""), module.name
    documents = [m for m in modules.values() if m.kind == "document"]
    assert documents and all(m.source == "" for m in documents)


def test_build_leaves_no_standins_behind():
    vm._modules.cache_clear()
    vm._standard_modules.cache_clear()
    vm.vba_modules()
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.udfs"):
        assert name not in sys.modules
    assert not hasattr(xlwings, "udfs")
    assert not any(hasattr(getattr(udfs, name), "__xlfunc__") for name in udfs.UDF_NAMES)
    assert xlwings.func(udfs.PERF_RATE) is udfs.PERF_RATE


def test_build_is_cached_and_the_caller_gets_its_own_list():
    first = vm.vba_modules()
    first.clear()
    again = vm.vba_modules()
    assert again and all(a is b for a, b in zip(again, vm.vba_modules()))


def test_xlwings_udfs_is_importable_only_inside_the_build_context():
    with xlwings_udfs() as module:
        assert callable(module.generate_vba_wrapper)
        assert sys.modules["xlwings.udfs"] is module
    assert "xlwings.udfs" not in sys.modules


def test_project_reads_back_with_oletools(tmp_path):
    modules = vm.vba_modules()
    bin_path = tmp_path / "vbaProject.bin"
    bin_path.write_bytes(build_vba_project(modules))
    path = tmp_path / "xlperf.xlsm"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_vba_name("ThisWorkbook")
    for name, codename in zip(layout.SHEETS, layout.SHEET_CODENAMES):
        workbook.add_worksheet(name).set_vba_name(codename)
    workbook.add_vba_project(str(bin_path))
    workbook.close()

    parser = VBA_Parser(str(path), relaxed=False)
    found = {name: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    extension = {"standard": "bas", "document": "cls"}
    assert sorted(found) == sorted(f"{m.name}.{extension[m.kind]}" for m in modules)
    for module in modules:
        assert found[f"{module.name}.{extension[module.kind]}"] == expected_readback(module)
    assert found["xlwings.bas"].encode("ascii") == XLWINGS_BAS.read_bytes()
