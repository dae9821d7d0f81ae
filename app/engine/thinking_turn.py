"""One reply of a reasoning model: split, counted, timed and held to its budget.

The engine feeds every decoded piece with the number of tokens behind it; this returns the
segments to stream (thinking or answer), tells when the budget is spent (the engine then
writes the closing marker into the context), and fills the thinking fields of TurnStats.
"""

from __future__ import annotations

import time
from dataclasses import replace

from app.chat.events import TurnStats
from app.engine.thinking_format import ThinkingFormat
from app.engine.thinking_parser import Segment, ThinkingParser


class ThinkingTurn:
    def __init__(
        self, fmt: ThinkingFormat, thinking_open: bool, budget: int, started: float
    ) -> None:
        self.fmt = fmt
        self._parser = ThinkingParser(fmt, thinking_open)
        self._budget = budget
        self._started = started
        self.thinking_tokens = 0
        self._pending = 0
        self._pending_since: float | None = None
        self._first_thinking: float | None = None
        self._thinking_end: float | None = None
        self._answer_first: float | None = None
        self._closed_by_budget = False
        self.thinking_parts: list[str] = []
        self.answer_parts: list[str] = []

    def feed(self, text: str, tokens: int = 1, now: float | None = None) -> list[Segment]:
        now = time.perf_counter() if now is None else now
        before, saw = self._parser.state, self._parser.saw_thinking
        segments = self._parser.feed(text)
        after = self._parser.state
        if before == after == "start":
            self._pending += tokens  # not yet known: a marker may be forming
            self._pending_since = self._pending_since or now
        elif before != "answer" and (before != "start" or self._parser.saw_thinking > saw):
            self.thinking_tokens += self._pending + tokens
            if self._first_thinking is None:
                self._first_thinking = self._pending_since or now
        if after != "start":
            self._pending, self._pending_since = 0, None
        return self._record(segments, now)

    def finish(self, now: float | None = None) -> list[Segment]:
        return self._record(self._parser.finish(), time.perf_counter() if now is None else now)

    def _record(self, segments: list[Segment], now: float) -> list[Segment]:
        for channel, text in segments:
            if channel == "thinking":
                self.thinking_parts.append(text)
            else:
                if self._answer_first is None:
                    self._answer_first = now
                    self._thinking_end = self._thinking_end or now
                self.answer_parts.append(text)
        if not self._parser.thinking and self._thinking_end is None:
            self._thinking_end = now
        return segments

    def budget_close(self) -> str | None:
        """The text to write into the context now, when the budget is spent (once)."""
        if (
            self._budget <= 0
            or self._closed_by_budget
            or self._parser.state != "thinking"
            or self.thinking_tokens < self._budget
        ):
            return None
        self._closed_by_budget = True
        return self.fmt.budget_close

    @property
    def pending_tokens(self) -> int:
        """Tokens not yet known to be thinking or answer (a marker may be forming)."""
        return self._pending

    @property
    def closed_by_budget(self) -> bool:
        return self._closed_by_budget

    @property
    def thinking(self) -> str:
        return "".join(self.thinking_parts).rstrip()

    @property
    def answer(self) -> str:
        return "".join(self.answer_parts)

    @property
    def had_thinking(self) -> bool:
        return self._parser.saw_thinking and self.thinking_tokens > 0

    def stats(self, stats: TurnStats, end: float) -> TurnStats:
        """`stats` with the thinking fields filled (left None when there was no thinking)."""
        if not self.had_thinking:
            return stats
        first = self._first_thinking or self._started
        seconds = (self._thinking_end or end) - first
        tps = (
            (self.thinking_tokens - 1) / seconds
            if self.thinking_tokens > 1 and seconds > 0
            else 0.0
        )
        answer_ttft = self._answer_first - self._started if self._answer_first else None
        return replace(
            stats,
            thinking_tokens=self.thinking_tokens,
            thinking_s=seconds,
            thinking_tps=tps,
            answer_ttft_s=answer_ttft,
        )
