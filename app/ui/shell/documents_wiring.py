"""DocumentsWiring: the documents feature follows the window, kept out of MainWindow.

The loaded model sets how attachments are counted (its tokenizer, half its context); the
person's choice in Settings sets the embedder (the built-in WordLlama or an embedding GGUF,
which embeds the index again); closing the window ends the documents workers and closes
the index.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.settings import Settings
from app.ui.chat.attachments_send import DocumentSender
from app.ui.models.model_controller import ModelController
from app.ui.shell.settings_controller import SettingsController


class DocumentsWiring(QObject):
    def __init__(
        self,
        sender: DocumentSender,
        models: ModelController,
        settings: SettingsController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sender = sender
        models.loaded.connect(sender.set_model)
        settings.applied.connect(self._on_settings_applied)
        sender.use_embedder(settings.settings.documents_embedder or None)

    def _on_settings_applied(self, old: Settings, new: Settings) -> None:
        if new.documents_embedder != old.documents_embedder:
            self._sender.use_embedder(new.documents_embedder or None)

    def shutdown(self) -> None:
        self._sender.shutdown()
