"""Events a turn streams from the engine to whoever listens (CLI, session, UI).

Events are nouns. A turn is: PromptEvaluated, TokensReceived*, TurnFinished.
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


TurnEvent = PromptEvaluated | TokensReceived | TurnFinished
