"""Sending with documents: when the message has attachments or the conversation has
collections, the passages are retrieved on the documents worker first (the composer shows
"Reading your documents…"), then the turn starts with them; a failure puts the text back.
The attachments' token cost follows the loaded model (its tokenizer, half its context)."""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt

from app.chat.values import ModelInfo
from app.documents import index_db
from app.documents.values import DocumentTurn, SyncReport
from app.store import StoredMessage
from app.ui.chat.composer import Composer
from app.ui.chat.sources_html import document_sources
from app.ui.documents.folder_watch import FolderWatch
from app.ui.documents.workers import DocumentWorkers, EmbedderSwitch

MIN_WHOLE_BUDGET = 256  # tokens a whole file may always take, however small the context
SendNow = Callable[[str, DocumentTurn | None], bool]


class DocumentSender(QObject):
    def __init__(
        self,
        composer: Composer,
        conversation: Callable[[], str | None],
        status: Callable[[str], None],
        workers: DocumentWorkers | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workers = workers or DocumentWorkers()
        self._composer = composer
        self._conversation = conversation
        self._status = status
        self.preparing = False
        self.last_dialog: QObject | None = None
        self.bar = composer.attachments
        self.bar.workers = self.workers
        self.bar.documents_requested.connect(self.show_collections)
        self.watch = FolderWatch(self.workers, self)
        self.watch.reindexed.connect(self._on_watch_reindexed)
        if index_db.index_path().exists():
            self.watch.refresh()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.workers.pause.set)  # indexing stops at the next file

    def set_model(self, info: ModelInfo | None) -> None:
        """Count with this model's tokenizer (a local file) against half its context."""
        local = info is not None and not info.is_remote and os.path.isfile(info.path)
        self.workers.set_model(info.path if info is not None and local else None)
        if info is not None and info.context_size:
            self.bar.budget_tokens = max(MIN_WHOLE_BUDGET, info.context_size // 2)
        self.bar.replan()

    def use_embedder(self, path: str | None) -> None:
        """Search documents with this embedding GGUF (None: the built-in WordLlama)."""
        self.workers.use_embedder(path, self, self._on_embedder_switched)

    def _on_embedder_switched(self, switch: EmbedderSwitch) -> None:
        if switch.note:
            self._status(switch.note)
        elif switch.reembedded:
            self._status(f"Documents embedded again: {switch.reembedded} passages")

    def shutdown(self) -> None:
        """End the documents workers and close the index (the window is closing)."""
        self.workers.shutdown()

    def wants(self) -> bool:
        return bool(self.bar.paths) or self.workers.has_collections(self._conversation())

    def send(self, text: str, send_now: SendNow) -> bool:
        """Retrieve, then `send_now(text, turn)` on the GUI thread. True: under way."""
        if self.preparing:
            return False
        self.preparing = True
        paths = self.bar.paths
        self._composer.set_generating(True)
        self._status("Reading your documents…")

        def done(turn: DocumentTurn) -> None:
            self.preparing = False
            self._composer.set_generating(False)
            if send_now(text, turn):
                self.bar.clear()
                found = len(turn.sources)
                self._status(f"Answering from {found} passage(s) of your documents")
            elif not self._composer.edit.toPlainText():
                self._composer.edit.setPlainText(text)

        def failed(error: Exception) -> None:
            self.preparing = False
            self._composer.set_generating(False)
            if not self._composer.edit.toPlainText():
                self._composer.edit.setPlainText(text)
            self._status(f"Your documents could not be read: {error}")

        self.workers.turn(
            self, text, paths, self._conversation(), self.bar.budget_tokens, done, failed
        )
        return True

    def show_sources(self, message: StoredMessage | None) -> None:
        from app.ui.documents.sources_dialog import SourcesDialog

        sources = document_sources(message)
        if sources:
            dialog = SourcesDialog(list(sources), self._composer.window())
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.last_dialog = dialog
            dialog.open()

    def show_collections(self) -> None:
        from app.ui.documents.documents_dialog import DocumentsDialog

        dialog = DocumentsDialog(self.workers, self._conversation(), self._composer.window())
        dialog.finished.connect(self.watch.refresh)
        self.last_dialog = dialog
        dialog.open()

    def _on_watch_reindexed(self, report: SyncReport) -> None:
        if report.added or report.updated or report.removed:
            self._status(
                f"Documents re-indexed: {report.added} new, {report.updated} changed, "
                f"{report.removed} removed"
            )
