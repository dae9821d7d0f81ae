"""The model picker's list rows as two lines: the model's name, then size · quantization.

A model row's text is "name — details" (`describe_model`); the delegate splits it at the
dash and draws the details smaller and muted below the name. Headers, actions and rows
without details stay one line.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex
SEPARATOR = " — "
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def split_label(text: str) -> tuple[str, str]:
    """("SmolLM2 135M", "135M · Q4_1 · 98 MB") from "SmolLM2 135M — 135M · Q4_1 · 98 MB"."""
    name, _, details = text.partition(SEPARATOR)
    return name, details


class ModelItemDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        name, details = split_label(str(index.data() or ""))
        if not details:
            super().paint(painter, option, index)
            return
        styled = QStyleOptionViewItem(option)
        self.initStyleOption(styled, index)
        styled.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, styled, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        muted_role = text_role if selected else QPalette.ColorRole.PlaceholderText
        rect = option.rect.adjusted(10, 4, -8, -4)
        line = option.fontMetrics.height()
        painter.save()
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        painter.setFont(bold)
        painter.setPen(option.palette.color(text_role))
        first = QRect(rect.left(), rect.top(), rect.width(), line)
        painter.drawText(first, _LEFT, painter.fontMetrics().elidedText(name, _ELIDE, rect.width()))
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
        painter.setFont(small)
        painter.setPen(option.palette.color(muted_role))
        second = QRect(rect.left(), rect.top() + line + 2, rect.width(), line)
        painter.drawText(second, _LEFT, details)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        base = super().sizeHint(option, index)
        _name, details = split_label(str(index.data() or ""))
        if not details:
            return QSize(base.width(), max(base.height(), option.fontMetrics.height() + 10))
        return QSize(base.width(), 2 * option.fontMetrics.height() + 12)


_ELIDE = Qt.TextElideMode.ElideRight
