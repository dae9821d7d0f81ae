"""Events a turn streams from the engine to whoever listens (CLI, session, UI).

Events are nouns. A turn is: PromptEvaluated, TokensReceived*, TurnFinished.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

StopReason = Literal["stop", "length", "cancelled", "error"]
Channel = Literal["thinking", "answer"]


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
    # Thinking (reasoning models); all None when the reply had no thinking.
    thinking_tokens: int | None = None
    thinking_s: float | None = None
    thinking_tps: float | None = None
    answer_ttft_s: float | None = None  # turn start to the answer's first token
    # The prompt-cache policy for old thinking ("keep" or "follow"; None: no thinking
    # format) and how many context tokens earlier replies' thinking holds.
    thinking_policy: str | None = None
    old_thinking_tokens: int = 0

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
    channel: Channel = "answer"  # "thinking": the model's reasoning, shown apart


@dataclass(frozen=True, slots=True)
class TurnFinished:
    reason: StopReason
    text: str
    stats: TurnStats
    error: str | None = None
    thinking: str = ""  # the reply's thinking, apart from `text` (the answer)


TurnEvent = PromptEvaluated | TokensReceived | TurnFinished
