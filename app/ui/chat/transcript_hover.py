"""Which message the mouse (or the keyboard) is on, and the action bar placed over it.

`MessageHover` maps a point in the transcript's viewport to a message frame (through the
document layout), shows the `MessageActionBar` over that frame, and steps from message to
message for Alt+Up / Alt+Down. It reads the view's frames through `frames()`, a mapping of
message id to QTextFrame in document order, and asks `actions(message_id)` which actions a
message has (the same ones its footer links offer).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QTextFrame
from PySide6.QtWidgets import QTextBrowser

from app.ui.chat.message_actions import MessageActionBar


class MessageHover:
    def __init__(
        self,
        view: QTextBrowser,
        frames: Callable[[], dict[int, QTextFrame]],
        actions: Callable[[int], Sequence[str]],
    ) -> None:
        self._view = view
        self._frames = frames
        self._actions = actions
        self.bar = MessageActionBar(view.viewport())
        self.current: int | None = None  # the message the bar is over
        self.bar.dismissed.connect(self._on_bar_dismissed)

    def message_at(self, point: QPoint) -> int | None:
        """The id of the message whose frame holds `point` (viewport pixels)."""
        position = self._view.cursorForPosition(point).position()
        for message_id, frame in self._frames().items():
            if frame.firstPosition() <= position <= frame.lastPosition():
                return message_id
        return None

    def frame_rect(self, message_id: int) -> QRect | None:
        """Where a message's frame is in the viewport (its bubble for the person's)."""
        frame = self._frames().get(message_id)
        if frame is None:
            return None
        layout = self._view.document().documentLayout()
        rect = layout.frameBoundingRect(frame)
        margin = frame.frameFormat().leftMargin()
        bar = self._view.verticalScrollBar().value()
        dx = self._view.horizontalScrollBar().value()
        return rect.adjusted(margin, 0, 0, 0).translated(-dx, -bar).toRect()

    def hover(self, point: QPoint) -> None:
        """The mouse moved: follow it (the bar stays while it has keyboard focus)."""
        if self.bar.isVisible() and self.bar.geometry().contains(point):
            return
        message_id = self.message_at(point)
        if message_id is None:
            if not self._bar_has_focus():
                self.hide()
            return
        if message_id != self.current or not self.bar.isVisible():
            self.show(message_id)

    def show(self, message_id: int) -> bool:
        actions = self._actions(message_id)
        rect = self.frame_rect(message_id)
        if rect is None or not actions:
            self.hide()
            return False
        self.current = message_id
        self.bar.show_for(message_id, actions, rect)
        return True

    def hide(self) -> None:
        self.bar.hide()
        self.current = None

    def step(self, forward: bool) -> int | None:
        """Alt+Down / Alt+Up: the next or previous message gets the bar and the focus."""
        ids = list(self._frames())
        if not ids:
            return None
        if self.current in ids:
            index = ids.index(self.current) + (1 if forward else -1)
        else:
            index = 0 if forward else len(ids) - 1
        index = max(0, min(len(ids) - 1, index))
        message_id = ids[index]
        self._scroll_to(message_id)
        if self.show(message_id):
            self.bar.focus_first()
        return message_id

    def refresh(self) -> None:
        """The layout moved (scrolling, new text): keep the bar on its message."""
        if self.current is not None and self.bar.isVisible() and not self.show(self.current):
            self.hide()

    def _scroll_to(self, message_id: int) -> None:
        rect = self.frame_rect(message_id)
        if rect is None:
            return
        viewport = self._view.viewport().rect()
        if rect.top() < 0 or rect.top() > viewport.bottom() - 40:
            bar = self._view.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - 24)

    def _bar_has_focus(self) -> bool:
        return any(b.hasFocus() for b in self.bar.buttons.values())

    def _on_bar_dismissed(self) -> None:
        self.current = None
        self._view.setFocus()
