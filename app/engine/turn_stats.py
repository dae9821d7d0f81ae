"""TurnClock: the timings of one reply, turned into TurnStats."""

from __future__ import annotations

import time

from app.chat.events import StopReason, TurnStats


def process_rss_mb() -> float:
    try:
        import psutil

        return float(psutil.Process().memory_info().rss) / (1 << 20)
    except Exception:
        return 0.0


class TurnClock:
    def __init__(self, load_s: float = 0.0) -> None:
        self.load_s = load_s
        self.started = time.perf_counter()
        self._prefill_started = self.started
        self._first: float | None = None
        self._ended: float | None = None

    def prefill_started(self) -> None:
        self._prefill_started = time.perf_counter()

    def first_token(self) -> bool:
        """Record the first sampled token; True only the first time."""
        if self._first is not None:
            return False
        self._first = time.perf_counter()
        return True

    @property
    def prefill_s(self) -> float:
        return (self._first or time.perf_counter()) - self._prefill_started

    def decode_so_far(self) -> float:
        return time.perf_counter() - self._first if self._first else 0.0

    def decode_ended(self) -> None:
        self._ended = time.perf_counter()

    def stats(
        self,
        prompt: int,
        reused: int,
        generated: int,
        context_used: int,
        context_size: int,
        reason: StopReason,
        dropped: int,
        restored: bool,
    ) -> TurnStats:
        end = self._ended or time.perf_counter()
        first = self._first or end
        return TurnStats.measured(
            prompt_tokens=prompt,
            cached_tokens=reused,
            generated_tokens=generated,
            context_used=context_used,
            context_size=context_size,
            stop_reason=reason,
            ttft_s=first - self.started,
            prefill_s=first - self._prefill_started,
            decode_s=end - first,
            load_s=self.load_s,
            wall_s=end - self.started,
            dropped_turns=dropped,
            rss_mb=process_rss_mb(),
            restored_from_disk=restored,
        )
