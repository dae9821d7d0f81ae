"""Decoded text of a reply -> TokensReceived events, split into thinking and answer."""

from __future__ import annotations

from app.chat.events import TokensReceived, TurnStats
from app.chat.values import GenerationParams
from app.engine.thinking_format import ThinkingFormat, starts_in_thinking
from app.engine.thinking_parser import Segment
from app.engine.thinking_turn import ThinkingTurn


class ReplyEvents:
    """Without a thinking format every piece is answer; with one, ThinkingTurn splits it."""

    def __init__(self, turn: ThinkingTurn | None) -> None:
        self.turn = turn
        self._answer: list[str] = []
        self._fed = 0  # tokens fed so far
        self._reported = {"thinking": 0, "answer": 0}  # tokens already carried by events

    @classmethod
    def for_prompt(
        cls, fmt: ThinkingFormat | None, prompt: str, params: GenerationParams, started: float
    ) -> ReplyEvents:
        """A reply to `prompt` (which may already have opened the thinking)."""
        if fmt is None:
            return cls(None)
        opened = starts_in_thinking(fmt, prompt)
        return cls(ThinkingTurn(fmt, opened, params.thinking_budget, started))

    def text(self, text: str, tokens: int, decode_s: float) -> list[TokensReceived]:
        if self.turn is None:
            self._answer.append(text)
            return [TokensReceived(text, tokens, decode_s)]
        return self._events(self.turn.feed(text, tokens), tokens, decode_s)

    def finish(self, decode_s: float) -> list[TokensReceived]:
        return self._events(self.turn.finish(), 0, decode_s) if self.turn else []

    def _events(
        self, segments: list[Segment], tokens: int, decode_s: float
    ) -> list[TokensReceived]:
        """Each event carries the tokens its channel gained since that channel's last event
        (the thinking meter decides which tokens were thinking, markers included)."""
        turn = self.turn
        assert turn is not None
        self._fed += tokens
        totals = {"thinking": turn.thinking_tokens}
        totals["answer"] = self._fed - turn.thinking_tokens - turn.pending_tokens
        events = []
        for channel, part in segments:
            count = max(0, totals[channel] - self._reported[channel])
            self._reported[channel] += count
            events.append(TokensReceived(part, count, decode_s, channel))
        return events

    def budget_close(self) -> str | None:
        return self.turn.budget_close() if self.turn else None

    @property
    def answer(self) -> str:
        return self.turn.answer if self.turn else "".join(self._answer)

    @property
    def thinking(self) -> str:
        return self.turn.thinking if self.turn else ""

    def stats(self, stats: TurnStats, end: float) -> TurnStats:
        return self.turn.stats(stats, end) if self.turn else stats
