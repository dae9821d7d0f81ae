"""How long the GUI thread stalls while a reply streams (a QTimer probe).

A timer asks to fire every few milliseconds; whenever the GUI thread is busy it fires late,
so the longest gap between two ticks is the longest time the window could not respond.
`measure_reply_stall` sends one message in a MainWindow and measures until the reply ends;
the tests and bench/ both call it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow

PROBE_INTERVAL_MS = 5


@dataclass(frozen=True, slots=True)
class StallReport:
    longest_gap_s: float
    mean_gap_s: float
    ticks: int
    gaps_over_50ms: int
    seconds: float
    tokens: int = 0
    renders: int = 0
    batches: int = 0

    def summary(self) -> str:
        return (
            f"longest GUI stall {self.longest_gap_s * 1000:.1f} ms "
            f"(mean tick gap {self.mean_gap_s * 1000:.1f} ms, {self.gaps_over_50ms} gaps > 50 ms, "
            f"{self.ticks} ticks in {self.seconds:.1f} s; {self.tokens} tokens, "
            f"{self.renders} renders, {self.batches} batches)"
        )


class StallProbe(QObject):
    """Records the gaps between ticks of a precise timer on the thread it lives on."""

    def __init__(self, interval_ms: int = PROBE_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._gaps: list[float] = []
        self._last = 0.0
        self._started = 0.0

    def start(self) -> None:
        self._gaps.clear()
        self._started = self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> StallReport:
        self._timer.stop()
        now = time.perf_counter()
        self._gaps.append(now - self._last)
        gaps = self._gaps
        return StallReport(
            longest_gap_s=max(gaps),
            mean_gap_s=sum(gaps) / len(gaps),
            ticks=len(gaps),
            gaps_over_50ms=sum(1 for gap in gaps if gap > 0.05),
            seconds=now - self._started,
        )

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        self._gaps.append(now - self._last)
        self._last = now


def measure_reply_stall(window: MainWindow, text: str, timeout_s: float = 300.0) -> StallReport:
    """Send `text` in `window` and measure the GUI thread until the reply is saved and
    fully rendered."""
    loop = QEventLoop()
    window.transcript.reply_completed.connect(loop.quit)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    renders, batches = window.transcript.render_count, window.chat.batches
    probe = StallProbe()
    probe.start()
    window.chat.send(text)
    guard.start(int(timeout_s * 1000))
    loop.exec()
    report = probe.stop()
    window.transcript.reply_completed.disconnect(loop.quit)
    if window.session.busy or window.transcript.reply_text is not None:
        raise TimeoutError(f"the reply did not finish within {timeout_s:.0f} s")
    last = window.transcript.messages[-1] if window.transcript.messages else None
    stats = last.stats if last is not None and last.stats else {}
    return StallReport(
        report.longest_gap_s,
        report.mean_gap_s,
        report.ticks,
        report.gaps_over_50ms,
        report.seconds,
        int(stats.get("generated_tokens", 0)),
        window.transcript.render_count - renders,
        window.chat.batches - batches,
    )
