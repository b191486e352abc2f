"""Build a vbaProject.bin from VBA module sources, per [MS-OVBA].

The project is written without compiled code: ``VBA/_VBA_PROJECT`` is the
seven-byte header with Version 0xFFFF and no performance cache, every module
stream holds only its compressed source (MODULEOFFSET 0), so the host compiles
the project from source when it opens the workbook.

Streams written::

    PROJECT            text: ID, Document=/Module= lines, Name, CMG/DPB/GC, ...
    PROJECTwm          module names in MBCS and UTF-16
    VBA/_VBA_PROJECT   CC 61 FF FF 00 00 00
    VBA/dir            compressed PROJECTINFORMATION, PROJECTREFERENCES, PROJECTMODULES
    VBA/<module>       compressed source of each module

Source normalisation (what :func:`stored_source` does, and so what a reader
such as ``oletools.olevba.VBA_Parser.extract_macros()`` returns for a module):

1. Every line break (CRLF, a lone CR or a lone LF) becomes CRLF.
2. If the first line is not an ``Attribute VB_Name = "..."`` line, a header
   is put in front: ``Attribute VB_Name = "<name>"`` for a standard module;
   for a document module that line and the seven attributes Excel writes for
   document modules (VB_Base is the Workbook class for a module named
   ``ThisWorkbook``, the Worksheet class for any other document module).  If
   the first line is such a line, its name must be the module's name.
3. If the text does not end with CRLF, one is appended.

Text exported from the VBA editor as .bas, or as .cls without its
``VERSION 1.0 CLASS`` / ``BEGIN`` ... ``END`` block, can be given as it is;
that block is refused, since it never appears in a module stream.

olevba decodes each module with the project's code page and does not remove
the Attribute lines (it filters them only for display), so
:func:`expected_readback` equals :func:`stored_source`.
"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from dataclasses import dataclass
from typing import Literal, NamedTuple

from xlperf.excel.vba import cfb, ovba

CODE_PAGE = 1252
LCID_EN_US = 0x0409
SYSKIND_WIN32 = 0x00000001
"""Platform of the project.  64-bit Excel writes 0x03 (xlwings' own template has
it); with no compiled code the host recompiles on either platform, and 0x01 is
what 32-bit Office writes and every version reads."""
VBA_PROJECT_HEADER = bytes.fromhex("CC61FFFF000000")
"""_VBA_PROJECT with Version 0xFFFF: no valid compiled code, recompile from source."""

STDOLE_NAME = "stdole"
STDOLE_LIBID = (
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"
)
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
VERSION_COMPATIBLE32 = "393222000"

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_VB_NAME_LINE = re.compile(r'Attribute\s+VB_Name\s*=\s*"([^"]*)"\s*\Z')
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_RESERVED_STREAM_NAMES = {"DIR", "_VBA_PROJECT"}

_MODULE_TYPE = {"standard": 0x0021, "document": 0x0022}


@dataclass(frozen=True)
class Module:
    """One VBA module: its name, its source text and its kind.

    ``source`` is ASCII text; it is normalised as the module docstring says.
    A ``document`` module is the code behind the workbook (``ThisWorkbook``)
    or a sheet; it needs a workbook or sheet with that code name.
    """

    name: str
    source: str
    kind: Literal["standard", "document"] = "standard"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _IDENTIFIER.match(self.name):
            raise ValueError(
                f"VBA module name {self.name!r} must be 1-31 ASCII letters, digits or "
                "underscores, starting with a letter"
            )
        if self.kind not in _MODULE_TYPE:
            raise ValueError(
                f"VBA module {self.name!r}: kind must be 'standard' or 'document', not {self.kind!r}"
            )
        _check_ascii(self.name, self.source)


def _check_ascii(name: str, source: str) -> None:
    """Raise ValueError naming the first non-ASCII character of ``source``."""
    for index, char in enumerate(source):
        if ord(char) > 0x7F:
            line = source.count("\n", 0, index) + 1
            column = index - (source.rfind("\n", 0, index) + 1) + 1
            raise ValueError(
                f"VBA module {name!r}: source must be ASCII, found {char!r} (U+{ord(char):04X}) "
                f"at line {line}, column {column}; write such text in VBA with ChrW(&H{ord(char):X})"
            )


def document_header(module: Module) -> str:
    """The Attribute lines Excel writes at the top of a module of this kind."""
    lines = [f'Attribute VB_Name = "{module.name}"']
    if module.kind == "document":
        base = WORKBOOK_BASE if module.name == "ThisWorkbook" else WORKSHEET_BASE
        lines += [
            f'Attribute VB_Base = "{base}"',
            "Attribute VB_GlobalNameSpace = False",
            "Attribute VB_Creatable = False",
            "Attribute VB_PredeclaredId = True",
            "Attribute VB_Exposed = True",
            "Attribute VB_TemplateDerived = False",
            "Attribute VB_Customizable = True",
        ]
    return "\r\n".join(lines) + "\r\n"


def stored_source(module: Module) -> str:
    """The module text as stored in its stream (see the module docstring)."""
    text = _LINE_BREAK.sub("\r\n", module.source)
    first_line = text.split("\r\n", 1)[0]
    if first_line.startswith("VERSION "):
        raise ValueError(
            f"VBA module {module.name!r}: remove the VERSION/BEGIN...END block of an exported "
            ".cls file; a module stream starts with its Attribute lines"
        )
    declared = _VB_NAME_LINE.match(first_line)
    if declared is None:
        text = document_header(module) + text
    elif declared.group(1) != module.name:
        raise ValueError(
            f"VBA module {module.name!r}: its source declares Attribute VB_Name = {declared.group(1)!r}"
        )
    if not text.endswith("\r\n"):
        text += "\r\n"
    return text


def expected_readback(module: Module) -> str:
    """What ``olevba``'s ``VBA_Parser.extract_macros()`` returns for this module."""
    return stored_source(module)


def build_vba_project(
    modules: list[Module],
    project_name: str = "VBAProject",
    references: bool = True,
    *,
    project_id: uuid.UUID | None = None,
) -> bytes:
    """Return the bytes of a vbaProject.bin (MS-CFB container) holding these modules.

    ``references`` adds the usual reference to stdole (OLE Automation).
    ``project_id`` is the project's GUID in the PROJECT stream; by default it
    is derived from the project's name and modules, so that the same input
    gives the same bytes.
    """
    _check_project(modules, project_name)
    if project_id is None:
        project_id = _default_project_id(modules, project_name)
    streams = {
        "PROJECT": project_stream(modules, project_name, project_id),
        "PROJECTwm": project_wm_stream(modules),
        "VBA/_VBA_PROJECT": VBA_PROJECT_HEADER,
        "VBA/dir": ovba.compress(dir_stream(modules, project_name, references)),
    }
    for module in modules:
        streams[f"VBA/{module.name}"] = _module_stream(module)
    return cfb.build_compound_file(streams)


def _check_project(modules: list[Module], project_name: str) -> None:
    """Reject a project VBA would refuse: bad or clashing names, no modules."""
    if not _IDENTIFIER.match(project_name):
        raise ValueError(
            f"VBA project name {project_name!r} must be a VBA identifier (ASCII, 1-31 characters)"
        )
    if not modules:
        raise ValueError("a VBA project needs at least one module")
    seen = {project_name.upper(): "the project name"}
    for module in modules:
        key = module.name.upper()
        if key in seen:
            raise ValueError(f"VBA module name {module.name!r} clashes with {seen[key]}")
        if key in _RESERVED_STREAM_NAMES:
            raise ValueError(f"VBA module name {module.name!r} is reserved for a stream of the project")
        seen[key] = f"module {module.name!r}"


def _default_project_id(modules: list[Module], project_name: str) -> uuid.UUID:
    """A GUID that depends only on the project's content."""
    digest = hashlib.sha256(project_name.encode())
    for module in modules:
        digest.update(f"\0{module.kind}\0{module.name}\0{module.source}".encode())
    return uuid.uuid5(uuid.NAMESPACE_OID, digest.hexdigest())


def _module_stream(module: Module) -> bytes:
    """The module stream: the compressed source at offset 0, no compiled code."""
    source = stored_source(module).encode("ascii")
    container = ovba.compress(source)
    if len(source) % ovba.CHUNK_SIZE and ovba.final_chunk_is_raw(container):
        raise ValueError(
            f"VBA module {module.name!r}: its last 4 KB do not compress, and [MS-OVBA] would pad "
            "them with NUL bytes; add a comment line or blank lines to change the chunking"
        )
    return container


def _record(record_id: int, payload: bytes = b"") -> bytes:
    """A dir stream record: 2-byte id, 4-byte size, payload."""
    return struct.pack("<HI", record_id, len(payload)) + payload


def _mbcs(text: str) -> bytes:
    """Encode text in the project's code page."""
    return text.encode(f"cp{CODE_PAGE}")


def _utf16(text: str) -> bytes:
    """Encode text as UTF-16LE without terminator."""
    return text.encode("utf-16-le")


def dir_stream(modules: list[Module], project_name: str, references: bool = True) -> bytes:
    """The uncompressed ``VBA/dir`` stream ([MS-OVBA] 2.3.4.2)."""
    out = _project_information(project_name)
    if references:
        out += _registered_reference(STDOLE_NAME, STDOLE_LIBID)
    out += _record(0x000F, struct.pack("<H", len(modules)))
    out += _record(0x0013, struct.pack("<H", 0xFFFF))
    for module in modules:
        out += _module_record(module)
    return out + _record(0x0010)


def _project_information(project_name: str) -> bytes:
    """PROJECTINFORMATION records (2.3.4.2.1)."""
    return b"".join(
        [
            _record(0x0001, struct.pack("<I", SYSKIND_WIN32)),
            _record(0x0002, struct.pack("<I", LCID_EN_US)),
            _record(0x0014, struct.pack("<I", LCID_EN_US)),
            _record(0x0003, struct.pack("<H", CODE_PAGE)),
            _record(0x0004, _mbcs(project_name)),
            _record(0x0005) + _record(0x0040),
            _record(0x0006) + _record(0x003D),
            _record(0x0007, struct.pack("<I", 0)),
            _record(0x0008, struct.pack("<I", 0)),
            struct.pack("<HIIH", 0x0009, 4, 1, 0),
            _record(0x000C) + _record(0x003C),
        ]
    )


def _registered_reference(name: str, libid: str) -> bytes:
    """A REFERENCENAME followed by a REFERENCEREGISTERED record (2.3.4.2.2)."""
    name_records = _record(0x0016, _mbcs(name)) + _record(0x003E, _utf16(name))
    encoded = _mbcs(libid)
    registered = _record(0x000D, struct.pack("<I", len(encoded)) + encoded + bytes(6))
    return name_records + registered


def _module_record(module: Module) -> bytes:
    """One MODULE record (2.3.4.2.3.2)."""
    return b"".join(
        [
            _record(0x0019, _mbcs(module.name)),
            _record(0x0047, _utf16(module.name)),
            _record(0x001A, _mbcs(module.name)) + _record(0x0032, _utf16(module.name)),
            _record(0x001C) + _record(0x0048),
            _record(0x0031, struct.pack("<I", 0)),
            _record(0x001E, struct.pack("<I", 0)),
            _record(0x002C, struct.pack("<H", 0xFFFF)),
            _record(_MODULE_TYPE[module.kind]),
            _record(0x002B),
        ]
    )


def project_stream(modules: list[Module], project_name: str, project_id: uuid.UUID) -> bytes:
    """The ``PROJECT`` stream text ([MS-OVBA] 2.3.1), as Excel writes it unprotected."""
    clsid = "{" + str(project_id).upper() + "}"
    protection = _obfuscate(clsid, bytes(4), b"CMG")
    password = _obfuscate(clsid, bytes([0x00]), b"DPB")
    visibility = _obfuscate(clsid, bytes([0xFF]), b"GC")
    lines = [f'ID="{clsid}"']
    for module in modules:
        if module.kind == "document":
            lines.append(f"Document={module.name}/&H00000000")
        else:
            lines.append(f"Module={module.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        f'VersionCompatible32="{VERSION_COMPATIBLE32}"',
        f'CMG="{protection}"',
        f'DPB="{password}"',
        f'GC="{visibility}"',
        "",
        "[Host Extender Info]",
        HOST_EXTENDER,
        "",
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return _mbcs("\r\n".join(lines) + "\r\n\r\n")


def project_wm_stream(modules: list[Module]) -> bytes:
    """The ``PROJECTwm`` stream: each name in MBCS and UTF-16, NUL-terminated (2.3.3)."""
    out = b"".join(_mbcs(m.name) + b"\0" + _utf16(m.name) + b"\0\0" for m in modules)
    return out + b"\0\0"


class Decrypted(NamedTuple):
    """The fields of a value obfuscated by [MS-OVBA] 2.4.3."""

    seed: int
    project_key: int
    ignored: bytes
    data: bytes


def _obfuscate(clsid: str, data: bytes, salt: bytes) -> str:
    """Encrypt ``data`` with a seed and ignored bytes derived from ``clsid`` and ``salt``.

    The specification asks for random ones; deriving them keeps a build
    reproducible, and readers ignore them.
    """
    noise = hashlib.sha256(salt + clsid.encode("ascii")).digest()
    seed = noise[0]
    return encrypt(clsid, data, seed, noise[1 : 1 + (seed & 6) // 2])


def encrypt(clsid: str, data: bytes, seed: int, ignored: bytes | None = None) -> str:
    """Obfuscate ``data`` for the PROJECT stream ([MS-OVBA] 2.4.3.2); return hex text.

    ``ignored`` must hold ``(seed & 6) // 2`` bytes; by default they are zero.
    """
    ignored_length = (seed & 6) // 2
    ignored = bytes(ignored_length) if ignored is None else bytes(ignored)
    if len(ignored) != ignored_length:
        raise ValueError(f"seed 0x{seed:02X} needs {ignored_length} ignored bytes, got {len(ignored)}")
    version = 2
    project_key = sum(clsid.encode("ascii")) & 0xFF
    version_enc = seed ^ version
    project_key_enc = seed ^ project_key
    out = bytearray([seed, version_enc, project_key_enc])
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc
    for byte in ignored + struct.pack("<I", len(data)) + bytes(data):
        byte_enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(byte_enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    return out.hex().upper()


def decrypt(hex_text: str) -> Decrypted:
    """Recover the fields of a value obfuscated by [MS-OVBA] 2.4.3 (inverse of :func:`encrypt`)."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, project_key_enc = raw[:3]
    if seed ^ version_enc != 2:
        raise ValueError("not an MS-OVBA encrypted value: version is not 2")
    project_key = seed ^ project_key_enc
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc
    plain = bytearray()
    for byte_enc in raw[3:]:
        byte = byte_enc ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    ignored = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored)
    data = bytes(plain[ignored + 4 :])
    if len(data) != length:
        raise ValueError(f"encrypted value holds {len(data)} bytes but says {length}")
    return Decrypted(seed, project_key, bytes(plain[:ignored]), data)
