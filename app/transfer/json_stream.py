"""A small incremental JSON reader: the items of a top-level array, or a sequence of
top-level values (one document, or JSON Lines), one at a time.

The text is read in chunks; only the unread rest of the buffer and the item being decoded
are held, so a 1 GB export of many conversations never sits in memory whole (one very large
conversation does, while it is decoded). Each item is decoded by the standard library's
``JSONDecoder.raw_decode``; an item cut by a chunk's end is retried with more text (the
read size doubles, so a long item costs a few retries, not one per chunk).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from app.transfer.model import BadFileError

CHUNK_CHARS = 1 << 20
_SPACE = " \t\n\r\ufeff"
_decoder = json.JSONDecoder()


class _Buffer:
    def __init__(self, reader: TextIO, name: str, read_error: Callable[[Exception], str]) -> None:
        self._reader = reader
        self._name = name
        self._read_error = read_error
        self.text = ""
        self.pos = 0
        self.eof = False
        self._lines_before = 0  # newlines in text already dropped from the buffer

    def fill(self) -> None:
        """Drop what was read, append more (at least as much as is still unread)."""
        size = max(CHUNK_CHARS, len(self.text) - self.pos)
        try:
            chunk = self._reader.read(size)
        except UnicodeDecodeError as error:
            raise BadFileError(f"{self._name} is not UTF-8 text ({error.reason})") from error
        except Exception as error:  # a damaged zip: BadZipFile, zlib.error, EOFError...
            raise BadFileError(self._read_error(error)) from error
        self._lines_before += self.text.count("\n", 0, self.pos)
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        self.eof = not chunk

    def peek(self) -> str | None:
        """The next non-space character (not consumed), or None at the end of the text."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if self.eof:
                return None
            self.fill()

    def line(self, pos: int) -> int:
        return self._lines_before + self.text.count("\n", 0, pos) + 1

    def value(self) -> Any:
        while True:
            try:
                value, end = _decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                if self.eof:
                    raise BadFileError(self._invalid(error)) from error
                self.fill()
                continue
            if end >= len(self.text) and not self.eof:  # a number may go on in the next chunk
                self.fill()
                continue
            self.pos = end
            return value

    def _invalid(self, error: json.JSONDecodeError) -> str:
        at_end = error.pos >= len(self.text) - 1 or error.msg.startswith("Unterminated")
        cut = " (the file is cut short)" if at_end else ""
        return f"{self._name} is not valid JSON: {error.msg} at line {self.line(error.pos)}{cut}"


def iter_items(
    reader: TextIO, name: str, read_error: Callable[[Exception], str] = str
) -> Iterator[Any]:
    """Each element of a top-level ``[...]``, or each top-level ``{...}`` in turn."""
    buffer = _Buffer(reader, name, read_error)
    first = buffer.peek()
    if first is None:
        raise BadFileError(f"{name} is empty")
    if first == "[":
        buffer.pos += 1
        yield from _array(buffer, name)
        return
    if first != "{":
        if first in '"-0123456789tfn':
            raise BadFileError(f"{name} holds a single JSON value, not a list of conversations")
        raise BadFileError(f"{name} is not a JSON file (it starts with {first!r})")
    while (following := buffer.peek()) is not None:
        if following != "{":
            raise BadFileError(
                f"{name}: expected a JSON object at line {buffer.line(buffer.pos)},"
                f" found {following!r}"
            )
        yield buffer.value()


def _array(buffer: _Buffer, name: str) -> Iterator[Any]:
    if buffer.peek() == "]":
        buffer.pos += 1
    else:
        while True:
            if buffer.peek() is None:
                raise BadFileError(f"{name} ends inside its list (the file is cut short)")
            yield buffer.value()
            after = buffer.peek()
            if after is None:
                raise BadFileError(f"{name} ends inside its list (the file is cut short)")
            buffer.pos += 1
            if after == "]":
                break
            if after != ",":
                raise BadFileError(
                    f"{name} is not valid JSON: expected ',' or ']' at line"
                    f" {buffer.line(buffer.pos - 1)}"
                )
    if buffer.peek() is not None:
        raise BadFileError(f"{name} has more text after its list ends")
