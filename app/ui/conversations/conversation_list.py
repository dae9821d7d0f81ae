"""The conversation list: search, New, and per-conversation rename/delete/export.

It only shows records and turns gestures into requests; the window does the work. A
deleted conversation can be brought back with Undo for a while.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.store import ConversationRecord

ID_ROLE = Qt.ItemDataRole.UserRole
UNDO_SECONDS = 12
SEARCH_DELAY_MS = 200


class ConversationList(QWidget):
    conversation_selected = Signal(str)
    new_requested = Signal()
    rename_requested = Signal(str, str)  # id, new title
    delete_requested = Signal(str)
    undo_delete_requested = Signal(str)
    export_requested = Signal(str, str)  # id, "md" | "json"
    search_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation_list_panel")
        self._filling = False
        self._undo_id: str | None = None
        self.search = QLineEdit(self)
        self.search.setObjectName("conversation_search")
        self.search.setAccessibleName("Search conversations")
        self.search.setPlaceholderText("Search chats (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton("New chat", self)
        self.new_button.setObjectName("new_conversation_button")
        self.new_button.setAccessibleName("New chat")
        self.new_button.setToolTip("Start a new conversation (Ctrl+N)")
        self.list = QListWidget(self)
        self.list.setObjectName("conversation_list")
        self.list.setAccessibleName("Conversations")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.setEditTriggers(QListWidget.EditTrigger.EditKeyPressed)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(True)
        self.undo_label = QLabel(self)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.setObjectName("undo_delete_button")
        self.undo_button.setAccessibleName("Undo delete")
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self.hide_undo)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self._layout()
        self._connect()
        self.hide_undo()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        undo = QHBoxLayout()
        undo.addWidget(self.undo_label, 1)
        undo.addWidget(self.undo_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(top)
        outer.addWidget(self.list, 1)
        outer.addLayout(undo)

    def _connect(self) -> None:
        self.new_button.clicked.connect(self.new_requested)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.list.customContextMenuRequested.connect(self._on_list_context_menu)
        self.undo_button.clicked.connect(self._on_undo_clicked)

    # -- contents ------------------------------------------------------------------------
    def set_conversations(
        self, records: Sequence[ConversationRecord], current_id: str | None
    ) -> None:
        self._filling = True
        try:
            self.list.clear()
            for record in records:
                item = QListWidgetItem(record.title)
                item.setData(ID_ROLE, record.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(record.updated_at))
                item.setToolTip(f"{record.title}\nLast message: {when}")
                self.list.addItem(item)
                if record.id == current_id:
                    self.list.setCurrentItem(item)
        finally:
            self._filling = False

    def ids(self) -> list[str]:
        return [str(self.list.item(row).data(ID_ROLE)) for row in range(self.list.count())]

    def titles(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def start_rename(self, conversation_id: str) -> None:
        item = self._item(conversation_id)
        if item is not None:
            self.list.editItem(item)

    def show_undo(self, conversation_id: str, title: str) -> None:
        self._undo_id = conversation_id
        self.undo_label.setText(f"Deleted “{title}”.")
        self.undo_label.setVisible(True)
        self.undo_button.setVisible(True)
        self._undo_timer.start(UNDO_SECONDS * 1000)

    def hide_undo(self) -> None:
        self._undo_id = None
        self.undo_label.setVisible(False)
        self.undo_button.setVisible(False)

    def _item(self, conversation_id: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(ID_ROLE) == conversation_id:
                return item
        return None

    # -- handlers ------------------------------------------------------------------------
    def _on_list_current_item_changed(self, current: QListWidgetItem | None, _prev: object) -> None:
        if current is not None and not self._filling:
            self.conversation_selected.emit(str(current.data(ID_ROLE)))

    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        if not self._filling and item.text().strip():
            self.rename_requested.emit(str(item.data(ID_ROLE)), item.text())

    def _on_undo_clicked(self) -> None:
        if self._undo_id is not None:
            conversation_id = self._undo_id
            self.hide_undo()
            self.undo_delete_requested.emit(conversation_id)

    def _on_list_context_menu(self, point: QPoint) -> None:
        item = self.list.itemAt(point)
        if item is None:
            return
        conversation_id = str(item.data(ID_ROLE))
        menu = QMenu(self)
        menu.addAction("Rename", lambda: self.list.editItem(item))
        menu.addAction(
            "Export as Markdown…", lambda: self.export_requested.emit(conversation_id, "md")
        )
        menu.addAction(
            "Export as JSON…", lambda: self.export_requested.emit(conversation_id, "json")
        )
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.delete_requested.emit(conversation_id))
        menu.popup(self.list.viewport().mapToGlobal(point))
