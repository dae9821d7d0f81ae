"""The thinking figures of the reply in progress (live) or finished (from its stats)."""

from __future__ import annotations

from app.chat.events import TokensReceived, TurnStats
from app.ui.common import format as fmt


class ThinkingMeter:
    def __init__(self) -> None:
        self.start(0.0)

    def start(self, now: float) -> None:
        self._started = now
        self._tokens = 0
        self._first: float | None = None
        self._answer_at: float | None = None
        self.final: TurnStats | None = None

    def tokens(self, event: TokensReceived, now: float) -> None:
        if event.channel == "thinking":
            self._tokens += event.tokens
            self._first = self._first or now
        elif self._tokens and self._answer_at is None:
            self._answer_at = now

    def finish(self, stats: TurnStats) -> None:
        self.final = stats

    @property
    def seen(self) -> bool:
        """Whether the reply in progress or the last one thought at all."""
        final = self.final
        return bool(final.thinking_tokens if final is not None else self._tokens)

    def texts(self) -> tuple[str, str]:
        """(thinking, answer's first token) for the stats panel; "–" without thinking."""
        final = self.final
        if final is not None:
            if not final.thinking_tokens:
                return fmt.UNKNOWN, fmt.UNKNOWN
            thinking = (
                f"{final.thinking_tokens:,} tokens · {fmt.format_seconds(final.thinking_s)}"
                f" · {fmt.format_rate(final.thinking_tps)}"
            )
            answer = (
                fmt.format_seconds(final.answer_ttft_s)
                if final.answer_ttft_s is not None
                else "no answer"
            )
            return thinking, answer
        if not self._tokens:
            return fmt.UNKNOWN, fmt.UNKNOWN
        answer = fmt.format_seconds(self._answer_at - self._started) if self._answer_at else "…"
        return f"{self._tokens:,} tokens so far", answer
