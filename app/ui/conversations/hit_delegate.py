"""Draws a conversation row: its title, and under it the matching text of a search hit with
the match in bold (HTML built from escaped text in ConversationItemModel)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.ui.conversations.conversation_item_model import SNIPPET_ROLE

Index = QModelIndex | QPersistentModelIndex


class HitDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        snippet = str(index.data(SNIPPET_ROLE) or "")
        if not snippet:
            super().paint(painter, option, index)
            return
        title_option = QStyleOptionViewItem(option)
        self.initStyleOption(title_option, index)
        line = option.fontMetrics.height() + 4
        title_option.rect.setHeight(line)
        style = option.widget.style() if option.widget else None
        if style is not None:
            full = QStyleOptionViewItem(option)
            full.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, full, painter, option.widget)
            style.drawControl(
                QStyle.ControlElement.CE_ItemViewItem, title_option, painter, option.widget
            )
        self._draw_snippet(painter, option, snippet, line)

    def _draw_snippet(
        self, painter: QPainter, option: QStyleOptionViewItem, snippet: str, top: int
    ) -> None:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(0)
        document.setHtml(snippet)
        document.setTextWidth(-1)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(group))
        painter.save()
        rect = option.rect.adjusted(6, top, -4, 0)
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(SNIPPET_ROLE):
            size.setHeight(size.height() + option.fontMetrics.height() + 4)
        return size
