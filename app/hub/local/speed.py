"""A throttled speed meter: recent bytes per second and time left."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 5.0


class SpeedMeter:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._samples.clear()

    def add(self, total_bytes: int) -> None:
        now = self._clock()
        self._samples.append((now, total_bytes))
        while len(self._samples) > 2 and now - self._samples[0][0] > WINDOW_SECONDS:
            self._samples.popleft()

    def speed(self) -> float | None:
        """Bytes per second over the last few seconds (None until there is half a second)."""
        if len(self._samples) < 2:
            return None
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        if t1 - t0 < 0.5:
            return None
        return max(0.0, (b1 - b0) / (t1 - t0))

    def eta(self, remaining_bytes: int) -> float | None:
        speed = self.speed()
        if not speed:
            return None
        return remaining_bytes / speed
