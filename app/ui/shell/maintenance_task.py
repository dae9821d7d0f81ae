"""MaintenanceTask: the store's background upkeep (trash, search index) on a thread of its
own once the window is up, its progress in the status bar; stopped when the window closes
(the index carries on next time from where it stopped)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.store.maintenance import run_maintenance
from app.store.search_backfill import BackfillProgress

log = logging.getLogger(__name__)


class MaintenanceTask(QObject):
    status = Signal(str)
    finished = Signal()

    def __init__(self, database: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._database = database
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_percent = -1

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="hearth-upkeep", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            done = run_maintenance(
                self._database, progress=self._on_progress, should_stop=self._stop.is_set
            )
        except Exception:  # upkeep can wait for the next start; the window keeps working
            log.exception("background upkeep of %s failed", self._database)
            return
        if done.done and done.started_at:
            self._emit_status("Search index ready")
        self._emit(self.finished)

    def _on_progress(self, progress: BackfillProgress) -> None:
        percent = int(progress.fraction * 100)
        if percent != self._last_percent:
            self._last_percent = percent
            self._emit_status(f"Indexing messages for search: {percent}%")

    def _emit_status(self, text: str) -> None:
        try:
            self.status.emit(text)
        except RuntimeError:  # the window is gone
            pass

    def _emit(self, signal: object) -> None:
        try:
            signal.emit()  # type: ignore[attr-defined]
        except RuntimeError:
            pass
