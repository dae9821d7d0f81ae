"""Opening an import file: a JSON file, or a zip export with ``conversations.json`` inside.

Checks come before any reading: the file exists and is a file, and its JSON is at most
``MAX_FILE_BYTES`` (for a zip, the uncompressed size its directory declares, so a zip bomb
is refused too). The text is then read as a stream (see json_stream.py); bytes read so far
are counted for progress.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

from app.transfer.model import BadFileError

MAX_FILE_BYTES = 1 << 30  # 1 GiB of JSON
ZIP_MEMBER = "conversations.json"


def size_text(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


class _Counting(io.RawIOBase):
    """A binary stream that counts the bytes read through it."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


@dataclass
class Source:
    name: str  # for messages: the file name, or "file.zip/conversations.json"
    size: int  # bytes of JSON to read
    text: TextIO
    _counter: _Counting

    @property
    def done(self) -> int:
        return self._counter.count

    def read_error(self, error: Exception) -> str:
        if self.name.endswith("/" + ZIP_MEMBER):
            return f"{self.name.split('/')[0]} is a damaged zip file ({error})"
        return f"could not read {self.name}: {error}"


def _too_large(name: str, size: int, limit: int) -> BadFileError:
    return BadFileError(
        f"{name} is too large to import ({size_text(size)}; the limit is {size_text(limit)})"
    )


def _check(path: Path) -> int:
    if not path.exists():
        raise BadFileError(f"{path} does not exist")
    if not path.is_file():
        raise BadFileError(f"{path} is not a file")
    return path.stat().st_size


def _is_zip(path: Path) -> bool:
    with path.open("rb") as head:
        return head.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


@contextmanager
def open_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Iterator[Source]:
    """The JSON text of ``path`` as a stream; BadFileError names what is wrong."""
    size = _check(path)
    if _is_zip(path):
        with _zip_member(path, max_bytes) as (member, member_size):
            yield _source(f"{path.name}/{ZIP_MEMBER}", member_size, member)
        return
    if size > max_bytes:
        raise _too_large(path.name, size, max_bytes)
    try:
        raw = path.open("rb")
    except OSError as error:
        raise BadFileError(f"could not open {path}: {error.strerror or error}") from error
    with raw:
        yield _source(path.name, size, raw)


def _source(name: str, size: int, raw: IO[bytes]) -> Source:
    counter = _Counting(raw)
    reader = io.BufferedReader(counter, 1 << 16)
    text = io.TextIOWrapper(reader, encoding="utf-8-sig", newline="")
    return Source(name, size, text, counter)


@contextmanager
def _zip_member(path: Path, max_bytes: int) -> Iterator[tuple[IO[bytes], int]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BadFileError(
            f"{path.name} is a damaged or incomplete zip file (cut short while downloading?):"
            f" {error}"
        ) from error
    with archive:
        names = [i for i in archive.infolist() if Path(i.filename).name == ZIP_MEMBER]
        if not names:
            raise BadFileError(f"{path.name} has no {ZIP_MEMBER} inside; is it a chat export?")
        info = min(names, key=lambda i: i.filename.count("/"))
        if info.file_size > max_bytes:
            raise _too_large(f"{path.name}/{info.filename}", info.file_size, max_bytes)
        try:
            member = archive.open(info)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
            raise BadFileError(f"{path.name} is a damaged zip file: {error}") from error
        with member:
            yield member, info.file_size
