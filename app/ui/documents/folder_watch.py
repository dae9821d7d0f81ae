"""Watched folders: a change under a collection's folder re-indexes it (incrementally, on
the indexing worker) once things have been quiet for a moment."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from app.documents.values import Collection, SyncReport
from app.ui.documents.workers import DocumentWorkers

MAX_WATCHED_FOLDERS = 2000


class FolderWatch(QObject):
    reindexed = Signal(object)  # SyncReport

    def __init__(self, workers: DocumentWorkers, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workers = workers
        self._watcher = QFileSystemWatcher(self)
        self._owners: dict[str, int] = {}  # watched folder -> collection id
        self._due: set[int] = set()
        self.quiet_ms = 1500
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._watcher.directoryChanged.connect(self._on_watcher_changed)
        self._watcher.fileChanged.connect(self._on_watcher_changed)

    def watch(self, collections: Sequence[Collection]) -> None:
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())
        if self._watcher.files():
            self._watcher.removePaths(self._watcher.files())
        self._owners.clear()
        for collection in collections:
            for root in collection.roots:
                for folder in _folders(Path(root)):
                    if len(self._owners) < MAX_WATCHED_FOLDERS:
                        self._owners[str(folder)] = collection.id
        if self._owners:
            self._watcher.addPaths(list(self._owners))

    def refresh(self) -> None:
        """Watch every collection's folders (read on the indexing worker)."""
        library = self._workers.library
        self._workers.call(self, library.collections, self.watch)

    @property
    def folders(self) -> list[str]:
        return sorted(self._owners)

    def _on_watcher_changed(self, path: str) -> None:
        owner = self._owners.get(path)
        if owner is not None:
            self._due.add(owner)
            self._timer.start(self.quiet_ms)

    def _on_timer_timeout(self) -> None:
        due, self._due = self._due, set()
        for collection_id in sorted(due):
            self._workers.index(self, collection_id, lambda _p: None, self._on_indexed)

    def _on_indexed(self, report: SyncReport) -> None:
        self.reindexed.emit(report)
        self.refresh()  # new sub-folders


def _folders(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    found = [root]
    for path in root.rglob("*"):
        if path.is_dir() and not any(part.startswith(".") for part in path.relative_to(root).parts):
            found.append(path)
    return found
