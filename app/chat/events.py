"""Events a turn streams from the engine to whoever listens (CLI, session, UI).

Events are nouns. A turn is: PromptProgress*, PromptEvaluated, TokensReceived*, TurnFinished
(PromptProgress only while a prompt longer than one batch is read; a turn stopped while
reading its prompt ends with TurnFinished("cancelled") and no PromptEvaluated).
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
    # Figures nobody measured (a remote server that does not report them): their fields
    # hold 0 for old readers, `figure()` and `as_json()` give None, the window shows "—".
    unknown: tuple[str, ...] = ()
    # Where figures come from when that is not this process's own engine:
    # (field, "server usage" | "server timings" | "client clock"), see app/engine/remote.
    sources: tuple[tuple[str, str], ...] = ()

    def figure(self, name: str) -> float | int | None:
        """A figure's value, or None when it is not known."""
        value: float | int = getattr(self, name)
        return None if name in self.unknown else value

    def source(self, name: str) -> str | None:
        return dict(self.sources).get(name)

    @classmethod
    def measured(
        cls,
        *,
        prompt_tokens: int,
        cached_tokens: int,
        generated_tokens: int,
        context_used: int,
        context_size: int,
        stop_reason: StopReason,
        ttft_s: float = 0.0,
        prefill_s: float = 0.0,
        decode_s: float = 0.0,
        load_s: float = 0.0,
        wall_s: float = 0.0,
        dropped_turns: int = 0,
        rss_mb: float = 0.0,
        restored_from_disk: bool = False,
    ) -> TurnStats:
        """The one place a turn's stats are built: rates derive from the counts and times
        (decode counts the tokens after the first, which prefill produced)."""
        evaluated = prompt_tokens - cached_tokens
        decode_tps = 0.0
        if generated_tokens > 1 and decode_s > 0:
            decode_tps = (generated_tokens - 1) / decode_s
        return cls(
            load_s=load_s,
            ttft_s=ttft_s,
            prompt_tokens=prompt_tokens,
            cached_tokens=cached_tokens,
            evaluated_tokens=evaluated,
            prefill_s=prefill_s,
            prefill_tps=evaluated / prefill_s if prefill_s > 0 else 0.0,
            decode_s=decode_s,
            decode_tps=decode_tps,
            generated_tokens=generated_tokens,
            context_used=context_used,
            context_size=context_size,
            stop_reason=stop_reason,
            dropped_turns=dropped_turns,
            rss_mb=rss_mb,
            wall_s=wall_s,
            restored_from_disk=restored_from_disk,
        )

    @classmethod
    def empty(cls, reason: StopReason, context_size: int = 0) -> TurnStats:
        """A turn that produced nothing to measure (refused, failed or cancelled early)."""
        return cls.measured(
            prompt_tokens=0,
            cached_tokens=0,
            generated_tokens=0,
            context_used=0,
            context_size=context_size,
            stop_reason=reason,
        )

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            name: None if name in self.unknown else getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("unknown", "sources")
        }
        data["sources"] = dict(self.sources)
        return data


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
    unknown: tuple[str, ...] = ()  # fields not known (yet): a remote server reports them last


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


TurnEvent = PromptProgress | PromptEvaluated | TokensReceived | TurnFinished
