"""A minimal writer of [MS-CFB] compound files (version 3, 512-byte sectors).

Only what a vbaProject.bin needs: storages and streams given as a mapping from
slash-separated paths to bytes, written once.  Streams shorter than 4096 bytes
live in the mini stream (64-byte mini sectors, chained by the mini FAT); the
others in regular sectors chained by the FAT.  The FAT sectors come first in
the file, then any DIFAT sectors (only needed past 109 FAT sectors, that is
beyond about 6.8 MB), then the directory, the mini FAT, the mini stream and
the large streams.

Each storage's children form a binary search tree ordered as [MS-CFB] 2.6.4
requires (shorter name first, then by upper-cased UTF-16 code units).  The
tree is built balanced and every node is black, which satisfies the
specification's constraints (the root is black, no two consecutive nodes are
red, left sibling less than right).  Timestamps and CLSIDs are zero, so the
output depends only on the input.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR_SIZE = 512
MINI_SECTOR_SIZE = 64
MINI_STREAM_CUTOFF = 4096
MAX_NAME_LENGTH = 31

FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
DIFSECT = 0xFFFFFFFC
NOSTREAM = 0xFFFFFFFF

_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_HEADER = struct.Struct("<8s16sHHHHH6sIIIIIIIII109I")
_DIRENTRY = struct.Struct("<64sHBBIII16sIQQIQ")
_ENTRIES_PER_SECTOR = SECTOR_SIZE // _DIRENTRY.size
_IDS_PER_SECTOR = SECTOR_SIZE // 4
_HEADER_DIFAT = 109

_TYPE_STORAGE = 1
_TYPE_STREAM = 2
_TYPE_ROOT = 5
_BLACK = 1
_FORBIDDEN_NAME_CHARS = set("/\\:!")


@dataclass
class _Entry:
    """One directory entry while the file is laid out."""

    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = NOSTREAM
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN


def sort_key(name: str) -> tuple[int, list[int]]:
    """Order of sibling names in [MS-CFB] 2.6.4: length first, then upper-cased code units."""
    units = name.encode("utf-16-le")
    upper = [_upper_unit(c) for c in struct.unpack(f"<{len(units) // 2}H", units)]
    return len(units), upper


def _upper_unit(unit: int) -> int:
    """Upper-case one UTF-16 code unit, keeping it when the mapping is not one unit."""
    upper = chr(unit).upper() if unit < 0xD800 or unit > 0xDFFF else chr(unit)
    return ord(upper) if len(upper) == 1 and ord(upper) <= 0xFFFF else unit


def build_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """Return a compound file holding ``streams``.

    Keys are paths such as ``"VBA/dir"``; the storages on the way are created.
    Names are at most 31 UTF-16 code units, must not contain ``/ \\ : !``, and
    siblings must differ case-insensitively.
    """
    root = _tree(streams)
    entries = _number(root)
    mini_streams = [e for e in entries if e.kind == _TYPE_STREAM and 0 < len(e.data) < MINI_STREAM_CUTOFF]
    big_streams = [e for e in entries if e.kind == _TYPE_STREAM and len(e.data) >= MINI_STREAM_CUTOFF]
    mini_stream, mini_fat = _lay_out_mini(mini_streams)
    root.data = mini_stream
    blobs = [_directory_placeholder(entries), mini_fat, mini_stream] + [e.data for e in big_streams]
    n_fat, n_difat = _fat_size(sum(_sectors(len(b)) for b in blobs))
    fat = [FATSECT] * n_fat + [DIFSECT] * n_difat
    starts = [_chain(fat, len(b)) for b in blobs]
    dir_start, mini_fat_start, mini_stream_start = starts[:3]
    root.start = mini_stream_start
    for entry, start in zip(big_streams, starts[3:]):
        entry.start = start
    directory = _directory(entries)
    body = b"".join(_pad(b) for b in [directory, mini_fat, mini_stream] + [e.data for e in big_streams])
    fat_ids = list(range(n_fat))
    header = _header(n_fat, dir_start, mini_fat_start, _sectors(len(mini_fat)), fat_ids, n_difat)
    return header + _fat_bytes(fat, n_fat) + _difat_bytes(fat_ids, n_fat, n_difat) + body


def _tree(streams: Mapping[str, bytes]) -> _Entry:
    """Build the storage tree from slash-separated stream paths."""
    root = _Entry("Root Entry", _TYPE_ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for i, part in enumerate(parts):
            _check_name(part, path)
            last = i == len(parts) - 1
            key = part.upper()
            existing = node.children.get(key)
            if existing is None:
                existing = _Entry(part, _TYPE_STREAM if last else _TYPE_STORAGE, bytes(data) if last else b"")
                node.children[key] = existing
            elif last or existing.kind != _TYPE_STORAGE:
                raise ValueError(f"duplicate or conflicting compound file path: {path!r}")
            node = existing
    return root


def _check_name(name: str, path: str) -> None:
    """Reject names that [MS-CFB] 2.6.1 does not allow."""
    if not name:
        raise ValueError(f"empty name in compound file path {path!r}")
    if len(name.encode("utf-16-le")) // 2 > MAX_NAME_LENGTH:
        raise ValueError(f"compound file name longer than 31 characters: {name!r}")
    if _FORBIDDEN_NAME_CHARS & set(name):
        raise ValueError(f"compound file name contains one of / \\ : ! : {name!r}")


def _number(root: _Entry) -> list[_Entry]:
    """Give every entry a stream id (root first) and link the sibling trees."""
    entries = [root]
    root.sid = 0
    pending = [root]
    while pending:
        storage = pending.pop(0)
        siblings = sorted(storage.children.values(), key=lambda e: sort_key(e.name))
        for entry in siblings:
            entry.sid = len(entries)
            entries.append(entry)
        storage.child = _link_balanced(siblings)
        pending.extend(e for e in siblings if e.kind == _TYPE_STORAGE)
    return entries


def _link_balanced(siblings: list[_Entry]) -> int:
    """Link sorted ``siblings`` as a balanced search tree; return the top's id."""
    if not siblings:
        return NOSTREAM
    middle = len(siblings) // 2
    top = siblings[middle]
    top.left = _link_balanced(siblings[:middle])
    top.right = _link_balanced(siblings[middle + 1 :])
    return top.sid


def _lay_out_mini(streams: list[_Entry]) -> tuple[bytes, bytes]:
    """Place small streams in the mini stream; return (mini stream, mini FAT)."""
    mini_stream = bytearray()
    mini_fat: list[int] = []
    for entry in streams:
        entry.start = len(mini_fat)
        count = -(-len(entry.data) // MINI_SECTOR_SIZE)
        mini_fat += list(range(entry.start + 1, entry.start + count)) + [ENDOFCHAIN]
        mini_stream += _pad(entry.data, MINI_SECTOR_SIZE)
    if not mini_fat:
        return b"", b""
    mini_fat += [FREESECT] * (-len(mini_fat) % _IDS_PER_SECTOR)
    return bytes(mini_stream), struct.pack(f"<{len(mini_fat)}I", *mini_fat)


def _directory_placeholder(entries: list[_Entry]) -> bytes:
    """Bytes of the directory's size, so that its sectors can be counted first."""
    return bytes(_DIRENTRY.size * _round_up(len(entries), _ENTRIES_PER_SECTOR))


def _fat_size(data_sectors: int) -> tuple[int, int]:
    """Return the numbers of FAT and DIFAT sectors needed for ``data_sectors``."""
    n_fat, n_difat = 0, 0
    while True:
        total = data_sectors + n_fat + n_difat
        need_fat = -(-total // _IDS_PER_SECTOR)
        need_difat = max(0, -(-(need_fat - _HEADER_DIFAT) // (_IDS_PER_SECTOR - 1)))
        if (need_fat, need_difat) == (n_fat, n_difat):
            return n_fat, n_difat
        n_fat, n_difat = need_fat, need_difat


def _chain(fat: list[int], size: int) -> int:
    """Append a chain of sectors for ``size`` bytes to ``fat``; return its start."""
    count = _sectors(size)
    if not count:
        return ENDOFCHAIN
    start = len(fat)
    fat += list(range(start + 1, start + count)) + [ENDOFCHAIN]
    return start


def _directory(entries: list[_Entry]) -> bytes:
    """Serialise the directory, padded with unused entries to whole sectors."""
    raw = b"".join(_direntry(e) for e in entries)
    unused = _DIRENTRY.pack(b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0, 0, 0)
    return raw + unused * (-len(entries) % _ENTRIES_PER_SECTOR)


def _direntry(entry: _Entry) -> bytes:
    """Serialise one directory entry ([MS-CFB] 2.6.1)."""
    name = entry.name.encode("utf-16-le") + b"\0\0"
    size = len(entry.data) if entry.kind != _TYPE_STORAGE else 0
    start = entry.start if entry.kind != _TYPE_STORAGE else 0
    if entry.kind == _TYPE_STREAM and size == 0:
        start = ENDOFCHAIN
    return _DIRENTRY.pack(
        name, len(name), entry.kind, _BLACK, entry.left, entry.right, entry.child,
        bytes(16), 0, 0, 0, start, size,
    )


def _header(n_fat: int, dir_start: int, mini_fat_start: int, n_mini_fat: int,
            fat_ids: list[int], n_difat: int) -> bytes:
    """Serialise the 512-byte header ([MS-CFB] 2.2)."""
    difat = fat_ids[:_HEADER_DIFAT] + [FREESECT] * (_HEADER_DIFAT - min(len(fat_ids), _HEADER_DIFAT))
    first_difat = n_fat if n_difat else ENDOFCHAIN
    return _HEADER.pack(
        _SIGNATURE, bytes(16), 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6),
        0, n_fat, dir_start, 0, MINI_STREAM_CUTOFF,
        mini_fat_start, n_mini_fat, first_difat, n_difat, *difat,
    )


def _fat_bytes(fat: list[int], n_fat: int) -> bytes:
    """Serialise the FAT, free entries filling its last sector."""
    entries = fat + [FREESECT] * (n_fat * _IDS_PER_SECTOR - len(fat))
    return struct.pack(f"<{len(entries)}I", *entries)


def _difat_bytes(fat_ids: list[int], n_fat: int, n_difat: int) -> bytes:
    """Serialise the DIFAT sectors listing the FAT sectors past the first 109."""
    rest = fat_ids[_HEADER_DIFAT:]
    out = bytearray()
    for i in range(n_difat):
        ids = rest[i * (_IDS_PER_SECTOR - 1) : (i + 1) * (_IDS_PER_SECTOR - 1)]
        ids += [FREESECT] * (_IDS_PER_SECTOR - 1 - len(ids))
        following = n_fat + i + 1 if i + 1 < n_difat else ENDOFCHAIN
        out += struct.pack(f"<{_IDS_PER_SECTOR}I", *ids, following)
    return bytes(out)


def _sectors(size: int) -> int:
    """Number of regular sectors that ``size`` bytes occupy."""
    return -(-size // SECTOR_SIZE)


def _round_up(count: int, unit: int) -> int:
    """Round ``count`` up to a multiple of ``unit``."""
    return -(-count // unit) * unit


def _pad(data: bytes, unit: int = SECTOR_SIZE) -> bytes:
    """Pad ``data`` with zero bytes to a multiple of ``unit``."""
    return bytes(data) + bytes(-len(data) % unit)
