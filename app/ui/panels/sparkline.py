"""A tiny tokens/s chart over the current reply, and the pure bookkeeping that feeds it.

`ReplyMeter` records one reply's events (no Qt) and says which numbers to show: live
ones while the reply streams, the engine's final TurnStats after it. `RateSampler` turns
the stream of (tokens, decode seconds so far) into decode rates over windows of decode
time: deterministic (driven by the events' own clock, not the wall clock) and bounded
(when it holds too many points, neighbours are merged and the window doubles, so a long
reply still fits in `max_points`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.chat.events import PromptEvaluated, TokensReceived, TurnStats


class RateSampler:
    """Decode tokens/s per window of decode time (default 0.25 s, doubling as needed)."""

    def __init__(self, window_s: float = 0.25, max_points: int = 120) -> None:
        self._initial_window = window_s
        self._max_points = max(4, max_points)
        self.reset()

    def reset(self) -> None:
        self.window_s = self._initial_window
        self._rates: list[float] = []
        self._mark_s = 0.0  # decode seconds at the start of the open window
        self._mark_tokens = 0
        self._tokens = 0
        self._last_s = 0.0

    @property
    def rates(self) -> tuple[float, ...]:
        return tuple(self._rates)

    @property
    def tokens(self) -> int:
        return self._tokens

    def add(self, tokens: int, decode_s: float) -> None:
        """`tokens` new tokens; `decode_s` is the cumulative decode time of the reply."""
        self._tokens += tokens
        self._last_s = max(self._last_s, decode_s)
        if self._last_s - self._mark_s >= self.window_s:
            self._close_window()

    def flush(self) -> None:
        """Close the open window (end of the reply) if it holds any time and tokens."""
        if self._last_s > self._mark_s and self._tokens > self._mark_tokens:
            self._close_window()

    def _close_window(self) -> None:
        span = self._last_s - self._mark_s
        self._rates.append((self._tokens - self._mark_tokens) / span)
        self._mark_s, self._mark_tokens = self._last_s, self._tokens
        if len(self._rates) > self._max_points:
            self._halve()

    def _halve(self) -> None:
        rates = self._rates
        merged = [(rates[i] + rates[i + 1]) / 2 for i in range(0, len(rates) - 1, 2)]
        if len(rates) % 2:
            merged.append(rates[-1])
        self._rates = merged
        self.window_s *= 2


@dataclass(frozen=True, slots=True)
class ReplyNumbers:
    """What the stats panel shows for a reply (None: not known yet)."""

    ttft_s: float | None
    evaluated: int | None
    cached: int | None
    prefill_tps: float | None
    decode_tps: float | None
    generated: int | None
    context_used: int
    context_size: int


class ReplyMeter:
    """One reply's numbers: live from its events, then final from its TurnStats."""

    def __init__(self) -> None:
        self.sampler = RateSampler()
        self.reset()

    def reset(self) -> None:
        self._started_at: float | None = None
        self._ttft: float | None = None
        self._decode_s = 0.0
        self.prompt: PromptEvaluated | None = None
        self.final: TurnStats | None = None
        self.sampler.reset()

    def start(self, now: float) -> None:
        self.reset()
        self._started_at = now

    def tokens(self, event: TokensReceived, now: float) -> None:
        if self._ttft is None and self._started_at is not None:
            self._ttft = now - self._started_at
        self._decode_s = event.decode_s
        self.sampler.add(event.tokens, event.decode_s)

    def finish(self, stats: TurnStats) -> None:
        self.final = stats
        self.sampler.flush()

    def numbers(self, idle_context_size: int) -> ReplyNumbers:
        final = self.final
        if final is not None:
            return ReplyNumbers(
                final.ttft_s,
                final.evaluated_tokens,
                final.cached_tokens,
                final.prefill_tps,
                final.decode_tps,
                final.generated_tokens,
                final.context_used,
                final.context_size,
            )
        prompt, tokens = self.prompt, self.sampler.tokens
        decode = tokens / self._decode_s if self._decode_s > 0 else None
        if prompt is None:
            return ReplyNumbers(self._ttft, None, None, None, decode, None, 0, idle_context_size)
        prefill = prompt.evaluated_tokens / prompt.seconds if prompt.seconds > 0 else None
        return ReplyNumbers(
            self._ttft,
            prompt.evaluated_tokens,
            prompt.cached_tokens,
            prefill,
            decode,
            tokens,
            prompt.prompt_tokens + tokens,
            prompt.context_size,
        )


def sparkline_points(
    values: Sequence[float], width: float, height: float, margin: float = 2.0
) -> list[tuple[float, float]]:
    """Screen points for `values`: left to right, 0 at the bottom, the maximum near the top."""
    if not values or width <= 2 * margin or height <= 2 * margin:
        return []
    top = max(max(values), 1e-9)
    inner_w, inner_h = width - 2 * margin, height - 2 * margin
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0.0
    return [
        (margin + i * step, margin + inner_h * (1 - max(v, 0.0) / top))
        for i, v in enumerate(values)
    ]


class Sparkline(QWidget):
    """Paints a polyline of recent values; nothing else. Cheap to repaint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stat_sparkline")
        self.setAccessibleName("Tokens per second during this reply")
        self.setToolTip("How fast the reply was generated over time, in tokens per second.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(36)
        self._values: tuple[float, ...] = ()
        self.paint_count = 0

    def sizeHint(self) -> QSize:
        return QSize(160, 40)

    def values(self) -> tuple[float, ...]:
        return self._values

    def set_values(self, values: Sequence[float]) -> None:
        new = tuple(values)
        if new != self._values:
            self._values = new
            self.update()

    def clear(self) -> None:
        self.set_values(())

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paint_count += 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        base = QColor(palette.color(QPalette.ColorRole.WindowText))
        base.setAlphaF(0.25)
        painter.setPen(QPen(base, 1))
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        points = sparkline_points(self._values, self.width(), self.height())
        if points:
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 1.6)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            polygon = QPolygonF([QPointF(x, y) for x, y in points])
            if len(points) > 1:
                painter.drawPolyline(polygon)
            last_x, last_y = points[-1]
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawEllipse(QPointF(last_x, last_y), 2.2, 2.2)
        painter.end()
