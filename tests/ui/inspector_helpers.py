"""Values and stand-ins for the Inspector tests (fixtures: tests/ui/conftest.py)."""

from __future__ import annotations

import threading

from app.chat.events import TurnFinished, TurnStats
from app.chat.values import Message
from app.inspect.bandwidth import BandwidthMeasurement
from tests.values_factory import turn_stats

STATS = turn_stats(wall_s=2.25)
PROMPT = [Message("system", "Be brief."), Message("user", "Why is the sky blue?")]


class FakeMeasure:
    """Stands in for the 0.3 s numpy measurement; records the thread it ran on."""

    def __init__(self, gbps: float = 20.0, error: Exception | None = None) -> None:
        self.gbps, self.error = gbps, error
        self.threads: list[str] = []

    def __call__(self) -> BandwidthMeasurement:
        self.threads.append(threading.current_thread().name)
        if self.error is not None:
            raise self.error
        return BandwidthMeasurement(self.gbps, 1 << 27, 0.0067, 5, 2, 0.3)


def finished(stats: TurnStats = STATS) -> TurnFinished:
    return TurnFinished(stats.stop_reason, "Because of Rayleigh scattering.", stats)
