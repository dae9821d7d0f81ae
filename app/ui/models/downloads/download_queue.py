"""Bottom of the download dialog: every download with a progress bar, status line
(bytes, speed, time left, or why it stopped) and Cancel / Resume / Remove."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.hub.downloads.download_values import DownloadItem
from app.ui.models.downloads.download_text import describe_download

_BAR_STEPS = 1000


class DownloadRow(QWidget):
    cancel_requested = Signal(str)
    resume_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, item: DownloadItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = item.key
        title = f"<b>{html.escape(item.model.name)}</b> · {html.escape(item.model.repo_id)}"
        self.name_label = QLabel(title, self)
        self.name_label.setObjectName("name")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("progress")
        self.progress.setRange(0, _BAR_STEPS)
        self.status = QLabel("", self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.cancel_button = self._button("Cancel", "cancel_button", self.cancel_requested)
        self.resume_button = self._button("Resume", "resume_button", self.resume_requested)
        self.remove_button = self._button("Remove", "remove_button", self.remove_requested)
        top = QHBoxLayout()
        top.addWidget(self.name_label, 1)
        for button in (self.cancel_button, self.resume_button, self.remove_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self.show_item(item)

    def _button(self, text: str, name: str, signal: SignalInstance) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: signal.emit(self.key))
        return button

    def show_item(self, item: DownloadItem) -> None:
        self.progress.setValue(round(item.fraction * _BAR_STEPS))
        self.progress.setEnabled(item.state in ("downloading", "verifying", "done"))
        self.status.setText(describe_download(item))
        running = item.state in ("queued", "downloading", "verifying")
        self.cancel_button.setVisible(running)
        self.resume_button.setVisible(item.state in ("paused", "failed"))
        self.remove_button.setVisible(not running)


class QueuePanel(QWidget):
    cancel_requested = Signal(str)
    resume_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("downloads_list")
        self.empty_label = QLabel("No downloads yet.", self)
        self.empty_label.setObjectName("downloads_empty")
        self._rows: dict[str, tuple[QListWidgetItem, DownloadRow]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Downloads</b>", self))
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list, 1)

    def row(self, key: str) -> DownloadRow | None:
        entry = self._rows.get(key)
        return entry[1] if entry else None

    def show_item(self, item: DownloadItem) -> None:
        entry = self._rows.get(item.key)
        if entry is not None:
            entry[1].show_item(item)
            entry[0].setSizeHint(entry[1].sizeHint())
            return
        row = DownloadRow(item, self.list)
        row.cancel_requested.connect(self.cancel_requested)
        row.resume_requested.connect(self.resume_requested)
        row.remove_requested.connect(self.remove_requested)
        list_item = QListWidgetItem(self.list)
        list_item.setSizeHint(row.sizeHint())
        self.list.setItemWidget(list_item, row)
        self._rows[item.key] = (list_item, row)
        self.empty_label.setVisible(False)

    def drop_item(self, key: str) -> None:
        entry = self._rows.pop(key, None)
        if entry is not None:
            self.list.takeItem(self.list.row(entry[0]))
            entry[1].deleteLater()
        self.empty_label.setVisible(not self._rows)
