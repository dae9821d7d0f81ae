"""Read a GGUF file's metadata (header and key/value pairs) without touching tensor data.

Pure Python and fast: big arrays (the tokenizer's vocabulary and merges) are skipped, not
decoded. The same parser reads a local file or a remote one through a `read(n)` callable
(see `app.hub.remote_header`), optionally stopping before the tokenizer section.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.hub.local.gguf_values import GgufMetadata, build_metadata

__all__ = ["GgufFormatError", "GgufMetadata", "parse_gguf_metadata", "read_gguf_metadata"]

GGUF_MAGIC = b"GGUF"
_CHUNK = 1 << 20
_SMALL_ARRAY = 64  # arrays up to this many elements are kept, longer ones skipped
_MAX_KV = 1 << 20
_MAX_STRING = 1 << 26

# GGUF value types -> struct format (little-endian) for the fixed-size scalars.
_SCALARS: dict[int, str] = {
    0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q",
    12: "<d",
}  # fmt: skip
_STRING, _ARRAY = 8, 9

Reader = Callable[[int], bytes]


class GgufFormatError(Exception):
    """The file is not a readable GGUF file; `reason` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class _Cursor:
    """Sequential reads over `read(n)` with a buffer; raises GgufFormatError at a short read."""

    read: Reader
    buffer: bytes = b""
    pos: int = 0
    offset: int = 0  # bytes consumed from the start of the file

    def take(self, n: int) -> bytes:
        if len(self.buffer) - self.pos < n:
            self._fill(n)
        data = self.buffer[self.pos : self.pos + n]
        self.pos += n
        self.offset += n
        return data

    def skip(self, n: int) -> None:
        while n > 0:
            step = min(n, _CHUNK)
            self.take(step)
            n -= step

    def unpack(self, fmt: str) -> int | float | bool:
        value: int | float | bool = struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]
        return value

    def u32(self) -> int:
        return int(self.unpack("<I"))

    def u64(self) -> int:
        return int(self.unpack("<Q"))

    def _fill(self, n: int) -> None:
        rest = self.buffer[self.pos :]
        need = n - len(rest)
        chunks = [rest]
        while need > 0:
            data = self.read(max(_CHUNK, need))
            if not data:
                raise GgufFormatError(
                    f"the file ends inside its header (at byte {self.offset + n - need:,}); "
                    "it is truncated or still downloading"
                )
            chunks.append(data)
            need -= len(data)
        self.buffer, self.pos = b"".join(chunks), 0


@dataclass(slots=True)
class _Parsed:
    version: int = 0
    tensor_count: int = 0
    values: dict[str, object] = field(default_factory=dict)
    array_lengths: dict[str, int] = field(default_factory=dict)
    header_bytes: int = 0


def _read_string(cursor: _Cursor) -> str:
    length = cursor.u64()
    if length > _MAX_STRING:
        raise GgufFormatError(f"a string in the header claims {length:,} bytes; file is damaged")
    return cursor.take(length).decode("utf-8", errors="replace")


def _read_value(cursor: _Cursor, value_type: int) -> object:
    fmt = _SCALARS.get(value_type)
    if fmt is not None:
        return cursor.unpack(fmt)
    if value_type == _STRING:
        return _read_string(cursor)
    raise GgufFormatError(f"unknown value type {value_type} in the header; file is damaged")


def _skip_values(cursor: _Cursor, value_type: int, count: int) -> None:
    fmt = _SCALARS.get(value_type)
    if fmt is not None:
        cursor.skip(struct.calcsize(fmt) * count)
        return
    for _ in range(count):
        if value_type == _STRING:
            cursor.skip(cursor.u64())
        elif value_type == _ARRAY:
            _read_array(cursor, keep=False)
        else:
            raise GgufFormatError(f"unknown array element type {value_type}; file is damaged")


def _read_array(cursor: _Cursor, keep: bool) -> tuple[object, int]:
    element_type, count = cursor.u32(), cursor.u64()
    if count > (1 << 40):
        raise GgufFormatError(f"an array claims {count:,} elements; file is damaged")
    if keep and count <= _SMALL_ARRAY and element_type != _ARRAY:
        return tuple(_read_value(cursor, element_type) for _ in range(count)), count
    _skip_values(cursor, element_type, count)
    return None, count


def _read_prelude(cursor: _Cursor) -> tuple[int, int, int]:
    magic = cursor.take(4)
    if magic != GGUF_MAGIC:
        raise GgufFormatError(f"not a GGUF file (it starts with {magic!r}, not b'GGUF')")
    version = cursor.u32()
    if version > 0xFFFF:
        raise GgufFormatError("big-endian GGUF files are not supported on this machine")
    if version < 2:
        raise GgufFormatError(f"GGUF version {version} is too old; download a newer file")
    if version > 3:
        raise GgufFormatError(f"GGUF version {version} is newer than this app understands")
    tensor_count, kv_count = cursor.u64(), cursor.u64()
    if kv_count > _MAX_KV:
        raise GgufFormatError(f"the header claims {kv_count:,} metadata entries; file is damaged")
    return version, tensor_count, kv_count


def _parse(cursor: _Cursor, stop_at_tokenizer: bool) -> _Parsed:
    parsed = _Parsed()
    parsed.version, parsed.tensor_count, kv_count = _read_prelude(cursor)
    for _ in range(kv_count):
        key = _read_string(cursor)
        if stop_at_tokenizer and key.startswith("tokenizer."):
            break
        value_type = cursor.u32()
        if value_type == _ARRAY:
            value, count = _read_array(cursor, keep=True)
            parsed.array_lengths[key] = count
            if value is not None:
                parsed.values[key] = value
        else:
            parsed.values[key] = _read_value(cursor, value_type)
    parsed.header_bytes = cursor.offset
    return parsed


def parse_gguf_metadata(
    read: Reader, file_size: int | None = None, *, stop_at_tokenizer: bool = False
) -> GgufMetadata:
    """Parse metadata from a `read(n) -> bytes` source positioned at the file's start.

    `file_size` (all parts of a split model) lets the parameter count be estimated when the
    file does not state it. With `stop_at_tokenizer`, reading ends at the first tokenizer key
    (enough for a memory estimate, and much less to fetch over the network).
    """
    parsed = _parse(_Cursor(read), stop_at_tokenizer)
    return build_metadata(
        parsed.version,
        parsed.tensor_count,
        parsed.values,
        parsed.array_lengths,
        file_size,
        parsed.header_bytes,
    )


def read_gguf_metadata(path: str | os.PathLike[str], total_size: int | None = None) -> GgufMetadata:
    """Read a local GGUF file's metadata. Raises GgufFormatError for non-GGUF/truncated files."""
    file_path = Path(path)
    try:
        size = total_size if total_size is not None else file_path.stat().st_size
        with file_path.open("rb") as handle:
            return parse_gguf_metadata(handle.read, size)
    except OSError as error:
        raise GgufFormatError(f"cannot read the file: {error.strerror or error}") from error
    except (UnicodeDecodeError, struct.error, OverflowError, MemoryError) as error:
        raise GgufFormatError(f"the header is damaged ({error})") from error
