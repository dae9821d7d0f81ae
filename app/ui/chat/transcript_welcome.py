"""What an empty chat shows: a short welcome with three example prompts, or, while no model
is loaded, what to do about it and the button that does it.

Clicking a prompt emits `prompt_chosen(text)` (the window puts it in the composer); the
button emits `download_requested`. `text()` is the sentence a screen reader reads first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui.common.theme_qss import set_role

EMPTY_CHAT_HINT = (
    "Type a message below and press Enter to send it (Shift+Enter starts a new line). "
    "Everything stays on this computer."
)
NO_MODEL_HINT = (
    "No model is loaded yet. Download a small one to start, or pick a model you have "
    "in the toolbar's model list."
)
COLUMN_WIDTH = 480  # the welcome's text and prompts, in pixels
EXAMPLE_PROMPTS = (
    "Explain how a fireplace heats a room, step by step.",
    "Write a Python function that reverses a string.",
    "Plan a packing list for a weekend hike.",
)


class WelcomePanel(QWidget):
    prompt_chosen = Signal(str)
    download_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("empty_chat_hint")
        self.setAccessibleName("How to start")
        self._model_loaded = True
        self.heading = QLabel("What shall we talk about?", self)
        self.heading.setObjectName("welcome_heading")
        set_role(self.heading, "heading")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel(EMPTY_CHAT_HINT, self)
        self.hint.setObjectName("welcome_hint")
        self.hint.setWordWrap(True)
        self.hint.setFixedWidth(COLUMN_WIDTH)  # a wrapped label needs a width to grow tall
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.hint, "muted")
        self.prompts: list[QPushButton] = []
        for number, text in enumerate(EXAMPLE_PROMPTS, start=1):
            button = QPushButton(text, self)
            button.setObjectName(f"example_prompt_{number}")
            button.setAccessibleName(f"Example: {text}")
            button.setToolTip("Put this prompt in the message box")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setMinimumWidth(COLUMN_WIDTH - 80)
            set_role(button, "prompt")
            button.clicked.connect(lambda _c=False, t=text: self.prompt_chosen.emit(t))
            self.prompts.append(button)
        self.download_button = QPushButton("Download a model", self)
        self.download_button.setObjectName("welcome_download_button")
        self.download_button.setAccessibleName("Download a model")
        set_role(self.download_button, "primary")
        self.download_button.clicked.connect(self.download_requested)
        self._layout()
        self.set_model_loaded(True)

    def _layout(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(32, 24, 32, 24)
        column.setSpacing(10)
        column.addStretch(2)
        column.addWidget(self.heading)
        column.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(8)
        for button in self.prompts:
            column.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.download_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(3)

    def text(self) -> str:
        return self.hint.text()

    def set_model_loaded(self, loaded: bool) -> None:
        """Without a model the prompts make no sense: say what to do, with its button."""
        self._model_loaded = loaded
        self.heading.setText("What shall we talk about?" if loaded else "Welcome to Hearth")
        self.hint.setText(EMPTY_CHAT_HINT if loaded else NO_MODEL_HINT)
        self.hint.setMinimumHeight(self.hint.heightForWidth(COLUMN_WIDTH))  # all its lines
        for button in self.prompts:
            button.setVisible(loaded)
        self.download_button.setVisible(not loaded)

    @property
    def model_loaded(self) -> bool:
        return self._model_loaded
