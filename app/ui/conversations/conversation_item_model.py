"""ConversationItemModel: the conversation list as a Qt item model that reads the store a
page at a time (canFetchMore/fetchMore), or shows one search's hits with their snippets."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.store import ConversationRecord
from app.store.search import SearchHit

ID_ROLE = Qt.ItemDataRole.UserRole
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 1  # (before, match, after) of a hit, or None
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 2  # the matching message's id (or None)
PAGE = 100

PageLoader = Callable[[int, int], list[ConversationRecord]]  # (offset, limit) -> records
Index = QModelIndex | QPersistentModelIndex


class ConversationItemModel(QAbstractListModel):
    rename_requested = Signal(str, str)  # id, the title typed in the list

    def __init__(self, load_page: PageLoader, page: int = PAGE) -> None:
        super().__init__()
        self._load_page = load_page
        self._page = page
        self._records: list[ConversationRecord] = []
        self._hits: dict[str, SearchHit] = {}
        self._exhausted = True
        self._showing_hits = False

    # -- contents ------------------------------------------------------------------------
    def show_list(self) -> None:
        """All conversations, newest first; only the first page is read now."""
        self.beginResetModel()
        self._hits = {}
        self._showing_hits = False
        self._records = self._load_page(0, self._page)
        self._exhausted = len(self._records) < self._page
        self.endResetModel()

    def show_hits(self, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = {hit.conversation.id: hit for hit in hits}
        self._showing_hits = True
        self._records = [hit.conversation for hit in hits]
        self._exhausted = True
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        more = self._load_page(len(self._records), self._page)
        self._exhausted = len(more) < self._page
        if more:
            first = len(self._records)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._records.extend(more)
            self.endInsertRows()

    @property
    def showing_hits(self) -> bool:
        return self._showing_hits

    def row_of(self, conversation_id: str) -> int | None:
        """The row of a loaded conversation (the list reads further pages on scroll)."""
        return next((i for i, r in enumerate(self._records) if r.id == conversation_id), None)

    def record(self, row: int) -> ConversationRecord:
        return self._records[row]

    @property
    def loaded(self) -> list[ConversationRecord]:
        return list(self._records)

    # -- the model interface -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._records):
            return None
        record = self._records[index.row()]
        hit = self._hits.get(record.id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return record.title
        if role == Qt.ItemDataRole.ToolTipRole:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(record.updated_at))
            return f"{record.title}\nLast message: {when}"
        if role == ID_ROLE:
            return record.id
        if role == SNIPPET_ROLE:
            if hit is None or hit.snippet is None:
                return None
            return (hit.snippet.before, hit.snippet.match, hit.snippet.after)
        if role == MESSAGE_ROLE:
            return hit.message_id if hit is not None else None
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """A title typed in the list is a request; the store's answer comes back on refresh."""
        if role == Qt.ItemDataRole.EditRole and index.isValid() and str(value).strip():
            self.rename_requested.emit(self._records[index.row()].id, str(value))
        return False

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable
