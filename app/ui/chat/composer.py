"""The composer: one rounded card holding the text box, the token count and Send/Stop.

Enter or Ctrl+Enter sends, Shift+Enter starts a new line, Esc stops a running reply. Send is
disabled while no model is loaded or a reply is running; while one runs the round Send
button gives its place to Stop. The box grows with its text up to MAX_LINES. When a message
is being edited, a bar above the card says so and offers Cancel. `tools` is the card's
left-hand slot (a QHBoxLayout) for buttons other features add (attachments).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.chat.attachments_bar import AttachmentsBar
from app.ui.common.icons import set_symbol
from app.ui.common.theme_qss import set_role

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
MIN_LINES = 2
MAX_LINES = 10  # the box grows with its text up to this, then scrolls


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
        self.edit.setFrameShape(QFrame.Shape.NoFrame)
        self.card = QFrame(self)
        self.card.setObjectName("composer_card")
        self.send_button = self._round("send_button", "Send", "send", "Send the message (Enter)")
        self.stop_button = self._round("stop_button", "Stop", "stop", "Stop the reply (Esc)")
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
        self.token_label.hide()
        self.attachments = AttachmentsBar(self)  # documents: attach, drop or paste a path
        self.attachments.install_on(self.edit)
        self._layout()
        self.edit.submit_requested.connect(self.submit)
        self.edit.stop_requested.connect(self.escape)
        self.edit.textChanged.connect(self._update)
        self.edit.textChanged.connect(self._fit_height)
        self.edit.installEventFilter(self)
        self.send_button.clicked.connect(self.submit)
        self.stop_button.clicked.connect(self.stop_requested)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self._update()
        self._fit_height()

    def _round(self, name: str, text: str, icon: str, tip: str) -> QToolButton:
        """A round icon button (Send, Stop) with its name for screen readers."""
        button = QToolButton(self.card)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        button.setText(text)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        button.setIconSize(QSize(18, 18))
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_role(button, "send")
        set_symbol(button, icon, "on_accent")
        return button

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
        self.tools = QHBoxLayout()  # the left-hand slot for other features' buttons
        self.tools.setSpacing(4)
        self.tools.addWidget(self.attachments)  # documents: 📎, 📚 and what is attached
        bottom = QHBoxLayout()
        bottom.addLayout(self.tools)
        bottom.addStretch(1)
        bottom.addWidget(self.token_label)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.stop_button)
        inside = QVBoxLayout(self.card)
        inside.setContentsMargins(12, 8, 8, 8)
        inside.setSpacing(4)
        inside.addWidget(self.edit)
        inside.addLayout(bottom)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 4, 16, 12)
        outer.addLayout(edit_bar)
        outer.addWidget(self.card)

    def add_tool(self, button: QAbstractButton) -> None:
        """Put a feature's button (attachments) in the card's left-hand slot."""
        button.setParent(self.card)
        self.tools.addWidget(button)
        button.show()

    def _fit_height(self) -> None:
        """The box as tall as its text, between MIN_LINES and MAX_LINES lines."""
        layout = self.edit.document().documentLayout()
        lines = max(MIN_LINES, min(MAX_LINES, round(layout.documentSize().height())))
        metrics = self.edit.fontMetrics()
        margins = self.edit.contentsMargins()
        frame = 2 * self.edit.document().documentMargin()
        height = lines * metrics.lineSpacing() + frame + margins.top() + margins.bottom()
        self.edit.setFixedHeight(int(height) + 2)
        full = round(layout.documentSize().height()) > MAX_LINES
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded if full else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.edit.setVerticalScrollBarPolicy(policy)

    @property
    def visible_lines(self) -> int:
        """How many lines tall the box is now (tests)."""
        layout = self.edit.document().documentLayout()
        return max(MIN_LINES, min(MAX_LINES, round(layout.documentSize().height())))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The card's border follows the box's focus (the style sheet's [focused=true])."""
        if watched is self.edit and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.card.setProperty("focused", event.type() == QEvent.Type.FocusIn)
            set_role(self.card, "")
        elif watched is self.edit and event.type() == QEvent.Type.Resize:
            self._fit_height()
        return super().eventFilter(watched, event)

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
        self.send_button.setVisible(not self._generating)  # Send turns into Stop
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

    def put_text(self, text: str) -> None:
        """Fill the box (an example prompt from the welcome) and put the cursor after it."""
        self.edit.setPlainText(text)
        self.edit.moveCursor(QTextCursor.MoveOperation.End)
        self.edit.setFocus()

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
