"""The composer: a multi-line box, Send and Stop.

Enter or Ctrl+Enter sends, Shift+Enter starts a new line, Esc stops a running reply. Send is
disabled while no model is loaded or a reply is running; Stop only shows while one runs.
When a message is being edited, a bar above the box says so and offers Cancel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.chat.attachments_bar import AttachmentsBar

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ComposerEdit(QPlainTextEdit):
    """The text box; it turns key presses into requests."""

    submit_requested = Signal()
    stop_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        if key in _ENTER_KEYS and not modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.submit_requested.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.stop_requested.emit()
            return
        super().keyPressEvent(event)


class Composer(QWidget):
    send_requested = Signal(str)  # the text to send (a new message, or an edit when editing)
    stop_requested = Signal()
    edit_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer_panel")
        self._model_loaded = False
        self._generating = False
        self.editing_message_id: int | None = None

        self.edit = ComposerEdit(self)
        self.edit.setObjectName("composer")
        self.edit.setAccessibleName("Message")
        self.edit.setPlaceholderText("Write a message… (Enter sends, Shift+Enter for a new line)")
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(56)
        self.edit.setMaximumHeight(110)
        self.send_button = self._button("send_button", "Send", "Send the message (Enter)")
        self.stop_button = self._button("stop_button", "Stop", "Stop the reply (Esc)")
        self.edit_label = QLabel(self)
        self.edit_label.setObjectName("editing_label")
        self.cancel_edit_button = self._button(
            "cancel_edit_button", "Cancel edit", "Keep the message as it was"
        )
        self.token_label = QLabel(self)
        self.token_label.setObjectName("composer_token_count")
        self.token_label.setAccessibleName("Message length in tokens")
        self.token_label.setToolTip(
            "How many tokens this message is, and how full the context window will be with it"
        )
        self.token_label.setStyleSheet("color: gray;")
        self.token_label.hide()
        self.attachments = AttachmentsBar(self)  # documents: attach, drop or paste a path
        self.attachments.install_on(self.edit)
        self._layout()
        self.edit.submit_requested.connect(self.submit)
        self.edit.stop_requested.connect(self.escape)
        self.edit.textChanged.connect(self._update)
        self.send_button.clicked.connect(self.submit)
        self.stop_button.clicked.connect(self.stop_requested)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self._update()

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        return button

    def _layout(self) -> None:
        edit_bar = QHBoxLayout()
        edit_bar.addWidget(self.edit_label, 1)
        edit_bar.addWidget(self.cancel_edit_button)
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(edit_bar)
        outer.addLayout(row)
        outer.addWidget(self.token_label)
        outer.addWidget(self.attachments)

    # -- state ---------------------------------------------------------------------------
    def set_model_loaded(self, loaded: bool) -> None:
        self._model_loaded = loaded
        self._update()

    def show_token_count(self, text: str) -> None:
        self.token_label.setText(text)
        self.token_label.setVisible(bool(text))

    def set_generating(self, generating: bool) -> None:
        self._generating = generating
        self._update()

    @property
    def can_send(self) -> bool:
        has_text = bool(self.edit.toPlainText().strip())
        return self._model_loaded and not self._generating and has_text

    def _update(self) -> None:
        self.send_button.setEnabled(self.can_send)
        self.stop_button.setVisible(self._generating)
        self.stop_button.setEnabled(self._generating)
        editing = self.editing_message_id is not None
        self.edit_label.setVisible(editing)
        self.cancel_edit_button.setVisible(editing)
        if not self._model_loaded:
            self.send_button.setToolTip("Load a model first (model picker in the toolbar)")
        else:
            self.send_button.setToolTip("Send the message (Enter)")

    # -- actions -------------------------------------------------------------------------
    def submit(self) -> None:
        if not self.can_send:
            return
        text = self.edit.toPlainText()
        self.edit.clear()
        self.send_requested.emit(text)

    def start_edit(self, message_id: int, text: str) -> None:
        """Put a sent message back in the box; sending replaces it and every later turn."""
        self.editing_message_id = message_id
        self.edit_label.setText("Editing a message: sending replaces it and everything after it.")
        self.edit.setPlainText(text)
        self.edit.setFocus()
        self._update()

    def cancel_edit(self) -> None:
        if self.editing_message_id is None:
            return
        self.editing_message_id = None
        self.edit.clear()
        self._update()
        self.edit_cancelled.emit()

    def finish_edit(self) -> None:
        self.editing_message_id = None
        self._update()

    def escape(self) -> None:
        """Esc: stop the reply if one runs, else leave editing."""
        if self._generating:
            self.stop_requested.emit()
        elif self.editing_message_id is not None:
            self.cancel_edit()
