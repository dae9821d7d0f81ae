"""SearchRunner: conversation search on a thread of its own, never on the GUI thread.

Once the window has been idle for ``WARM_AFTER_S`` with no query yet, the thread reads
ahead what a first search needs (``SearchReader.warm``: a few MB, bounded whatever the
history's size); a query stops that at once.

Each query gets a number. A new query interrupts the one running (SQLite's
``Connection.interrupt`` on the reader's own connection) and replaces any that has not
started; a result arrives on the GUI thread only if it belongs to the newest query.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from app.store.search import SearchCancelled, SearchReader, SearchResult

log = logging.getLogger(__name__)
WARM_AFTER_S = 0.5  # after the window has started, unless a query comes first


class SearchRunner(QObject):
    finished = Signal(object)  # SearchResult of the newest query
    failed = Signal(str)
    _done = Signal(int, object, str)  # generation, result or None, error text

    def __init__(
        self,
        database: Path,
        parent: QObject | None = None,
        read_ahead_after_s: float | None = WARM_AFTER_S,  # None: no read-ahead
    ) -> None:
        super().__init__(parent)
        self._reader = SearchReader(database)
        self._read_ahead_after_s = read_ahead_after_s
        self._wake = threading.Condition()
        self._pending: tuple[int, str] | None = None
        self._generation = 0
        self._closed = False
        self.cancelled = 0  # queries stopped by a newer one (tests, bench)
        self.running = threading.Event()  # set while a query runs on the search thread
        self.warmed = False  # the read-ahead ran to the end (tests)
        self._done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._loop, name="hearth-search", daemon=True)
        self._thread.start()

    def search(self, query: str) -> int:
        """Start ``query``; return its number. An older one still running is cancelled."""
        with self._wake:
            self._generation += 1
            self._pending = (self._generation, query)
            self._reader.interrupt()
            self._wake.notify()
            return self._generation

    @property
    def generation(self) -> int:
        return self._generation

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._reader.interrupt()
            self._wake.notify()
        self._thread.join(timeout=2.0)
        if not self._thread.is_alive():
            self._reader.close()

    def _next(self) -> tuple[int, str] | None:
        with self._wake:
            while self._pending is None and not self._closed:
                self._wake.wait()
            job, self._pending = self._pending, None
            self._reader.allow()  # an interrupt from now on is meant for this job
            return None if self._closed else job

    def _warm_when_idle(self) -> None:
        if self._read_ahead_after_s is None:
            return
        with self._wake:
            self._wake.wait_for(
                lambda: self._pending is not None or self._closed, self._read_ahead_after_s
            )
            if self._pending is not None or self._closed:
                return
        try:
            self.warmed = self._reader.warm()
        except Exception:  # only a head start: searching works without it
            log.exception("reading ahead for search failed")

    def _loop(self) -> None:
        self._warm_when_idle()
        while (job := self._next()) is not None:
            generation, query = job
            self.running.set()
            try:
                result = self._reader.search(query)
            except SearchCancelled:
                self.cancelled += 1
                continue
            except Exception as error:  # shown in the status bar, the list stays usable
                log.exception("search for %r failed", query)
                self._emit(generation, None, str(error))
                continue
            finally:
                self.running.clear()
            self._emit(generation, result, "")

    def _emit(self, generation: int, result: SearchResult | None, error: str) -> None:
        try:
            self._done.emit(generation, result, error)
        except RuntimeError:  # the window is gone
            pass

    def _on_done(self, generation: int, result: SearchResult | None, error: str) -> None:
        if generation != self._generation:
            return  # an older query that finished before the newer one could stop it
        if result is None:
            self.failed.emit(error)
        else:
            self.finished.emit(result)
