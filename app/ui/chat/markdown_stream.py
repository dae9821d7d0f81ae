"""Splits a growing Markdown reply into finished blocks and the tail still being written.

While a reply streams, the view renders each finished block once and re-renders only the
tail, so the cost of a render tick does not grow with the reply. A block is finished at a
blank line outside code (when the next line starts a new top-level block) and after a
top-level code fence closes. The finished reply is rendered once more as one document, so
the few constructs a split can change (a loose list, say) come out right in the end.
Pure Python, no Qt: each piece of text is scanned once.
"""

from __future__ import annotations

import re
from collections import deque

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CONTINUES = re.compile(r"^(\s|[-+*]\s|\d{1,9}[.)]\s)")
"""A line after a blank one that may still belong to the list above."""


class BlockSplitter:
    """Feed text deltas; `take_finished()` hands out newly finished blocks once."""

    def __init__(self) -> None:
        self._text = ""
        self._scanned = 0  # lines before this offset are classified
        self._ends: deque[int] = deque()  # ends of finished blocks not handed out yet
        self._handed = 0
        self._fence: str | None = None  # the opening marker while inside a code fence
        self._fence_top_level = False
        self._blank_at: int | None = None  # end of a blank line that may end a block

    @property
    def text(self) -> str:
        return self._text

    @property
    def tail(self) -> str:
        """Text after the last handed-out block: what must be re-rendered each tick."""
        return self._text[self._handed :]

    @property
    def in_code(self) -> bool:
        return self._fence is not None

    def feed(self, delta: str) -> None:
        self._text += delta
        while True:
            end = self._text.find("\n", self._scanned)
            if end < 0:
                return
            self._classify(self._text[self._scanned : end], end + 1)
            self._scanned = end + 1

    @property
    def has_finished(self) -> bool:
        """Finished blocks are waiting to be handed out."""
        return bool(self._ends)

    def take_finished(self, limit: int | None = None) -> str:
        """Finished blocks not handed out before ("" when none): all of them, or as many as
        fit in `limit` characters (always at least one)."""
        end = self._handed
        while self._ends and (
            end == self._handed or limit is None or self._ends[0] - self._handed <= limit
        ):
            end = self._ends.popleft()
        block = self._text[self._handed : end]
        self._handed = end
        return block

    def _finish_at(self, offset: int) -> None:
        if offset > (self._ends[-1] if self._ends else self._handed):
            self._ends.append(offset)

    def _classify(self, line: str, line_end: int) -> None:
        if self._fence is not None:
            if line.strip().startswith(self._fence) and not line.strip().strip(self._fence[0]):
                self._fence = None
                if self._fence_top_level:
                    self._finish_at(line_end)
            return
        fence = _FENCE.match(line)
        if not line.strip():
            self._blank_at = line_end
            return
        if self._blank_at is not None and not _CONTINUES.match(line):
            self._finish_at(self._blank_at)
        self._blank_at = None
        if fence is not None:
            self._fence = fence.group(1)
            self._fence_top_level = not line[:1].isspace()
