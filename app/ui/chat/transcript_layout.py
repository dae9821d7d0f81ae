"""The transcript's shape: a readable measure centred in wide windows, and the person's
messages as rounded, tinted bubbles on the right.

QTextDocument's HTML has no border-radius, so a user message's frame is transparent, pushed
right by a left margin that fits its text, and `paint_bubbles` draws the rounded rectangle
under it (from the frame's position in the document layout) before the text is painted.
Only frames that intersect the exposed rectangle are painted; nothing here runs per token.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QTextDocument, QTextFrame
from PySide6.QtWidgets import QScrollBar

MEASURE_CHARS = 84  # the reading column, in average characters (about 70-90 wide)
SIDE_MIN = 16  # the smallest margin left and right of the column, in pixels
BUBBLE_SHARE = 0.8  # a bubble is at most this share of the column
BUBBLE_MIN = 140  # wide enough for its footer's actions
BUBBLE_RADIUS = 14
BUBBLE_PADDING = 12
_SAMPLE = "Keep a schedule. Go to bed and wake up at the same time every day. "


class TranscriptLayout:
    """Keeps the document's column and the user bubbles sized to the view."""

    def __init__(self, document: QTextDocument) -> None:
        self.document = document
        self.column = 0.0  # the reading column's width, in pixels
        self.bubble_color = QColor("#fcebe3")
        self.bubbles: dict[int, tuple[QTextFrame, str]] = {}  # message id -> frame, text

    def measure(self) -> float:
        """MEASURE_CHARS of running text (lower case and spaces, as prose is)."""
        metrics = QFontMetricsF(self.document.defaultFont())
        return metrics.horizontalAdvance(_SAMPLE) / len(_SAMPLE) * MEASURE_CHARS

    def fit_column(self, viewport_width: int) -> None:
        """Centre a column of MEASURE_CHARS in the view (full width when it is narrower)."""
        column = min(self.measure(), max(viewport_width - 2 * SIDE_MIN, 100))
        side = max(SIDE_MIN, (viewport_width - column) / 2)
        root = self.document.rootFrame()
        frame_format = root.frameFormat()
        if abs(frame_format.leftMargin() - side) < 1 and abs(self.column - column) < 1:
            return  # (QTextDocument.clear() resets the margins: then they differ)
        self.column = column
        frame_format.setLeftMargin(side)
        frame_format.setRightMargin(side)
        frame_format.setTopMargin(12)
        frame_format.setBottomMargin(12)
        root.setFrameFormat(frame_format)
        for frame, text in self.bubbles.values():
            self._fit_bubble(frame, text)

    def add_bubble(self, message_id: int, frame: QTextFrame, text: str) -> None:
        """A user message: fit its frame to its text, on the right of the column."""
        self.bubbles[message_id] = (frame, text)
        self._fit_bubble(frame, text)

    def clear(self) -> None:
        self.bubbles.clear()
        self.column = 0.0  # the document's margins go with QTextDocument.clear()

    def _fit_bubble(self, frame: QTextFrame, text: str) -> None:
        if self.column <= 0:
            return
        metrics = QFontMetricsF(self.document.defaultFont())
        widest = max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0)
        width = min(self.column * BUBBLE_SHARE, max(BUBBLE_MIN, widest + 2 * BUBBLE_PADDING + 8))
        frame_format = frame.frameFormat()
        frame_format.setLeftMargin(max(0.0, self.column - width))
        frame_format.setPadding(BUBBLE_PADDING)
        frame.setFrameFormat(frame_format)

    def paint_bubbles(self, painter: QPainter, exposed: QRect, dy: int, dx: int = 0) -> None:
        """Rounded rectangles under the user frames that show in `exposed` (view pixels)."""
        layout = self.document.documentLayout()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.bubble_color)
        for rect in _bubble_rects(layout, (f for f, _t in self.bubbles.values())):
            shown = rect.translated(-dx, -dy)
            if shown.bottom() < exposed.top() or shown.top() > exposed.bottom():
                continue
            painter.drawRoundedRect(shown, BUBBLE_RADIUS, BUBBLE_RADIUS)


def _bubble_rects(layout: object, frames: Iterable[QTextFrame]) -> Iterable[QRectF]:
    for frame in frames:
        rect = layout.frameBoundingRect(frame)  # type: ignore[attr-defined]
        if rect.isEmpty():
            continue
        margins = frame.frameFormat()
        yield rect.adjusted(margins.leftMargin(), margins.topMargin(), 0, -margins.bottomMargin())


class FollowBottom:
    """Keeps the view pinned to the bottom across an edit when it was there before."""

    def __init__(self, bar: QScrollBar) -> None:
        self._bar = bar
        self._at_bottom = False

    def __enter__(self) -> None:
        self._at_bottom = self._bar.value() >= self._bar.maximum() - 4

    def __exit__(self, *_: object) -> None:
        if self._at_bottom:
            self._bar.setValue(self._bar.maximum())
