"""A remote reply's figures, each from where it is known, labelled with its source.

- "server usage": the OpenAI `usage` object (prompt, completion and cached tokens);
- "server timings": llama-server's `timings` (prompt and decode time as the server measured);
- "client clock": Hearth's own clock, so network time is included.
What nobody reported stays unknown (`TurnStats.unknown`), never 0.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from app.chat.events import StopReason, TurnStats
from app.engine.turn_stats import process_rss_mb

USAGE, TIMINGS, CLOCK = "server usage", "server timings", "client clock"


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return float(value) if ok else None


@dataclass
class RemoteClock:
    """Client-side times of one reply plus the last usage/timings the server sent."""

    started: float = field(default_factory=time.perf_counter)
    first: float | None = None
    last: float | None = None
    chunks: int = 0
    usage: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, Any] = field(default_factory=dict)

    def text_arrived(self) -> bool:
        """Record a chunk with text; True for the first one."""
        now = time.perf_counter()
        self.chunks += 1
        self.last = now
        if self.first is None:
            self.first = now
            return True
        return False

    def decode_so_far(self) -> float:
        return (self.last or 0.0) - self.first if self.first is not None else 0.0


class _Figures:
    def __init__(self) -> None:
        self.values: dict[str, float | int] = {}
        self.sources: dict[str, str] = {}

    def put(self, name: str, value: float | int | None, source: str) -> None:
        if value is not None and name not in self.values:
            self.values[name] = value
            self.sources[name] = source

    def get(self, name: str) -> float | int | None:
        return self.values.get(name)


def remote_stats(clock: RemoteClock, reason: StopReason, context_size: int) -> TurnStats:
    end = time.perf_counter()
    f = _Figures()
    usage, timings = clock.usage, clock.timings
    details = usage.get("prompt_tokens_details")
    cached_usage = _count(details.get("cached_tokens")) if isinstance(details, dict) else None
    t_cache, t_prompt = _count(timings.get("cache_n")), _count(timings.get("prompt_n"))
    f.put("prompt_tokens", _count(usage.get("prompt_tokens")), USAGE)
    if t_cache is not None and t_prompt is not None:
        f.put("prompt_tokens", t_cache + t_prompt, TIMINGS)
    f.put("cached_tokens", cached_usage, USAGE)
    f.put("cached_tokens", t_cache, TIMINGS)
    f.put("evaluated_tokens", t_prompt, TIMINGS)
    prompt, cached = f.get("prompt_tokens"), f.get("cached_tokens")
    if prompt is not None and cached is not None:
        f.put("evaluated_tokens", int(prompt - cached), f.sources["prompt_tokens"])
    f.put("generated_tokens", _count(usage.get("completion_tokens")), USAGE)
    f.put("generated_tokens", _count(timings.get("predicted_n")), TIMINGS)
    _times(f, clock, end)
    generated = f.get("generated_tokens")
    if prompt is not None and generated is not None:
        f.put("context_used", int(prompt + generated), f.sources["prompt_tokens"])
    if context_size > 0:
        f.put("context_size", context_size, "server model list")
    f.put("load_s", 0.0, CLOCK)
    f.put("wall_s", end - clock.started, CLOCK)
    return _stats(f, reason)


def _times(f: _Figures, clock: RemoteClock, end: float) -> None:
    ms_prompt, ms_decode = _number(clock.timings.get("prompt_ms")), None
    ms_decode = _number(clock.timings.get("predicted_ms"))
    if clock.first is not None:
        f.put("ttft_s", clock.first - clock.started, CLOCK)
    f.put("prefill_s", ms_prompt / 1000 if ms_prompt is not None else None, TIMINGS)
    f.put("prefill_tps", _number(clock.timings.get("prompt_per_second")), TIMINGS)
    evaluated, prefill = f.get("evaluated_tokens"), f.get("prefill_s")
    if evaluated is not None and prefill:
        f.put("prefill_tps", evaluated / prefill, TIMINGS)
    f.put("decode_s", ms_decode / 1000 if ms_decode is not None else None, TIMINGS)
    f.put("decode_tps", _number(clock.timings.get("predicted_per_second")), TIMINGS)
    if clock.first is not None and clock.last is not None:
        f.put("decode_s", (clock.last or end) - clock.first, CLOCK)
    generated, decode = f.get("generated_tokens"), f.get("decode_s")
    if generated is not None and generated > 1 and decode:
        source = TIMINGS if f.sources.get("decode_s") == TIMINGS else CLOCK
        f.put("decode_tps", (generated - 1) / decode, source)


ALL_FIGURES = (
    "load_s", "ttft_s", "prompt_tokens", "cached_tokens", "evaluated_tokens", "prefill_s",
    "prefill_tps", "decode_s", "decode_tps", "generated_tokens", "context_used", "context_size",
    "wall_s",
)  # fmt: skip


def _stats(f: _Figures, reason: StopReason) -> TurnStats:
    values: dict[str, Any] = {name: f.values.get(name, 0) for name in ALL_FIGURES}
    ints = ("prompt_tokens", "cached_tokens", "evaluated_tokens", "generated_tokens",
            "context_used", "context_size")  # fmt: skip
    for name in ints:
        values[name] = int(values[name])
    return TurnStats(
        **values,
        stop_reason=reason,
        dropped_turns=0,
        rss_mb=process_rss_mb(),
        unknown=tuple(name for name in ALL_FIGURES if name not in f.values),
        sources=tuple(sorted(f.sources.items())),
    )
