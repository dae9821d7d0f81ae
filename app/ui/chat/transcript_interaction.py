"""What the transcript does with the mouse and the keyboard, and with its links.

A base class of TranscriptView (kept apart so each file has one job): painting the user
bubbles under the text, the floating message action bar on hover and for Alt+Up/Alt+Down,
and the `hearth:` links (copy, edit, regenerate, delete, thinking, earlier, copy-code).
Nothing is ever loaded from the network: loadResource refuses everything, and links open
(http/https only) when clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QTextFrame,
)
from PySide6.QtWidgets import QTextBrowser

from app.store import StoredMessage
from app.ui.chat.markdown_render import COPY_CODE_SCHEME, is_safe_link
from app.ui.chat.message_html import ACTION_SCHEME, actions_for
from app.ui.chat.transcript_hover import MessageHover
from app.ui.chat.transcript_layout import TranscriptLayout
from app.ui.chat.transcript_window import EARLIER, LATER


class TranscriptInteraction(QTextBrowser):
    action_requested = Signal(str, int)  # "edit" | "regenerate" | "delete", message id
    copied = Signal(str)  # a short description of what went to the clipboard

    _frames: dict[int, QTextFrame]
    _messages: list[StoredMessage]
    _codes: dict[str, str]
    _shape: TranscriptLayout
    hover: MessageHover
    open_url: Callable[[QUrl], Any]

    def _last_reply_id(self) -> int | None:
        raise NotImplementedError

    def show_earlier(self) -> None:
        raise NotImplementedError

    def show_later(self) -> None:
        raise NotImplementedError

    def toggle_thinking(self, message_id: int) -> None:
        raise NotImplementedError

    def paintEvent(self, event: QPaintEvent) -> None:
        """The person's bubbles first (rounded, tinted), then the text over them."""
        painter = QPainter(self.viewport())
        dx = self.horizontalScrollBar().value()
        self._shape.paint_bubbles(painter, event.rect(), self.verticalScrollBar().value(), dx)
        painter.end()
        super().paintEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.hover.refresh()

    # -- message actions by mouse and keyboard (the floating bar) ------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        self.hover.hover(event.position().toPoint())

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        bar = self.hover.bar
        focused = any(b.hasFocus() for b in bar.buttons.values())
        if not bar.underMouse() and not focused:
            self.hover.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Alt+Up / Alt+Down: to the previous / next message, with its actions."""
        alt = event.modifiers() == Qt.KeyboardModifier.AltModifier
        if alt and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.hover.step(event.key() == Qt.Key.Key_Down)
            return
        super().keyPressEvent(event)

    def _ordered_frames(self) -> dict[int, QTextFrame]:
        items = sorted(self._frames.items(), key=lambda item: item[1].firstPosition())
        return dict(items)

    def _actions_of(self, message_id: int) -> tuple[str, ...]:
        found = next((m for m in self._messages if m.id == message_id), None)
        return actions_for(found, message_id == self._last_reply_id()) if found else ()

    def _on_bar_triggered(self, action: str, message_id: int) -> None:
        self._on_anchor_clicked(QUrl(f"{ACTION_SCHEME}:{action}/{message_id}"))

    # -- links and resources -------------------------------------------------------------
    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        """Refuse every resource: rendered Markdown never loads anything."""
        return None

    def _on_anchor_clicked(self, url: QUrl) -> None:
        link = url.toString()
        if link == EARLIER:
            self.show_earlier()
        elif link == LATER:
            self.show_later()
        elif link.startswith(COPY_CODE_SCHEME):
            self._copy(self._codes.get(link.removeprefix(COPY_CODE_SCHEME)), "Code copied")
        elif link.startswith(f"{ACTION_SCHEME}:"):
            action, _, ident = link.removeprefix(f"{ACTION_SCHEME}:").partition("/")
            if not ident.isdigit():
                return
            found = next((m for m in self._messages if m.id == int(ident)), None)
            if action == "copy":
                self._copy(found.content if found else None, "Message copied")
            elif action == "copythinking":
                self._copy(found.thinking if found else None, "Thinking copied")
            elif action == "thinking":
                self.toggle_thinking(int(ident))
            else:
                self.action_requested.emit(action, int(ident))
        elif is_safe_link(link):
            self.open_url(url)

    def _copy(self, text: str | None, what: str) -> None:
        if text is None:
            return
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)
        self.copied.emit(what)
