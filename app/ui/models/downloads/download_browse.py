"""Left side of the download dialog: the curated catalogue and a free-text Hub search."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.hub.remote.catalogue import CATALOGUE
from app.hub.remote.remote_values import RepoSummary
from app.ui.models.downloads.download_text import describe_repo

REPO_ROLE = Qt.ItemDataRole.UserRole
SORTS = (("Most downloaded", "downloads"), ("Most liked", "likes"))


def _repo_item(repo: RepoSummary) -> QListWidgetItem:
    text = describe_repo(repo)
    if repo.description:
        text += f"\n{repo.description}"
    item = QListWidgetItem(text)
    item.setData(REPO_ROLE, repo.repo_id)
    item.setToolTip(repo.description or repo.repo_id)
    return item


class BrowsePanel(QWidget):
    repo_selected = Signal(str)
    search_requested = Signal(str, str)  # query, "downloads" | "likes"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("browse_tabs")
        self.catalogue_list = self._list("catalogue_list")
        for entry in CATALOGUE:
            self.catalogue_list.addItem(_repo_item(entry))
        self.tabs.addTab(self.catalogue_list, "Catalogue")
        self.tabs.addTab(self._build_search(), "Search the Hub")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _list(self, name: str) -> QListWidget:
        widget = QListWidget(self)
        widget.setObjectName(name)
        widget.setWordWrap(True)
        widget.setSpacing(3)
        widget.setAlternatingRowColors(True)
        widget.currentItemChanged.connect(self._on_list_current_item_changed)
        return widget

    def _build_search(self) -> QWidget:
        page = QWidget(self)
        self.search_edit = QLineEdit(page)
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText("Search GGUF models, e.g. “qwen 7b instruct”")
        self.search_edit.returnPressed.connect(self._on_search_button_clicked)
        self.sort_combo = QComboBox(page)
        self.sort_combo.setObjectName("sort_combo")
        for label, key in SORTS:
            self.sort_combo.addItem(label, key)
        self.search_button = QPushButton("Search", page)
        self.search_button.setObjectName("search_button")
        self.search_button.clicked.connect(self._on_search_button_clicked)
        self.search_status = QLabel("", page)
        self.search_status.setObjectName("search_status")
        self.search_status.setWordWrap(True)
        self.results_list = self._list("results_list")
        row = QHBoxLayout()
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.sort_combo)
        row.addWidget(self.search_button)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.search_status)
        layout.addWidget(self.results_list, 1)
        return page

    def set_searching(self, query: str) -> None:
        self.search_button.setEnabled(False)
        self.search_status.setText(f"Searching the Hub for “{query}”…")

    def show_results(self, results: Sequence[RepoSummary]) -> None:
        self.search_button.setEnabled(True)
        self.results_list.clear()
        for repo in results:
            self.results_list.addItem(_repo_item(repo))
        count = len(results)
        self.search_status.setText(
            f"{count} GGUF repositor{'y' if count == 1 else 'ies'}"
            if count
            else "No GGUF repositories match. Try fewer or different words."
        )

    def show_search_failed(self, message: str) -> None:
        self.search_button.setEnabled(True)
        self.search_status.setText(message)

    def _on_search_button_clicked(self) -> None:
        query = self.search_edit.text().strip()
        if query:
            self.search_requested.emit(query, str(self.sort_combo.currentData()))

    def _on_list_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is not None:
            self.repo_selected.emit(str(current.data(REPO_ROLE)))
