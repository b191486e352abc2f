"""[MS-OVBA] 2.4.1 compression and decompression of VBA streams.

A CompressedContainer is a signature byte 0x01 followed by chunks, each holding
at most 4096 bytes of the original data.  A chunk is either a CompressedChunk
(flag bytes, literal bytes and two-byte CopyTokens that repeat earlier bytes of
the same chunk) or a RawChunk (the 4096 bytes as they are).

The compressor follows the specification's greedy algorithm (2.4.1.3.6 to
2.4.1.3.9): at each position it takes the longest earlier match of at least
three bytes, the nearest one on ties.  Instead of the specification's
exhaustive backward scan (O(n * 4096) per chunk) it walks a hash chain of
earlier positions that share the next three bytes, nearest first, and stops at
the first candidate that reaches the longest length a CopyToken can hold.  The
output therefore decompresses to the same bytes as the specification's, and is
in practice byte-identical to it.

One quirk is inherited from the specification (2.4.1.3.10): a RawChunk always
carries 4096 bytes, so if the *last* chunk is shorter than 4096 bytes and does
not compress (only possible for more than 3640 bytes of data with almost no
repeated three-byte sequence), it is padded with zero bytes, and a reader gets
those zeros back.  VBA source text never comes near that case;
:func:`final_chunk_is_raw` lets a caller detect it.
"""

from __future__ import annotations

import struct

CHUNK_SIZE = 4096
"""Bytes of original data that one chunk holds (a DecompressedChunk)."""

_SIGNATURE = 0x01
_CHUNK_SIGNATURE = 0b011 << 12
_CHUNK_COMPRESSED = 0x8000
_RAW_CHUNK_HEADER = _CHUNK_SIGNATURE | (CHUNK_SIZE + 2 - 3)
_MIN_MATCH = 3
_MAX_CHAIN = 512
"""Candidates examined per position; bounds the time on pathological input."""


def copy_token_help(difference: int) -> tuple[int, int, int, int]:
    """Return ``(length_mask, offset_mask, bit_count, maximum_length)`` (2.4.1.3.19.1).

    ``difference`` is the distance from the start of the current chunk to the
    position being coded; the further into the chunk, the more bits the offset
    needs and the fewer remain for the length.
    """
    bit_count = max((difference - 1).bit_length(), 4) if difference > 0 else 4
    length_mask = 0xFFFF >> bit_count
    offset_mask = ~length_mask & 0xFFFF
    maximum_length = length_mask + 3
    return length_mask, offset_mask, bit_count, maximum_length


def pack_copy_token(difference: int, offset: int, length: int) -> int:
    """Encode a CopyToken for ``offset`` and ``length`` at ``difference`` (2.4.1.3.19.3)."""
    _, _, bit_count, maximum_length = copy_token_help(difference)
    if not 1 <= offset <= difference or not _MIN_MATCH <= length <= maximum_length:
        raise ValueError(f"copy token out of range: offset={offset} length={length} at {difference}")
    return ((offset - 1) << (16 - bit_count)) | (length - 3)


def unpack_copy_token(difference: int, token: int) -> tuple[int, int]:
    """Decode a CopyToken into ``(offset, length)`` (2.4.1.3.19.2)."""
    length_mask, offset_mask, bit_count, _ = copy_token_help(difference)
    length = (token & length_mask) + 3
    offset = ((token & offset_mask) >> (16 - bit_count)) + 1
    return offset, length


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an [MS-OVBA] CompressedContainer."""
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK_SIZE):
        out += _compress_chunk(data, start, min(start + CHUNK_SIZE, len(data)))
    return bytes(out)


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    """Return one chunk (header included) for ``data[start:end]``.

    Falls back to a RawChunk when the tokens would not fit in 4096 bytes,
    which is the specification's rule for data that does not compress.
    """
    body = _compress_tokens(data, start, end)
    if body is None:
        raw = data[start:end]
        return struct.pack("<H", _RAW_CHUNK_HEADER) + raw + bytes(CHUNK_SIZE - len(raw))
    header = _CHUNK_COMPRESSED | _CHUNK_SIGNATURE | (len(body) + 2 - 3)
    return struct.pack("<H", header) + body


def _compress_tokens(data: bytes, start: int, end: int) -> bytes | None:
    """Return the TokenSequences for one chunk, or None if they exceed 4096 bytes."""
    out = bytearray()
    head: dict[bytes, int] = {}
    prev = [-1] * (end - start)
    indexed = start
    pos = start
    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            for i in range(indexed, pos):
                key = data[i : i + 3]
                prev[i - start] = head.get(key, -1)
                head[key] = i
            indexed = pos
            offset, length = _longest_match(data, start, end, pos, head, prev)
            if length:
                token = pack_copy_token(pos - start, offset, length)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                pos += length
            else:
                out.append(data[pos])
                pos += 1
        out[flag_at] = flags
        if len(out) > CHUNK_SIZE:
            return None
    return bytes(out)


def _longest_match(
    data: bytes, start: int, end: int, pos: int, head: dict[bytes, int], prev: list[int]
) -> tuple[int, int]:
    """Return ``(offset, length)`` of the best earlier match at ``pos``, or ``(0, 0)``.

    Walks the chain of earlier positions in the chunk whose next three bytes
    equal those at ``pos``, nearest first; a candidate replaces the best only
    when strictly longer, so ties go to the nearest, as in 2.4.1.3.19.4.
    """
    if pos + _MIN_MATCH > end:
        return 0, 0
    candidate = head.get(data[pos : pos + 3], -1)
    if candidate < 0:
        return 0, 0
    _, _, _, maximum_length = copy_token_help(pos - start)
    limit = min(maximum_length, end - pos)
    best_length, best = 0, -1
    for _ in range(_MAX_CHAIN):
        if best_length < _MIN_MATCH or data[candidate + best_length] == data[pos + best_length]:
            length = _match_length(data, candidate, pos, limit)
            if length > best_length:
                best_length, best = length, candidate
                if length == limit:
                    break
        candidate = prev[candidate - start]
        if candidate < 0:
            break
    return pos - best, best_length


def _match_length(data: bytes, candidate: int, pos: int, limit: int) -> int:
    """Length (at most ``limit``) of the common run at ``candidate`` and ``pos``.

    The first three bytes are known to match.  The run may overlap ``pos``:
    a decompressor copies byte by byte, so comparing the original data is
    exactly the condition for a valid CopyToken.
    """
    n = _MIN_MATCH
    step = 32
    while n + step <= limit and data[candidate + n : candidate + n + step] == data[pos + n : pos + n + step]:
        n += step
    while n < limit and data[candidate + n] == data[pos + n]:
        n += 1
    return n


def final_chunk_is_raw(container: bytes) -> bool:
    """Tell whether the last chunk of a CompressedContainer is a RawChunk.

    With original data whose length is not a multiple of 4096, a raw final
    chunk means the reader gets zero padding after the data (see the module
    docstring).
    """
    pos, header = 1, None
    while pos + 2 <= len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        pos += (header & 0x0FFF) + 3
    return header is not None and not header & _CHUNK_COMPRESSED


def decompress(container: bytes) -> bytes:
    """Decompress an [MS-OVBA] CompressedContainer (2.4.1.3.1).

    Strict: a bad signature, a truncated chunk, a CopyToken that points before
    the start of its chunk, or a chunk that decompresses to more than 4096
    bytes raises ValueError.
    """
    container = bytes(container)
    if not container or container[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container: signature byte is not 0x01")
    out = bytearray()
    pos = 1
    while pos < len(container):
        if pos + 2 > len(container):
            raise ValueError(f"truncated chunk header at byte {pos}")
        (header,) = struct.unpack_from("<H", container, pos)
        if header & 0x7000 != _CHUNK_SIGNATURE:
            raise ValueError(f"bad chunk signature at byte {pos}: header 0x{header:04X}")
        chunk_end = pos + (header & 0x0FFF) + 3
        if chunk_end > len(container):
            raise ValueError(f"chunk at byte {pos} runs past the end of the data")
        if header & _CHUNK_COMPRESSED:
            out += _decompress_chunk(container, pos + 2, chunk_end)
        elif chunk_end - pos - 2 != CHUNK_SIZE:
            raise ValueError(f"raw chunk at byte {pos} does not hold 4096 bytes")
        else:
            out += container[pos + 2 : chunk_end]
        pos = chunk_end
    return bytes(out)


def _decompress_chunk(container: bytes, pos: int, end: int) -> bytearray:
    """Decompress the TokenSequences of one CompressedChunk (2.4.1.3.2)."""
    out = bytearray()
    while pos < end:
        flags = container[pos]
        pos += 1
        for bit in range(8):
            if pos >= end:
                break
            if not flags >> bit & 1:
                out.append(container[pos])
                pos += 1
                continue
            if pos + 2 > end:
                raise ValueError("copy token cut off at the end of a chunk")
            (token,) = struct.unpack_from("<H", container, pos)
            pos += 2
            offset, length = unpack_copy_token(len(out), token)
            _copy(out, offset, length)
        if len(out) > CHUNK_SIZE:
            raise ValueError("a compressed chunk decompresses to more than 4096 bytes")
    return out


def _copy(out: bytearray, offset: int, length: int) -> None:
    """Append ``length`` bytes copied from ``offset`` back, overlap allowed."""
    if offset > len(out):
        raise ValueError(f"copy token offset {offset} points before the start of its chunk")
    source = len(out) - offset
    if offset >= length:
        out += out[source : source + length]
        return
    pattern = bytes(out[source:])
    repeats = -(-length // offset)
    out += (pattern * repeats)[:length]
