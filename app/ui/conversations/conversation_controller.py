"""ConversationController: the conversation list's requests carried out on the store.

New, open, rename, delete (soft, with Undo), search by title and content, and export one
conversation to Markdown or JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QStandardPaths, Signal, SignalInstance
from PySide6.QtWidgets import QFileDialog, QWidget

from app.session import ChatSession
from app.store import ChatStore, suggested_filename
from app.store.export_tree import export_conversation
from app.store.search import SearchHit, SearchResult
from app.ui.conversations.conversation_list import ConversationList
from app.ui.conversations.search_runner import SearchRunner

EXPORT_FILTERS = {"md": "Markdown (*.md)", "json": "JSON (*.json)"}


class OpenChat(Protocol):
    """The conversation being shown (app.ui.chat's ChatController is one)."""

    session: ChatSession
    conversations_changed: SignalInstance

    def open(self, conversation_id: str) -> None: ...
    def new_conversation(self) -> None: ...
    def reveal_message(self, message_id: int, text: str) -> None: ...


class ConversationController(QObject):
    status = Signal(str)
    exported = Signal(str)  # the path written

    def __init__(
        self,
        store: ChatStore,
        chat: OpenChat,
        view: ConversationList,
        dialog_parent: QWidget,
    ) -> None:
        super().__init__(dialog_parent)
        self._store = store
        self._chat = chat
        self._view = view
        self._dialog_parent = dialog_parent
        self._hits: dict[str, SearchHit] = {}
        self.search_runner = SearchRunner(store.path, self)
        self.search_runner.finished.connect(self._on_search_runner_finished)
        self.search_runner.failed.connect(lambda error: self.status.emit(f"Search failed: {error}"))
        view.conversation_selected.connect(self.open)
        view.hit_selected.connect(self.open_hit)
        view.new_requested.connect(self.new)
        view.rename_requested.connect(self.rename)
        view.delete_requested.connect(self.delete)
        view.undo_delete_requested.connect(self.undo_delete)
        view.export_requested.connect(self.ask_export)
        view.search_changed.connect(lambda _query: self.refresh())
        chat.conversations_changed.connect(self.refresh)

    def refresh(self) -> None:
        """Show the list again: the first page of it, or the search run again off-thread."""
        if self._view.search.text().strip():
            self.search_runner.search(self._view.search.text())
        else:
            self._hits = {}
            self._view.show_list(self._chat.session.conversation_id)

    def _on_search_runner_finished(self, result: SearchResult) -> None:
        if result.query != self._view.search.text():
            return  # the box changed since; that query is on its way
        self._hits = {hit.conversation.id: hit for hit in result.hits}
        self._view.show_hits(result.hits, self._chat.session.conversation_id)
        if result.notice:  # recent messages only (1-2 characters), or indexing goes on
            self.status.emit(result.notice)

    def shutdown(self) -> None:
        self.search_runner.close()

    def start(self) -> None:
        """Open the most recent conversation, or a new one when there is none."""
        records = self._store.conversation_page(0, 1)
        if records:
            self._chat.open(records[0].id)
        else:
            self._chat.new_conversation()
        self.refresh()

    def open(self, conversation_id: str) -> None:
        self._chat.open(conversation_id)
        self.refresh()

    def open_hit(self, conversation_id: str, message_id: int) -> None:
        """Open a search hit's conversation, scrolled to the matching message."""
        self._chat.open(conversation_id)
        hit = self._hits.get(conversation_id)
        match = hit.snippet.match if hit is not None and hit.snippet is not None else ""
        self._chat.reveal_message(message_id, match)

    def new(self) -> None:
        self._view.search.clear()
        self._chat.new_conversation()
        self.refresh()

    def rename(self, conversation_id: str, title: str) -> None:
        self._store.rename(conversation_id, title)
        self.refresh()

    def delete(self, conversation_id: str) -> None:
        record = self._store.conversation(conversation_id)
        if record is None:
            return
        self._store.delete_conversation(conversation_id)
        if conversation_id == self._chat.session.conversation_id:
            remaining = self._store.conversation_page(0, 1)
            if remaining:
                self._chat.open(remaining[0].id)
            else:
                self._chat.new_conversation()
        self.refresh()
        self._view.show_undo(conversation_id, record.title)
        self.status.emit(f"Deleted “{record.title}”")

    def undo_delete(self, conversation_id: str) -> None:
        self._store.restore_conversation(conversation_id)
        self._chat.open(conversation_id)
        self.refresh()
        self.status.emit("Conversation restored")

    def ask_export(self, conversation_id: str, kind: str) -> None:
        """Ask where to save (a non-modal file dialog), then export."""
        record = self._store.conversation(conversation_id)
        if record is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        start = str(Path(folder or Path.home()) / suggested_filename(record, kind))
        dialog = QFileDialog(self._dialog_parent, "Export conversation", start)
        dialog.setObjectName("export_dialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(EXPORT_FILTERS[kind])
        dialog.setDefaultSuffix(kind)
        dialog.fileSelected.connect(lambda path: self.export(conversation_id, kind, Path(path)))
        dialog.open()

    def export(self, conversation_id: str, kind: str, path: Path) -> None:
        record = self._store.conversation(conversation_id)
        if record is None:
            return
        text = export_conversation(self._store, conversation_id, kind)  # JSON: the whole tree
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            self.status.emit(f"Could not export to {path}: {error.strerror or error}")
            return
        self.status.emit(f"Exported to {path}")
        self.exported.emit(str(path))
