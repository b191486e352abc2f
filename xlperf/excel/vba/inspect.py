"""Finding auto-run procedures in an untrusted vbaProject.bin, per [MS-OVBA].

Nothing is compiled or run: the compound file is opened with olefile, the
``VBA/dir`` stream is decompressed and its records walked (2.3.4.2) to find
each module's stream and the offset of its compressed source (MODULEOFFSET),
and the source text is searched for ``Sub``/``Function`` declarations whose
name makes the host run them on its own: Auto_* macros and the event handlers of
the object model (Workbook_Open, Worksheet_Change, CommandButton1_Click, ...; see EVENTS).

Every size is bounded: a stream larger than ``max_bytes`` is not read, and a
compressed container is decompressed only when the number of its chunks
(each at most 4096 bytes once decompressed) keeps the total within
``max_bytes``.  Anything that cannot be parsed raises ValueError.

Only the module source is looked at; compiled code (p-code) alone, without
matching source, is not inspected.
"""

from __future__ import annotations

import io
import re
import struct

import olefile

from xlperf.excel.vba import ovba

__all__ = ["AUTO_RUN_NAMES", "EVENTS", "auto_run_procedures", "project_modules", "runs_by_itself"]

AUTO_RUN_NAMES = (
    "Auto_Open",
    "Auto_Close",
    "Auto_Activate",
    "Auto_Deactivate",
    "Auto_Exec",
    "AutoOpen",
    "AutoExec",
    "AutoClose",
    "AutoNew",
    "AutoExit",
    "Document_Open",
    "Document_Close",
    "Document_New",
)
"""Macros Office runs by their name alone, in any module (case-insensitive): Excel's
Auto_Open/Auto_Close/Auto_Activate/Auto_Deactivate, and Word's Auto* and Document_*
(a project can be carried from one host to the other)."""

EVENTS: dict[str, tuple[str, ...]] = {
    "Workbook": (
        "Activate", "AddinInstall", "AddinUninstall", "AfterRemoteChange", "AfterSave", "AfterXmlExport",
        "AfterXmlImport", "BeforeClose", "BeforePrint", "BeforeRemoteChange", "BeforeSave", "BeforeXmlExport",
        "BeforeXmlImport", "Deactivate", "ModelChange", "NewChart", "NewSheet", "Open",
        "PivotTableCloseConnection", "PivotTableOpenConnection", "RowsetComplete", "SheetActivate",
        "SheetBeforeDelete", "SheetBeforeDoubleClick", "SheetBeforeRightClick", "SheetCalculate", "SheetChange",
        "SheetDeactivate", "SheetFollowHyperlink", "SheetLensGalleryRenderComplete",
        "SheetPivotTableAfterValueChange", "SheetPivotTableBeforeAllocateChanges",
        "SheetPivotTableBeforeCommitChanges", "SheetPivotTableBeforeDiscardChanges", "SheetPivotTableChangeSync",
        "SheetPivotTableUpdate", "SheetSelectionChange", "SheetTableUpdate", "Sync", "WindowActivate",
        "WindowDeactivate", "WindowResize",
    ),
    "Worksheet": (
        "Activate", "BeforeDelete", "BeforeDoubleClick", "BeforeRightClick", "Calculate", "Change", "Deactivate",
        "FollowHyperlink", "LensGalleryRenderComplete", "PivotTableAfterValueChange",
        "PivotTableBeforeAllocateChanges", "PivotTableBeforeCommitChanges", "PivotTableBeforeDiscardChanges",
        "PivotTableChangeSync", "PivotTableUpdate", "SelectionChange", "TableUpdate",
    ),
    "Chart": (
        "Activate", "BeforeDoubleClick", "BeforeRightClick", "Calculate", "Deactivate", "DragOver", "DragPlot",
        "MouseDown", "MouseMove", "MouseUp", "Resize", "Select", "SeriesChange",
    ),
    "Application": (
        "AfterCalculate", "NewWorkbook", "ProtectedViewWindowActivate", "ProtectedViewWindowBeforeClose",
        "ProtectedViewWindowBeforeEdit", "ProtectedViewWindowDeactivate", "ProtectedViewWindowOpen",
        "ProtectedViewWindowResize", "SheetActivate", "SheetBeforeDelete", "SheetBeforeDoubleClick",
        "SheetBeforeRightClick", "SheetCalculate", "SheetChange", "SheetDeactivate", "SheetFollowHyperlink",
        "SheetLensGalleryRenderComplete", "SheetPivotTableAfterValueChange", "SheetPivotTableBeforeAllocateChanges",
        "SheetPivotTableBeforeCommitChanges", "SheetPivotTableBeforeDiscardChanges", "SheetPivotTableUpdate",
        "SheetSelectionChange", "SheetTableUpdate", "WindowActivate", "WindowDeactivate", "WindowResize",
        "WorkbookActivate", "WorkbookAddinInstall", "WorkbookAddinUninstall", "WorkbookAfterRemoteChange",
        "WorkbookAfterSave", "WorkbookAfterXmlExport", "WorkbookAfterXmlImport", "WorkbookBeforeClose",
        "WorkbookBeforePrint", "WorkbookBeforeRemoteChange", "WorkbookBeforeSave", "WorkbookBeforeXmlExport",
        "WorkbookBeforeXmlImport", "WorkbookDeactivate", "WorkbookModelChange", "WorkbookNewChart",
        "WorkbookNewSheet", "WorkbookOpen", "WorkbookPivotTableCloseConnection",
        "WorkbookPivotTableOpenConnection", "WorkbookRowsetComplete", "WorkbookSync",
    ),
    "Control": (
        "AddControl", "AfterUpdate", "BeforeDragOver", "BeforeDropOrPaste", "BeforeUpdate", "Change", "Click",
        "DblClick", "DropButtonClick", "Enter", "Error", "Exit", "GotFocus", "KeyDown", "KeyPress", "KeyUp",
        "Layout", "LostFocus", "MouseDown", "MouseMove", "MouseUp", "RemoveControl", "Scroll", "SpinDown",
        "SpinUp", "Zoom",
    ),
    "UserForm": (
        "Activate", "AddControl", "BeforeDragOver", "BeforeDropOrPaste", "Click", "DblClick", "Deactivate",
        "Error", "Initialize", "KeyDown", "KeyPress", "KeyUp", "Layout", "MouseDown", "MouseMove", "MouseUp",
        "QueryClose", "RemoveControl", "Resize", "Scroll", "Terminate", "Zoom",
    ),
}
"""The events of Excel's object model whose handlers the host calls by itself, by object
(Excel VBA reference: the Events sections of the Workbook, Worksheet, Chart and
Application objects, and of the MSForms controls and UserForm). In a document module
(ThisWorkbook, a sheet, a chart) Excel calls `Workbook_<event>`, `Worksheet_<event>` and
`Chart_<event>`; in a document or class module it calls `<object>_<event>` for every
object declared WithEvents (an Application, a chart) and every ActiveX control on a
sheet or form (CommandButton1_Click)."""

_OWN_OBJECTS = {"Workbook": EVENTS["Workbook"], "Worksheet": EVENTS["Worksheet"], "Chart": EVENTS["Chart"]}
_ANY_OBJECT = {e.lower() for key in EVENTS for e in EVENTS[key]}
_OWN = {obj.lower(): {e.lower() for e in events} for obj, events in _OWN_OBJECTS.items()}
_AUTO = {name.lower(): name for name in AUTO_RUN_NAMES}
_CANONICAL = {**{f"{o}_{e}".lower(): f"{o}_{e}" for o, events in _OWN_OBJECTS.items() for e in events}, **_AUTO}
_DECLARATION = re.compile(
    r"^[ \t]*(?:(?:Public|Private|Friend|Static)[ \t]+)*(?:Sub|Function)[ \t]+([A-Za-z][A-Za-z0-9_]*)",
    re.IGNORECASE | re.MULTILINE,
)


def runs_by_itself(name: str, document_module: bool) -> bool:
    """Whether Excel (or Word) would call a procedure of this name without being asked:
    an Auto_* macro anywhere; `Workbook_`/`Worksheet_`/`Chart_` + one of that object's
    events anywhere; and, in a document or class module, `<object>_<event>` for any
    event of the object model (a WithEvents object's or an ActiveX control's handler)."""
    low = name.lower()
    if low in _AUTO:
        return True
    obj, _, event = low.partition("_")
    if event in _OWN.get(obj, ()):
        return True
    if document_module and "_" in low:
        return low.rpartition("_")[2] in _ANY_OBJECT
    return False
_CONTINUATION = re.compile(r"[ \t]_[ \t]*(?:\r\n|\r|\n)")

_PROJECTCODEPAGE = 0x0003
_PROJECTVERSION = 0x0009
_MODULENAME = 0x0019
_MODULENAMEUNICODE = 0x0047
_MODULESTREAMNAME = 0x001A
_MODULESTREAMNAMEUNICODE = 0x0032
_MODULEOFFSET = 0x0031
_MODULETERMINATOR = 0x002B
_MODULETYPE_DOCUMENT = 0x0022
_DIR_TERMINATOR = 0x0010


def auto_run_procedures(vba_project_bytes: bytes, *, max_bytes: int) -> list[tuple[str, str]]:
    """(module name, procedure name) of every procedure the host runs by itself
    (`runs_by_itself`): Auto_* macros, event handlers, control handlers.

    Raises ValueError when the project cannot be parsed or when reading it
    would decompress more than ``max_bytes`` bytes.
    """
    found = []
    for name, document, source in project_modules(vba_project_bytes, max_bytes=max_bytes):
        for match in _DECLARATION.finditer(source):
            if runs_by_itself(match.group(1), document):
                found.append((name, _CANONICAL.get(match.group(1).lower(), match.group(1))))
    return found


def project_modules(vba_project_bytes: bytes, *, max_bytes: int) -> list[tuple[str, bool, str]]:
    """(module name, whether it is a document or class module, source text with line
    continuations joined) of every module of the project, read as data."""
    try:
        if not olefile.isOleFile(io.BytesIO(vba_project_bytes)):
            raise ValueError("not an OLE compound file")
        with olefile.OleFileIO(io.BytesIO(vba_project_bytes)) as ole:
            return _inspect(ole, max_bytes)
    except ValueError:
        raise
    except MemoryError:
        raise
    except Exception as e:  # olefile raises many kinds of error on a damaged container
        raise ValueError(f"cannot parse the VBA project: {type(e).__name__}: {e}") from None


class _Budget:
    def __init__(self, max_bytes: int):
        self.left = max_bytes

    def read(self, ole: olefile.OleFileIO, path: str) -> bytes:
        if not ole.exists(path) or ole.get_type(path) != olefile.STGTY_STREAM:
            raise ValueError(f"stream {path} is missing")
        size = ole.get_size(path)
        if size > self.left:
            raise ValueError(f"stream {path} is too large ({size} bytes)")
        data = ole.openstream(path).read(size + 1)
        if len(data) > size:
            raise ValueError(f"stream {path} is longer than its declared size")
        return data

    def decompress(self, container: bytes, what: str) -> bytes:
        bound = _decompressed_bound(container)
        if bound > self.left:
            raise ValueError(f"{what} decompresses to more than the limit")
        out = ovba.decompress(container)
        self.left -= len(out)
        return out


def _decompressed_bound(container: bytes) -> int:
    """At most how many bytes the container decompresses to (4096 per chunk)."""
    pos, chunks = 1, 0
    while pos + 2 <= len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        pos += (header & 0x0FFF) + 3
        chunks += 1
    return chunks * ovba.CHUNK_SIZE


def _inspect(ole: olefile.OleFileIO, max_bytes: int) -> list[tuple[str, bool, str]]:
    budget = _Budget(max_bytes)
    dir_data = budget.decompress(budget.read(ole, "VBA/dir"), "VBA/dir")
    code_page, modules = _modules(dir_data)
    found: list[tuple[str, bool, str]] = []
    for name, stream, offset, document in modules:
        data = budget.read(ole, f"VBA/{stream}")
        if offset > len(data):
            raise ValueError(f"module {name}: source offset {offset} is past the end of its stream")
        source = budget.decompress(data[offset:], f"module {name}").decode(code_page, errors="replace")
        found.append((name, document, _CONTINUATION.sub(" ", source)))
    return found


def _records(data: bytes):
    """(id, payload) of each record of the decompressed dir stream."""
    pos = 0
    while pos < len(data):
        if pos + 6 > len(data):
            raise ValueError(f"dir stream: truncated record header at byte {pos}")
        record_id, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if record_id == _PROJECTVERSION:
            size = 6  # the size field says 4 (Reserved), but 6 bytes of version follow
        if pos + size > len(data):
            raise ValueError(f"dir stream: record 0x{record_id:04X} at byte {pos - 6} runs past the end")
        yield record_id, data[pos : pos + size]
        pos += size
        if record_id == _DIR_TERMINATOR:
            return
    raise ValueError("dir stream: no terminator record")


def _modules(dir_data: bytes) -> tuple[str, list[tuple[str, str, int, bool]]]:
    """The project's code page and (module name, stream name, source offset, document or
    class module) of each module."""
    code_page = "cp1252"
    modules: list[tuple[str, str, int, bool]] = []
    current: dict[int, bytes] | None = None
    for record_id, payload in _records(dir_data):
        if record_id == _PROJECTCODEPAGE and current is None and len(payload) == 2:
            candidate = f"cp{struct.unpack('<H', payload)[0]}"
            try:
                "".encode(candidate)
                code_page = candidate
            except LookupError:
                pass
        elif record_id == _MODULENAME:
            if current is not None:
                raise ValueError("dir stream: a module record starts before the previous one ends")
            current = {_MODULENAME: payload}
        elif current is not None and record_id in (
            _MODULENAMEUNICODE,
            _MODULESTREAMNAME,
            _MODULESTREAMNAMEUNICODE,
            _MODULEOFFSET,
            _MODULETYPE_DOCUMENT,
        ):
            current[record_id] = payload
        elif record_id == _MODULETERMINATOR:
            if current is None:
                raise ValueError("dir stream: module terminator without a module")
            modules.append(_module(current, code_page))
            current = None
    if current is not None:
        raise ValueError("dir stream: the last module has no terminator")
    return code_page, modules


def _module(records: dict[int, bytes], code_page: str) -> tuple[str, str, int, bool]:
    def text(unicode_id: int, mbcs_id: int) -> str:
        if records.get(unicode_id):
            return records[unicode_id].decode("utf-16-le", errors="replace")
        return records.get(mbcs_id, b"").decode(code_page, errors="replace")

    name = text(_MODULENAMEUNICODE, _MODULENAME)
    stream = text(_MODULESTREAMNAMEUNICODE, _MODULESTREAMNAME)
    offset = records.get(_MODULEOFFSET)
    if not stream or "/" in stream or offset is None or len(offset) != 4:
        raise ValueError(f"dir stream: module {name!r} has no valid stream name or offset")
    return name or stream, stream, struct.unpack("<I", offset)[0], _MODULETYPE_DOCUMENT in records
