"""Stand-ins that let xlwings' real UDF dispatch run on Linux, for tests.

What Excel does when a cell calls `=PERF_RATE(A1, B1)`: the VBA wrapper calls
`XLPy.CallUDF("xlperf.udfs", "PERF_RATE", Array(...), ThisWorkbook,
Application.Caller)`, which reaches `xlwings.udfs.call_udf` in Python through
COM. `call_udf` imports the module, replaces Excel's missing-argument marker
with the Python default, converts every argument through xlwings' conversion
pipeline (with the options of `@xw.arg`), calls the function and converts the
result back (`@xw.ret`).

All of that is plain Python except the edges, which these stand-ins replace:
- pywin32 (`pythoncom`, `pywintypes`, `win32com`, `win32com.client`): imported
  by `xlwings.udfs` but unused by the synchronous path
  (see `xlperf._xlwings_compat.pywin32_standins`);
- `xlwings._xlwindows`: cannot import without Windows DLLs; the stand-in holds
  the calling-cell `Range` (there is no calling cell here), `is_range_instance`
  (arguments arrive as values: a number, a string, None for an empty cell, a
  tuple of row tuples for an array), and the "excel" engine whose value cleaning
  is the code of the installed `xlwings/_xlwindows.py` itself, compiled from
  its source (Excel error codes to None or to "#DIV/0!" text, empty to None);
- `xlwings.com_server`: only its asyncio `loop`, which synchronous UDFs never use.
`win32api` needs no stand-in: only the real `com_server` imports it.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

import xlwings

from xlperf.excel._xlwings_compat import pywin32_standins, real_decorators, swapped_modules

UDF_MODULE = "xlperf.udfs"
MISSING = -2147352572
"""What COM passes for an omitted optional argument (DISP_E_PARAMNOTFOUND)."""

_FROM_XLWINDOWS = ("cell_errors", "_com_time_to_datetime", "_clean_value_data_element", "Engine")


@dataclass
class Harness:
    """The fresh `xlwings.udfs` and the `xlperf.udfs` whose functions carry `__xlfunc__`."""

    udfs: ModuleType
    module: ModuleType

    def call(self, name: str, *args):
        """What a cell gets back from `=name(args...)`, through `call_udf` (a 2D list)."""
        return self.udfs.call_udf(UDF_MODULE, name, args)

    def value(self, name: str, *args):
        """The single value a one-cell formula shows."""
        (row,) = self.call(name, *args)
        (value,) = row
        return value


def xlwindows_standin() -> ModuleType:
    """`xlwings._xlwindows` reduced to what `call_udf` touches, with xlwings' own cleaning code."""
    path = os.path.join(os.path.dirname(xlwings.__file__), "_xlwindows.py")
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    wanted = [node for node in tree.body if _defines(node) in _FROM_XLWINDOWS]
    found = {_defines(node) for node in wanted}
    if found != set(_FROM_XLWINDOWS):
        raise RuntimeError(f"xlwings/_xlwindows.py no longer defines {set(_FROM_XLWINDOWS) - found}")

    module = ModuleType("xlwings._xlwindows")
    module.__dict__.update(
        dt=dt,
        np=_optional("numpy"),
        pd=_optional("pandas"),
        time_types=(dt.date, dt.datetime),
        _datetime_to_com_time=lambda value: value,
        BOOK_CALLER=None,
        Range=_CallerRange,
        is_range_instance=lambda value: False,
    )
    exec(compile(ast.Module(body=wanted, type_ignores=[]), path, "exec"), module.__dict__)
    module.engine = module.Engine()
    return module


def _defines(node) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id
    return None


def _optional(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def com_server_standin() -> ModuleType:
    """`xlwings.com_server` as `call_udf` imports it: only the loop of async UDFs."""
    module = ModuleType("xlwings.com_server")
    module.loop = None
    return module


class _CallerRange:
    """The calling cell (`Application.Caller`); outside Excel there is none to ask."""

    def __init__(self, xl=None):
        self.xl = xl


@contextmanager
def installed() -> Iterator[Harness]:
    """Install the stand-ins, import `xlwings.udfs` fresh and reload `xlperf.udfs` decorated.

    On exit everything is as before, `xlperf.udfs` included (reloaded undecorated).
    """
    xlwindows = xlwindows_standin()
    replacements = {
        **pywin32_standins(),
        "xlwings._xlwindows": xlwindows,
        "xlwings.com_server": com_server_standin(),
    }
    engine = xlwings.main.Engine(impl=xlwindows.engine)
    with swapped_modules(replacements, forget=("xlwings.udfs",)):
        xlwings.engines.add(engine)
        try:
            udfs = importlib.import_module("xlwings.udfs")
            with real_decorators(udfs):
                module = importlib.reload(importlib.import_module(UDF_MODULE))
            yield Harness(udfs=udfs, module=module)
        finally:
            xlwings.engines.engines.remove(engine)
            xlwings.engines.engines_by_name.pop("excel", None)
            importlib.reload(importlib.import_module(UDF_MODULE))
