"""`DocumentWorkers`: the documents library behind two worker threads, never the GUI thread
and never the engine's: `hearth-docs` retrieves (and plans attachments), `hearth-docs-index`
indexes collections, pausable. Results come back on the GUI thread through `Operation`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from app.documents import context, index_db
from app.documents.service import DocumentLibrary
from app.documents.values import DocumentTurn, IndexProgress, SyncReport
from app.ui.common.operation import Operation


class DocumentWorkers:
    def __init__(self, library: DocumentLibrary | None = None) -> None:
        self._library = library
        self._lock = threading.Lock()
        self._retrieval = ThreadPoolExecutor(1, thread_name_prefix="hearth-docs")
        self._indexing = ThreadPoolExecutor(1, thread_name_prefix="hearth-docs-index")
        self.pause = threading.Event()
        self.threads: set[str] = set()  # names of the threads that did the work (tests)
        self._scopes: set[str | None] = set()  # conversations with collections (None: global)
        self.refresh_scopes()

    @property
    def library(self) -> DocumentLibrary:
        with self._lock:
            if self._library is None:
                self._library = DocumentLibrary()
            return self._library

    def _note(self) -> None:
        self.threads.add(threading.current_thread().name)

    def plan(
        self,
        parent: QObject,
        paths: Sequence[Path],
        budget: int,
        done: Callable[[list[context.AttachmentPlan]], None],
    ) -> None:
        def work() -> list[context.AttachmentPlan]:
            self._note()
            return context.plan(paths, budget)

        Operation(parent=parent, operation=work, success=done).run_on(self._retrieval.submit)

    def turn(
        self,
        parent: QObject,
        question: str,
        paths: Sequence[Path],
        conversation_id: str | None,
        budget: int,
        done: Callable[[DocumentTurn], None],
        failed: Callable[[Exception], None],
    ) -> None:
        def work() -> DocumentTurn:
            self._note()
            turn = self.library.turn(question, paths, conversation_id, budget)
            if any(a["mode"] == "passages" for a in turn.attachments):
                self.refresh_scopes()  # the conversation has an attachments collection now
            return turn

        Operation(parent=parent, operation=work, success=done, failure=failed).run_on(
            self._retrieval.submit
        )

    def has_collections(self, conversation_id: str | None) -> bool:
        """Whether a message here would search a collection (from what the indexing thread
        last read; the GUI thread never queries the index)."""
        return None in self._scopes or conversation_id in self._scopes

    def refresh_scopes(self) -> None:
        """Re-read, on the indexing thread, which conversations have collections."""
        if not index_db.index_path().exists() and self._library is None:
            return

        def work() -> set[str | None]:
            return {c.conversation_id for c in self.library.collections()}

        self._indexing.submit(work).add_done_callback(self._scopes_read)

    def _scopes_read(self, future: Future[set[str | None]]) -> None:
        if not future.cancelled() and future.exception() is None:
            self._scopes = future.result()

    def index(
        self,
        parent: QObject,
        collection_id: int,
        progress: Callable[[IndexProgress], None],
        done: Callable[[SyncReport], None],
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        def work() -> SyncReport:
            self._note()
            return self.library.sync(collection_id, op.report, self.pause.is_set)

        op: Operation[SyncReport] = Operation(
            parent=parent, operation=work, success=done, failure=failed
        ).with_progress(progress)
        op.run_on(self._indexing.submit)

    def call(self, parent: QObject, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Any other library call (add or remove a collection) on the indexing thread."""
        Operation(parent=parent, operation=work, success=done).run_on(self._indexing.submit)
        self.refresh_scopes()

    def shutdown(self) -> None:
        self.pause.set()
        self._retrieval.shutdown(wait=True, cancel_futures=True)
        self._indexing.shutdown(wait=True, cancel_futures=True)
        if self._library is not None:
            self._library.close()
