"""WelcomeDialog: the first-run welcome, and offer_welcome() which wires it to the window.

It offers the bundled default model (already loading, ready at once) or the download
dialog; when no model is installed at all it offers the download dialog or a GGUF file
already on disk, so there is always a way forward. It is shown until the person makes a
choice (or closes it while a model exists); then settings.welcome_done is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.common.icons import app_icon

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow

GGUF_FILTER = "GGUF models (*.gguf);;All files (*)"


def describe_model_file(path: str) -> str:
    """'SmolLM2-135M-Instruct (Q4_1, 98 MB)' from a GGUF file name and size."""
    file = Path(path)
    name, _, quant = file.name.removesuffix(".gguf").partition(".")
    size_mb = file.stat().st_size / 1e6 if file.is_file() else 0.0
    details = ", ".join(part for part in (quant, f"{size_mb:.0f} MB" if size_mb else "") if part)
    return f"{name} ({details})" if details else name


class WelcomeDialog(QDialog):
    default_model_requested = Signal(str)  # path of the bundled model
    download_requested = Signal()
    model_file_requested = Signal(str)  # a GGUF file the person picked

    def __init__(self, default_model: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome_dialog")
        self.setWindowTitle("Welcome to Hearth")
        self.setWindowIcon(app_icon())
        self.default_model = default_model
        self.choice: str | None = None  # "default", "download", "file" once one was made
        self.file_dialog: QFileDialog | None = None
        self.message = QLabel(self._text(), self)
        self.message.setObjectName("welcome_message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.start_button = self._button("welcome_start_button", "Start chatting")
        self.download_button = self._button("welcome_download_button", "Download a model…")
        self.file_button = self._button("welcome_file_button", "Open a GGUF file…")
        self.later_button = self._button("welcome_later_button", "Later")
        self.start_button.setVisible(default_model is not None)
        self.later_button.setVisible(default_model is None)
        default = self.start_button if default_model else self.download_button
        default.setDefault(True)
        self._lay_out()
        self.start_button.clicked.connect(self._on_start_clicked)
        self.download_button.clicked.connect(self._on_download_clicked)
        self.file_button.clicked.connect(self.choose_file)
        self.later_button.clicked.connect(self.reject)

    def _text(self) -> str:
        intro = (
            "<h2>Welcome to Hearth</h2><p>Hearth runs language models on this computer. "
            "Nothing you type leaves it.</p>"
        )
        if self.default_model:
            return intro + (
                f"<p>A small starter model is included: <b>"
                f"{describe_model_file(self.default_model)}</b>. It is ready now: fast, "
                "and fine for trying things out.</p><p>For better answers, download a bigger "
                "model (1–5 GB, the internet is needed once) or open a GGUF file you have.</p>"
            )
        return intro + (
            "<p><b>No model is installed yet.</b> Download one (1–5 GB, the internet is "
            "needed once), or open a GGUF model file you already have.</p>"
        )

    def _button(self, name: str, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        return button

    def _lay_out(self) -> None:
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(64, 64))
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.message, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addWidget(self.file_button)
        buttons.addStretch(1)
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.start_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addLayout(buttons)
        self.setMinimumWidth(520)

    # -- choices ---------------------------------------------------------------------
    def _on_start_clicked(self) -> None:
        self.choice = "default"
        if self.default_model:
            self.default_model_requested.emit(self.default_model)
        self.accept()

    def _on_download_clicked(self) -> None:
        self.choice = "download"
        self.download_requested.emit()
        self.accept()

    def choose_file(self) -> QFileDialog:
        """Open a file chooser (non-blocking); picking a file finishes the welcome."""
        chooser = QFileDialog(self, "Open a GGUF model file", str(Path.home()), GGUF_FILTER)
        chooser.setObjectName("welcome_file_dialog")
        chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.fileSelected.connect(self._on_file_selected)
        chooser.finished.connect(chooser.deleteLater)
        self.file_dialog = chooser
        chooser.open()
        return chooser

    def _on_file_selected(self, path: str) -> None:
        if not path:
            return
        self.choice = "file"
        self.model_file_requested.emit(path)
        self.accept()


def offer_welcome(window: MainWindow) -> WelcomeDialog | None:
    """On first run, show the welcome over `window` and wire its choices; else None."""
    if window.settings.welcome_done:
        return None
    dialog = WelcomeDialog(window.default_model, window)
    dialog.default_model_requested.connect(lambda path: _use_default(window, path))
    dialog.download_requested.connect(window.window_actions.open_downloads)
    dialog.model_file_requested.connect(window.load_model)
    dialog.finished.connect(lambda _result: _on_welcome_finished(window, dialog))
    dialog.open()
    return dialog


def _use_default(window: MainWindow, path: str) -> None:
    """The window loads the default model at start; load it only if that did not happen."""
    info = window.models.info
    if not window.models.loading and (info is None or info.path != path):
        window.load_model(path)


def _on_welcome_finished(window: MainWindow, dialog: WelcomeDialog) -> None:
    # Dismissed with no model anywhere: offer the welcome again next time (no dead end).
    if dialog.choice is not None or dialog.default_model is not None:
        window.apply_settings(window.settings.with_changes(welcome_done=True))
    dialog.deleteLater()
