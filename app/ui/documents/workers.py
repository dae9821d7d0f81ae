"""`DocumentWorkers`: the documents library behind two worker threads, never the GUI thread
and never the engine's: `hearth-docs` retrieves (and plans attachments, counting with the
loaded model's tokenizer), `hearth-docs-index` indexes collections, pausable. An embedding
GGUF runs on its own thread (`LlamaEmbedder`). Results come back on the GUI thread through
`Operation`. `shutdown()` ends the threads and closes every connection to the index."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from app.documents import context, index_db
from app.documents.embedder import Embedder, vector_tag
from app.documents.llama_embedder import embedder_for, usable_embedder
from app.documents.service import DocumentLibrary
from app.documents.token_cost import ModelTokens
from app.documents.values import DocumentTurn, IndexProgress, SyncReport
from app.engine.token_counter import open_vocab
from app.ui.common.operation import Operation


@dataclass(frozen=True, slots=True)
class EmbedderSwitch:
    """After a change of embedder: its name, the passages embedded again, any problem."""

    name: str
    reembedded: int
    note: str = ""


class DocumentWorkers:
    def __init__(self, library: DocumentLibrary | None = None) -> None:
        self._library = library
        self._lock = threading.Lock()
        self._retrieval = ThreadPoolExecutor(1, thread_name_prefix="hearth-docs")
        self._indexing = ThreadPoolExecutor(1, thread_name_prefix="hearth-docs-index")
        self.pause = threading.Event()
        self.tokens = ModelTokens(open_vocab)  # used on the retrieval thread only
        self.threads: set[str] = set()  # names of the threads that did the work (tests)
        self._scopes: set[str | None] = set()  # conversations with collections (None: global)
        self._embedder_path: str | None = None
        self._embedder_note = ""
        self.closed = False  # shut down: later requests are dropped
        self.refresh_scopes()

    @property
    def library(self) -> DocumentLibrary:
        with self._lock:
            if self._library is None:
                embedder, self._embedder_note = embedder_for(self._embedder_path)
                self._library = DocumentLibrary(embedder=embedder)
            return self._library

    def _note(self) -> None:
        self.threads.add(threading.current_thread().name)

    def set_model(self, path: str | None) -> None:
        """Count attachments' tokens with this local model's tokenizer (None: estimate)."""
        self.tokens.set_model(path)

    def plan(
        self,
        parent: QObject,
        paths: Sequence[Path],
        budget: int,
        done: Callable[[list[context.AttachmentPlan]], None],
    ) -> None:
        if self.closed:
            return

        def work() -> list[context.AttachmentPlan]:
            self._note()
            count, exact = self.tokens.counter()
            return context.plan(paths, budget, count, exact)

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
        if self.closed:
            return

        def work() -> DocumentTurn:
            self._note()
            count, exact = self.tokens.counter()
            turn = self.library.turn(
                question, paths, conversation_id, budget, count=count, exact=exact
            )
            if any(a["mode"] == "passages" for a in turn.attachments):
                self.refresh_scopes()  # the conversation has an attachments collection now
            return turn

        Operation(parent=parent, operation=work, success=done, failure=failed).run_on(
            self._retrieval.submit
        )

    # -- the embedder ----------------------------------------------------------------------
    def use_embedder(
        self,
        path: str | None,
        parent: QObject | None = None,
        done: Callable[[EmbedderSwitch], None] | None = None,
    ) -> None:
        """Vectors from this embedding GGUF (None: the built-in WordLlama) from now on. On
        the indexing worker, with the retrieval worker parked, the library takes the new
        embedder; then every collection with vectors from another one is embedded again."""
        with self._lock:
            self._embedder_path = path or None
            opened = self._library is not None
        if self.closed or not (opened or index_db.index_path().exists()):
            return  # nothing indexed: the library starts with this embedder when first used

        def work() -> EmbedderSwitch:
            self._note()
            embedder, note = usable_embedder(path)  # the GGUF opened here, not on the GUI
            with self._lock:
                library, fresh = self._library, self._library is None
                if library is None:
                    library = self._library = DocumentLibrary(embedder=embedder)
                    self._embedder_note = note
            if not fresh:
                self._retrieval.submit(lambda: self._swap(library, embedder, note)).result()
            return self._reembed_stale()

        Operation(parent=parent, operation=work, success=done or (lambda _s: None)).run_on(
            self._indexing.submit
        )

    def _swap(self, library: DocumentLibrary, embedder: Embedder, note: str) -> None:
        """On the retrieval worker while the indexing worker waits: neither is working."""
        old = library.set_embedder(embedder)
        self._embedder_note = note
        if old is not embedder:
            old.close()

    def _reembed_stale(self) -> EmbedderSwitch:
        library = self.library
        tag = vector_tag(library.embedder)
        conn = library.indexer.connection
        total = 0
        for found in library.collections():
            if index_db.stale_vectors(conn, found.id, tag):
                total += library.sync(found.id, should_pause=self.pause.is_set).reembedded
        return EmbedderSwitch(library.embedder.name, total, self._embedder_note)

    # -- collections -----------------------------------------------------------------------
    def has_collections(self, conversation_id: str | None) -> bool:
        """Whether a message here would search a collection (from what the indexing thread
        last read; the GUI thread never queries the index)."""
        return None in self._scopes or conversation_id in self._scopes

    def refresh_scopes(self) -> None:
        """Re-read, on the indexing thread, which conversations have collections."""
        if self.closed or (not index_db.index_path().exists() and self._library is None):
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
        if self.closed:
            return

        def work() -> SyncReport:
            self._note()
            return self.library.sync(collection_id, op.report, self.pause.is_set)

        op: Operation[SyncReport] = Operation(
            parent=parent, operation=work, success=done, failure=failed
        ).with_progress(progress)
        op.run_on(self._indexing.submit)

    def call(self, parent: QObject, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Any other library call (add or remove a collection) on the indexing thread."""
        if self.closed:
            return
        Operation(parent=parent, operation=work, success=done).run_on(self._indexing.submit)
        self.refresh_scopes()

    def shutdown(self) -> None:
        """Stop indexing at the next file, end both workers, then close the index's
        connections, the embedding model and the tokenizer (no thread uses them any more)."""
        if self.closed:
            return
        self.closed = True
        self.pause.set()
        self._retrieval.shutdown(wait=True, cancel_futures=True)
        self._indexing.shutdown(wait=True, cancel_futures=True)
        self.tokens.close()
        with self._lock:
            library = self._library
        if library is not None:
            library.close()
            library.embedder.close()
