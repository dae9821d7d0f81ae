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

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            name: None if name in self.unknown else getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("unknown", "sources")
        }
        data["sources"] = dict(self.sources)
        return data


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


@dataclass(frozen=True, slots=True)
class TurnFinished:
    reason: StopReason
    text: str
    stats: TurnStats
    error: str | None = None


TurnEvent = PromptEvaluated | TokensReceived | TurnFinished
