"""The finished turns of one conversation: charts over turns and how fast it grows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from app.chat.events import TurnStats

_FIELDS = frozenset(f.name for f in fields(TurnStats))
_OPTIONAL = frozenset(f.name for f in fields(TurnStats) if f.default is None)


def stats_from_json(data: Mapping[str, Any] | None) -> TurnStats | None:
    """TurnStats from `TurnStats.as_json()` as stored with a reply; None if unusable."""
    if not data:
        return None
    values = {k: v for k, v in data.items() if k in _FIELDS}
    # None is a figure a server did not report, except where None is the field's own value
    # (the thinking figures of a reply without thinking).
    unknown = tuple(k for k, v in values.items() if v is None and k not in _OPTIONAL)
    sources = values.get("sources")
    values |= {k: 0 for k in unknown} | {"unknown": unknown}
    values["sources"] = tuple(sorted(sources.items())) if isinstance(sources, dict) else ()
    try:
        return TurnStats(**values)
    except TypeError:
        return None


def is_measured(stats: TurnStats) -> bool:
    """A reply that really ran (not refused, failed before the prompt, or cancelled early)."""
    return stats.prompt_tokens > 0 and stats.context_size > 0


class TurnHistory:
    """Replies of one conversation in order, oldest first (only measured ones)."""

    def __init__(self, turns: Iterable[TurnStats] = ()) -> None:
        self._turns: list[TurnStats] = []
        for stats in turns:
            self.add(stats)

    def add(self, stats: TurnStats) -> bool:
        if not is_measured(stats):
            return False
        self._turns.append(stats)
        return True

    def clear(self) -> None:
        self._turns.clear()

    def __len__(self) -> int:
        return len(self._turns)

    @property
    def turns(self) -> tuple[TurnStats, ...]:
        return tuple(self._turns)

    @property
    def last(self) -> TurnStats | None:
        return self._turns[-1] if self._turns else None

    def ttft_series(self) -> tuple[float, ...]:
        return tuple(t.ttft_s for t in self._turns)

    def decode_series(self) -> tuple[float, ...]:
        return tuple(t.decode_tps for t in self._turns)

    def prompt_growth(self) -> float | None:
        """Average new prompt tokens per turn (the message and its template).

        From consecutive turns without a new drop: this prompt minus what the cache held
        after the previous reply. With a single turn, its whole prompt (system included).
        """
        steps = [
            cur.prompt_tokens - prev.context_used
            for prev, cur in zip(self._turns, self._turns[1:], strict=False)
            if cur.dropped_turns == prev.dropped_turns and cur.prompt_tokens > prev.context_used
        ]
        if steps:
            return sum(steps) / len(steps)
        return float(self._turns[0].prompt_tokens) if self._turns else None

    def reply_tokens(self) -> float | None:
        if not self._turns:
            return None
        return sum(t.generated_tokens for t in self._turns) / len(self._turns)

    def turns_held(self) -> int:
        """Turns the context holds now: all replies so far minus the turns dropped."""
        last = self.last
        return max(0, len(self._turns) - last.dropped_turns) if last else 0
