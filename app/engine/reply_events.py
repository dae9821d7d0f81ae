"""Decoded text of a reply -> TokensReceived events, split into thinking and answer."""

from __future__ import annotations

from app.chat.events import TokensReceived, TurnStats
from app.engine.thinking_turn import ThinkingTurn


class ReplyEvents:
    """Without a thinking format every piece is answer; with one, ThinkingTurn splits it."""

    def __init__(self, turn: ThinkingTurn | None) -> None:
        self.turn = turn
        self._answer: list[str] = []
        self._unreported = 0  # tokens behind text still held back by the parser

    def text(self, text: str, tokens: int, decode_s: float) -> list[TokensReceived]:
        if self.turn is None:
            self._answer.append(text)
            return [TokensReceived(text, tokens, decode_s)]
        return self._events(self.turn.feed(text, tokens), tokens, decode_s)

    def finish(self, decode_s: float) -> list[TokensReceived]:
        return self._events(self.turn.finish(), 0, decode_s) if self.turn else []

    def _events(
        self, segments: list[tuple[str, str]], tokens: int, decode_s: float
    ) -> list[TokensReceived]:
        self._unreported += tokens
        events = []
        for channel, part in segments:
            count, self._unreported = self._unreported, 0
            events.append(TokensReceived(part, count, decode_s, channel))  # type: ignore[arg-type]
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
