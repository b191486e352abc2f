"""xlwings' own UDF machinery (`xlwings.udfs`) at build time, on any platform.

The VBA wrappers of the worksheet functions are written by xlwings itself
(`xlwings.udfs.generate_vba_wrapper`), so that they match the xlwings the user
runs. On Windows `xlwings.udfs` imports as it is. Elsewhere its first lines stop
at `import pythoncom`, although its decorators and the wrapper generator need
nothing from COM. For the time of a build, :func:`xlwings_udfs` therefore puts
stand-ins for the three pywin32 modules that the import touches into
`sys.modules`, and takes everything out again afterwards: nothing of it outlives
the `with` block.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

PYWIN32_STANDINS = ("pythoncom", "pywintypes", "win32com", "win32com.client")
"""The modules that `import xlwings.udfs` needs from pywin32."""


class _NoComError(RuntimeError):
    """Raised by the stand-ins where real COM would be needed."""


def _no_com(*args, **kwargs):
    raise _NoComError("COM is not available on this platform")


def pywin32_standins() -> dict[str, ModuleType]:
    """Fresh stand-in modules for pywin32, enough for `import xlwings.udfs`."""
    pythoncom = ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None

    pywintypes = ModuleType("pywintypes")
    pywintypes.com_error = type("com_error", (Exception,), {"__module__": "pywintypes"})

    win32com = ModuleType("win32com")
    client = ModuleType("win32com.client")
    client.Dispatch = _no_com
    win32com.client = client
    return {
        "pythoncom": pythoncom,
        "pywintypes": pywintypes,
        "win32com": win32com,
        "win32com.client": client,
    }


@contextmanager
def swapped_modules(replacements: dict[str, ModuleType], forget: tuple[str, ...] = ()) -> Iterator[None]:
    """Put `replacements` into `sys.modules` (and onto their packages) and drop `forget`.

    On exit `sys.modules` holds what it held before, and no package keeps an attribute
    pointing at a module that is no longer imported.
    """
    names = (*replacements, *forget)
    saved = {name: sys.modules.get(name) for name in names}
    for name in forget:
        sys.modules.pop(name, None)
    sys.modules.update(replacements)
    for name, module in replacements.items():
        parent, _, child = name.rpartition(".")
        if parent in sys.modules:
            setattr(sys.modules[parent], child, module)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        _unlink_submodules(names)


def _unlink_submodules(names) -> None:
    """Remove package attributes (`xlwings.udfs`) that point at modules no longer imported."""
    for name in names:
        parent, _, child = name.rpartition(".")
        package = sys.modules.get(parent)
        if package is not None and getattr(package, child, None) is not sys.modules.get(name):
            try:
                delattr(package, child)
            except AttributeError:
                pass


@contextmanager
def xlwings_udfs() -> Iterator[ModuleType]:
    """Yield the real module `xlwings.udfs`, with pywin32 stand-ins where pywin32 is missing."""
    try:
        native = importlib.import_module("xlwings.udfs")
    except ImportError:
        native = None
    if native is not None:
        yield native
        return
    with swapped_modules(pywin32_standins(), forget=("xlwings.udfs",)):
        yield importlib.import_module("xlwings.udfs")


@contextmanager
def real_decorators(udfs: ModuleType) -> Iterator[None]:
    """Make `xw.func`, `xw.arg` and `xw.ret` xlwings' real decorators for the block."""
    import xlwings

    names = {"func": udfs.xlfunc, "arg": udfs.xlarg, "ret": udfs.xlret}
    saved = {name: getattr(xlwings, name) for name in names}
    for name, decorator in names.items():
        setattr(xlwings, name, decorator)
    try:
        yield
    finally:
        for name, decorator in saved.items():
            setattr(xlwings, name, decorator)


def decorated_module(module_name: str, udfs: ModuleType) -> ModuleType:
    """`module_name` with its functions carrying xlwings' `__xlfunc__` metadata.

    Where the decorators are real (Windows) that is the imported module itself;
    elsewhere a private copy of it, executed under :func:`real_decorators` and never
    registered in `sys.modules`.
    """
    module = importlib.import_module(module_name)
    if any(hasattr(value, "__xlfunc__") for value in vars(module).values()):
        return module
    spec = importlib.util.find_spec(module_name)
    copy = importlib.util.module_from_spec(spec)
    with real_decorators(udfs):
        spec.loader.exec_module(copy)
    return copy
