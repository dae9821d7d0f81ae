"""Events a turn streams from the engine to whoever listens (CLI, session, UI).

Events are nouns. A turn is: PromptProgress*, PromptEvaluated, TokensReceived*, TurnFinished
(PromptProgress only while a prompt longer than one batch is read; a turn stopped while
reading its prompt ends with TurnFinished("cancelled") and no PromptEvaluated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

StopReason = Literal["stop", "length", "cancelled", "error"]


@dataclass(frozen=True, slots=True)
class TurnStats:
    load_s: float
    ttft_s: float
    prompt_tokens: int
    cached_tokens: int
    evaluated_tokens: int
    prefill_s: float
    prefill_tps: float
    decode_s: float
    decode_tps: float
    generated_tokens: int
    context_used: int
    context_size: int
    stop_reason: StopReason
    dropped_turns: int
    rss_mb: float
    wall_s: float
    restored_from_disk: bool = False

    def as_json(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True, slots=True)
class PromptProgress:
    """Reading the prompt: `evaluated` of `total` new tokens done after `seconds`."""

    evaluated: int
    total: int
    seconds: float

    @property
    def fraction(self) -> float:
        return min(1.0, self.evaluated / self.total) if self.total > 0 else 1.0

    @property
    def tokens_per_second(self) -> float | None:
        return self.evaluated / self.seconds if self.evaluated and self.seconds > 0 else None

    @property
    def seconds_left(self) -> float | None:
        """At the rate measured so far; None until the first batch is done."""
        rate = self.tokens_per_second
        return max(0, self.total - self.evaluated) / rate if rate else None


@dataclass(frozen=True, slots=True)
class PromptEvaluated:
    prompt_tokens: int
    cached_tokens: int
    evaluated_tokens: int
    seconds: float
    dropped_turns: int
    context_size: int
    restored_from_disk: bool = False


@dataclass(frozen=True, slots=True)
class TokensReceived:
    """Text that arrived since the last event; `tokens` counts the tokens behind it."""

    text: str
    tokens: int
    decode_s: float  # decode seconds so far in this reply (for a live tokens/s)


@dataclass(frozen=True, slots=True)
class TurnFinished:
    reason: StopReason
    text: str
    stats: TurnStats
    error: str | None = None


TurnEvent = PromptProgress | PromptEvaluated | TokensReceived | TurnFinished
