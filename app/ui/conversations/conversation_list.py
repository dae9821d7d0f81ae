"""The conversation list: search, New, and per-conversation rename/delete/export.

It only shows records and turns gestures into requests; the window does the work. A
deleted conversation can be brought back with Undo for a while.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.store.search import SearchHit
from app.ui.common.icons import set_symbol, symbol
from app.ui.conversations.conversation_delegate import ConversationDelegate
from app.ui.conversations.conversation_item_model import (
    ID_ROLE,
    MESSAGE_ROLE,
    ConversationItemModel,
    PageLoader,
)

UNDO_SECONDS = 12
SEARCH_DELAY_MS = 200


class ConversationList(QWidget):
    conversation_selected = Signal(str)
    hit_selected = Signal(str, int)  # conversation id, the matching message's id
    new_requested = Signal()
    rename_requested = Signal(str, str)  # id, new title
    delete_requested = Signal(str)
    undo_delete_requested = Signal(str)
    export_requested = Signal(str, str)  # id, "md" | "json"
    search_changed = Signal(str)

    def __init__(self, load_page: PageLoader, parent: QWidget | None = None) -> None:
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
        set_symbol(self.new_button, "new_chat")
        self.model = ConversationItemModel(load_page)
        self.list = ConversationListView(self)
        self.list.setModel(self.model)
        self.delegate = ConversationDelegate(
            lambda: self.model.showing_hits, self.model.record, self.list
        )  # date headers, the selected row marked, titles elided
        self.list.setItemDelegate(self.delegate)
        self.list.setMouseTracking(True)  # hover backgrounds
        self.list.setObjectName("conversation_list")
        self.list.setAccessibleName("Conversations")
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setUniformItemSizes(False)  # a row that starts a date group is taller
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
        undo = QHBoxLayout()
        undo.addWidget(self.undo_label, 1)
        undo.addWidget(self.undo_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 4, 8)
        outer.setSpacing(6)
        outer.addWidget(self.new_button)  # the one "New chat" control, at the top
        outer.addWidget(self.search)
        outer.addWidget(self.list, 1)
        outer.addLayout(undo)

    def _connect(self) -> None:
        self.new_button.clicked.connect(self.new_requested)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.model.rename_requested.connect(self.rename_requested)
        self.list.customContextMenuRequested.connect(self._on_list_context_menu)
        self.undo_button.clicked.connect(self._on_undo_clicked)

    # -- contents ------------------------------------------------------------------------
    def show_list(self, current_id: str | None) -> None:
        """Every conversation, newest first (read from the store as the list scrolls)."""
        with self._filling_rows():
            self.model.show_list()
            self._select(current_id)

    def show_hits(self, hits: Sequence[SearchHit], current_id: str | None) -> None:
        with self._filling_rows():
            self.model.show_hits(hits)
            self._select(current_id)

    def _select(self, conversation_id: str | None) -> None:
        row = self.model.row_of(conversation_id) if conversation_id else None
        if row is not None:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
            self.list.selectionModel().setCurrentIndex(self.model.index(row), flags)

    def _filling_rows(self) -> _Filling:
        return _Filling(self)

    def ids(self) -> list[str]:
        """The ids of the rows loaded so far."""
        return [record.id for record in self.model.loaded]

    def titles(self) -> list[str]:
        return [record.title for record in self.model.loaded]

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def start_rename(self, conversation_id: str) -> None:
        row = self.model.row_of(conversation_id)
        if row is not None:
            self.list.edit(self.model.index(row))

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

    # -- handlers ------------------------------------------------------------------------
    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self._filling:
            return
        conversation_id = str(current.data(ID_ROLE))
        message_id = current.data(MESSAGE_ROLE)
        if message_id is not None:
            self.hit_selected.emit(conversation_id, int(message_id))
        else:
            self.conversation_selected.emit(conversation_id)

    def _on_undo_clicked(self) -> None:
        if self._undo_id is not None:
            conversation_id = self._undo_id
            self.hide_undo()
            self.undo_delete_requested.emit(conversation_id)

    def _on_list_context_menu(self, point: QPoint) -> None:
        index = self.list.indexAt(point)
        if not index.isValid():
            return
        conversation_id = str(index.data(ID_ROLE))
        menu = QMenu(self)
        menu.setObjectName("conversation_menu")
        menu.addAction(symbol("rename"), "Rename", lambda: self.list.edit(index))
        menu.addAction(
            symbol("export"),
            "Export as Markdown…",
            lambda: self.export_requested.emit(conversation_id, "md"),
        )
        menu.addAction(
            "Export as JSON…", lambda: self.export_requested.emit(conversation_id, "json")
        )
        menu.addSeparator()
        menu.addAction(
            symbol("delete"), "Delete", lambda: self.delete_requested.emit(conversation_id)
        )
        menu.popup(self.list.viewport().mapToGlobal(point))


class ConversationListView(QListView):
    def setCurrentRow(self, row: int) -> None:
        self.setCurrentIndex(self.model().index(row, 0))


class _Filling:
    """While the list is refilled, selection changes are not the user's."""

    def __init__(self, view: ConversationList) -> None:
        self._view = view

    def __enter__(self) -> None:
        self._view._filling = True

    def __exit__(self, *_: object) -> None:
        self._view._filling = False
