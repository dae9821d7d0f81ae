"""TimelineBar: one reply's time as a horizontal bar split into coloured phases."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.inspect.figures import Timeline
from app.ui.panels.inspector_text import PHASE_COLORS

MIN_SEGMENT_PX = 2.0  # a phase that took any time stays visible


def segment_spans(
    fractions: Sequence[float], width: float, min_px: float = MIN_SEGMENT_PX
) -> list[tuple[float, float]]:
    """(x, width) per phase filling `width`; phases above 0 get at least `min_px`."""
    total = sum(f for f in fractions if f > 0)
    if width <= 0 or total <= 0:
        return [(0.0, 0.0) for _ in fractions]
    small = [f > 0 and f / total * width < min_px for f in fractions]
    room = width - min_px * sum(small)
    large = sum(f for f, s in zip(fractions, small, strict=True) if f > 0 and not s)
    if room <= 0 or large <= 0:
        widths = [max(f, 0.0) / total * width for f in fractions]
    else:
        widths = [
            min_px if s else (f / large * room if f > 0 else 0.0)
            for f, s in zip(fractions, small, strict=True)
        ]
    spans, x = [], 0.0
    for w in widths:
        spans.append((x, w))
        x += w
    return spans


class TimelineBar(QWidget):
    """objectName "insp_timeline". Paints the phases of `set_timeline`, nothing else."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("insp_timeline")
        self.setAccessibleName("Reply timeline")
        self.setToolTip("Where the time of this reply went, phase by phase, from left to right.")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(14)
        self._timeline: Timeline | None = None

    def sizeHint(self) -> QSize:
        return QSize(200, 16)

    def timeline(self) -> Timeline | None:
        return self._timeline

    def set_timeline(self, timeline: Timeline | None) -> None:
        if timeline != self._timeline:
            self._timeline = timeline
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        track = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        track.setAlphaF(0.12)
        painter.fillRect(self.rect(), track)
        timeline = self._timeline
        if timeline is not None:
            spans = segment_spans(timeline.fractions(), float(self.width()))
            for phase, (x, w) in zip(timeline.phases, spans, strict=True):
                if w > 0:
                    rect = QRectF(x, 0, w, self.height())
                    painter.fillRect(rect, QColor(PHASE_COLORS[phase.name]))
        painter.end()
