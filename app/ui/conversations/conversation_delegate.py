"""Draws the conversation list: a date header (Today, Yesterday, ...) above the first row of
each group, rows with a rounded background on hover and an ember marker when selected,
titles elided (the full title is the tooltip). Search hits keep HitDelegate's two lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QWidget

from app.store.records import ConversationRecord
from app.ui.conversations.conversation_item_model import SNIPPET_ROLE
from app.ui.conversations.date_groups import date_group
from app.ui.conversations.hit_delegate import HitDelegate

Index = QModelIndex | QPersistentModelIndex
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ROW_PADDING = 7
HEADER_GAP = 10


class ConversationDelegate(HitDelegate):
    def __init__(
        self,
        two_lines: Callable[[], bool],
        record_of: Callable[[int], ConversationRecord],
        parent: QWidget | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(two_lines, parent)
        self._two_lines_now = two_lines
        self._record_of = record_of
        self._now = now
        self.accent = QColor("#e8431f")

    def header_for(self, index: Index) -> str | None:
        """The date group's name when this row starts a group (never for search hits)."""
        if self._two_lines_now() or not index.isValid():
            return None
        row = index.row()
        now = self._now()
        group = date_group(self._record_of(row).updated_at, now)
        if row > 0 and date_group(self._record_of(row - 1).updated_at, now) == group:
            return None
        return group

    def _header_height(self, option: QStyleOptionViewItem, index: Index) -> int:
        header = self.header_for(index)
        if header is None:
            return 0
        gap = HEADER_GAP if index.row() > 0 else 2
        return option.fontMetrics.height() + gap + 4

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        if self._two_lines_now():
            return super().sizeHint(option, index)
        row = option.fontMetrics.height() + 2 * ROW_PADDING
        return QSize(100, row + self._header_height(option, index))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if self._two_lines_now() or index.data(SNIPPET_ROLE):
            super().paint(painter, option, index)
            return
        header_h = self._header_height(option, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        if header_h:
            small = QFont(option.font)
            small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
            small.setWeight(QFont.Weight.DemiBold)
            painter.setFont(small)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            rect = option.rect.adjusted(10, header_h - painter.fontMetrics().height() - 4, 0, 0)
            painter.drawText(
                QRect(rect.left(), rect.top(), rect.width(), 16), _LEFT, str(self.header_for(index))
            )
        row = option.rect.adjusted(2, header_h, -2, 0)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.AlternateBase
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(role))
            painter.drawRoundedRect(QRectF(row), 7, 7)
        if selected:
            painter.setBrush(self.accent)
            marker = QRectF(row.left() + 2, row.top() + 7, 3, row.height() - 14)
            painter.drawRoundedRect(marker, 1.5, 1.5)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        painter.setFont(option.font)
        text_rect = row.adjusted(12, 0, -6, 0)
        title = option.fontMetrics.elidedText(
            str(index.data() or ""), Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(text_rect, _LEFT, title)
        painter.restore()

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        """Renaming edits the title's row, not its date header."""
        super().updateEditorGeometry(editor, option, index)
        header_h = self._header_height(option, index)
        if header_h:
            editor.setGeometry(editor.geometry().adjusted(0, header_h, 0, 0))
