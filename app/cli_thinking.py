"""The terminal's view of a reasoning model's reply: thinking dimmed and prefixed, apart
from the answer; the raw markers are never printed (the engine has removed them)."""

from __future__ import annotations

from typing import TextIO

from app.chat.events import TurnFinished

PREFIX = "│ "  # every thinking line starts with it (visible without colours too)
_DIM, _RESET = "\x1b[2m", "\x1b[0m"


class ThinkingPrinter:
    def __init__(self, out: TextIO, colour: bool | None = None) -> None:
        self._out = out
        self._colour = out.isatty() if colour is None else colour
        self._channel = "answer"
        self._thought = False
        self._line_start = True

    def write(self, channel: str, text: str) -> None:
        if channel == "thinking":
            self._thinking(text)
        else:
            self._leave_thinking()
            self._out.write(text)
        self._out.flush()

    def _thinking(self, text: str) -> None:
        if self._channel != "thinking":
            self._channel, self._thought = "thinking", True
            self._out.write((_DIM if self._colour else "") + "Thinking…\n")
            self._line_start = True
        for line in text.splitlines(keepends=True):
            if self._line_start:
                self._out.write(PREFIX)
            self._out.write(line)
            self._line_start = line.endswith("\n")

    def _leave_thinking(self) -> None:
        if self._channel == "thinking":
            self._out.write(("" if self._line_start else "\n") + (_RESET if self._colour else ""))
            self._channel = "answer"

    def end(self, finished: TurnFinished) -> None:
        """After the last event: close the thinking block and say when it never finished."""
        unfinished = self._channel == "thinking" and not finished.text
        self._leave_thinking()
        if unfinished:
            self._out.write("[thinking did not finish: no answer]")
        elif self._thought and finished.stats.thinking_tokens:
            stats = finished.stats
            self._out.write(
                f"\n[thought for {stats.thinking_s or 0:.1f} s, {stats.thinking_tokens} tokens]"
            )
        self._out.flush()
