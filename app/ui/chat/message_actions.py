"""A message's actions as small icon buttons floating over its top-right corner.

The bar shows for the message under the mouse, and for the keyboard: in the transcript
Alt+Up / Alt+Down move from message to message and put focus on the bar; Left/Right (or
Tab) move between its buttons, Enter or Space presses one, C / E / R / Delete press copy,
edit, regenerate and delete directly, Esc goes back to the transcript. Pressing a button
emits `triggered(action, message_id)`; the view handles it like the footer's links.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from app.ui.common.icons import set_symbol
from app.ui.common.theme_qss import set_role

BAR_ACTIONS = ("copy", "edit", "regenerate", "delete")
LABELS = {
    "copy": ("Copy message", "C"),
    "edit": ("Edit message", "E"),
    "regenerate": ("Regenerate reply", "R"),
    "delete": ("Delete message", "Del"),
}
KEYS: dict[int, str] = {
    Qt.Key.Key_C.value: "copy",
    Qt.Key.Key_E.value: "edit",
    Qt.Key.Key_R.value: "regenerate",
    Qt.Key.Key_Delete.value: "delete",
}


class MessageActionBar(QFrame):
    triggered = Signal(str, int)  # action, message id
    dismissed = Signal()  # Esc: focus goes back to the transcript

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("message_actions")
        self.setAccessibleName("Message actions")
        self.message_id: int | None = None
        self.buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(3, 3, 3, 3)
        row.setSpacing(2)
        for name in BAR_ACTIONS:
            label, key = LABELS[name]
            button = QToolButton(self)
            button.setObjectName(f"message_{name}_button")
            button.setAccessibleName(label)
            button.setToolTip(f"{label} ({key})")
            button.setIconSize(QSize(16, 16))
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            set_role(button, "action")
            set_symbol(button, name, "muted")
            button.clicked.connect(lambda _c=False, n=name: self._press(n))
            row.addWidget(button)
            self.buttons[name] = button
        self.hide()

    def show_for(self, message_id: int, actions: Sequence[str], frame_rect: QRect) -> None:
        """Show the buttons of `actions` over the top-right corner of `frame_rect`."""
        self.message_id = message_id
        for name, button in self.buttons.items():
            button.setVisible(name in actions)
        self.adjustSize()
        parent = self.parentWidget()
        width = parent.width() if parent is not None else frame_rect.right()
        x = min(frame_rect.right() - self.width() - 4, width - self.width() - 4)
        y = max(2, frame_rect.top() - self.height() // 2)
        self.move(QPoint(max(2, x), y))
        self.raise_()
        self.show()

    def visible_buttons(self) -> list[QToolButton]:
        return [b for b in self.buttons.values() if not b.isHidden()]

    def focus_first(self) -> None:
        buttons = self.visible_buttons()
        if buttons:
            buttons[0].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _press(self, name: str) -> None:
        if self.message_id is not None:
            self.triggered.emit(name, self.message_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        buttons = self.visible_buttons()
        focused = next((i for i, b in enumerate(buttons) if b.hasFocus()), 0)
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and buttons:
            step = 1 if key == Qt.Key.Key_Right else -1
            buttons[(focused + step) % len(buttons)].setFocus()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and buttons:
            buttons[focused].click()
        elif key in KEYS and not event.modifiers() and self.buttons[KEYS[key]].isVisible():
            self.buttons[KEYS[key]].click()
        elif key == Qt.Key.Key_Escape:
            self.hide()
            self.dismissed.emit()
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab and Shift+Tab cycle inside the bar while it has focus."""
        buttons = self.visible_buttons()
        focused = next((i for i, b in enumerate(buttons) if b.hasFocus()), None)
        if focused is None or not buttons:
            return super().focusNextPrevChild(forward)
        buttons[(focused + (1 if forward else -1)) % len(buttons)].setFocus()
        return True
