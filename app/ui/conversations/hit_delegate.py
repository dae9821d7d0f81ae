"""Draws a conversation row: its title, and while a search is shown a second line with the
matching text, the match in bold. Plain text runs (no rich-text layout), so a screenful of
hits paints in a few milliseconds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.ui.conversations.conversation_item_model import SNIPPET_ROLE

Index = QModelIndex | QPersistentModelIndex
_SELECTED = QStyle.StateFlag.State_Selected
_ELIDE = Qt.TextElideMode.ElideRight
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class HitDelegate(QStyledItemDelegate):
    def __init__(self, two_lines: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._two_lines = two_lines  # all rows the same height: one line, or two for hits

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        snippet = index.data(SNIPPET_ROLE)
        if not snippet:
            super().paint(painter, option, index)
            return
        before, match, after = snippet
        widget = option.widget
        style = widget.style() if widget is not None else None
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        title = background.text
        background.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, background, painter, widget)
        selected = (option.state & _SELECTED) == _SELECTED
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        line = option.fontMetrics.height()
        rect = option.rect.adjusted(6, 2, -4, -2)
        painter.save()
        painter.setPen(option.palette.color(role))
        metrics = option.fontMetrics
        elided = metrics.elidedText(str(title), _ELIDE, rect.width())
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line), _LEFT, elided)
        second = QRect(rect.left(), rect.top() + line + 2, rect.width(), line)
        self._draw_runs(painter, option, second, (before, match, after))
        painter.restore()

    def _draw_runs(
        self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, runs: tuple[str, ...]
    ) -> None:
        """before, match (bold), after, left to right, cut at the row's right edge."""
        bold = QFont(option.font)
        bold.setBold(True)
        x = rect.left()
        for number, text in enumerate(runs):
            font = bold if number == 1 else option.font
            painter.setFont(font)
            space = rect.right() - x
            if space <= 0 or not text:
                continue
            metrics = painter.fontMetrics()
            shown = metrics.elidedText(text, _ELIDE, space)
            painter.drawText(QRect(x, rect.top(), space, rect.height()), _LEFT, shown)
            x += metrics.horizontalAdvance(shown)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = option.fontMetrics.height()
        lines = 2 if self._two_lines() else 1
        return QSize(100, lines * line + 2 * (lines + 1))
