"""Bytes of tokens in, whole characters out: a character split across tokens arrives once."""

from __future__ import annotations

import codecs


class Utf8Stream:
    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, data: bytes) -> str:
        """Text completed by `data` ("" while a character is still incomplete)."""
        return self._decoder.decode(data)

    @property
    def between_characters(self) -> bool:
        """True when no partial character is waiting for more bytes."""
        return not self._decoder.getstate()[0]
