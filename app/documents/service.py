"""`DocumentLibrary`: the documents feature behind one object (no Qt), for the window and
the CLI. Call it from worker threads: `turn()` from the retrieval worker, `sync()` from the
indexing worker; each part owns its own connection to the index, and `close()` closes them
all (the library does not own its embedder: whoever made it closes it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app.documents import context, index_db
from app.documents.embedder import Embedder, default_embedder
from app.documents.indexer import Indexer, Progress
from app.documents.retrieval import Retriever
from app.documents.values import Collection, DocumentTurn, SyncReport


class DocumentLibrary:
    def __init__(self, path: Path | None = None, embedder: Embedder | None = None) -> None:
        self._path = path
        self._embedder = embedder or default_embedder()
        self._indexer: Indexer | None = None
        self._retriever: Retriever | None = None
        self._attacher: Indexer | None = None  # the retrieval thread's own, for attachments
        self._lock = threading.Lock()
        self._closed = False

    @property
    def indexer(self) -> Indexer:
        with self._lock:
            self._check_open()
            if self._indexer is None:
                self._indexer = Indexer(self._embedder, self._path)
            return self._indexer

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            self._check_open()
            if self._retriever is None:
                self._retriever = Retriever(self._embedder, self._path)
            return self._retriever

    @property
    def attacher(self) -> Indexer:
        """Indexes large attachments on the retrieval thread (its own connection, so it
        never shares one with a collection being indexed on the indexing thread)."""
        with self._lock:
            self._check_open()
            if self._attacher is None:
                self._attacher = Indexer(self._embedder, self._path)
            return self._attacher

    @property
    def embedder(self) -> Embedder:
        return self._embedder

    def set_embedder(self, embedder: Embedder) -> Embedder:
        """Use another embedder from now on; returns the old one (the caller closes it).
        Call it only while no part is working (DocumentWorkers parks both workers first).
        Vectors the old one made stay until `sync` embeds them again; searches skip them."""
        with self._lock:
            old, self._embedder = self._embedder, embedder
            for part in (self._indexer, self._retriever, self._attacher):
                if part is not None:
                    part.embedder = embedder
        return old

    def close(self) -> None:
        """Close every connection the parts opened (each part once, whichever thread)."""
        with self._lock:
            parts = [p for p in (self._indexer, self._retriever, self._attacher) if p is not None]
            self._indexer = self._retriever = self._attacher = None
            self._closed = True
        for part in parts:
            part.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the document library is closed")

    # -- collections (indexing worker) ---------------------------------------------------
    def add_collection(
        self, name: str, roots: Sequence[Path], conversation_id: str | None = None
    ) -> Collection:
        return index_db.add_collection(self.indexer.connection, name, roots, conversation_id)

    def collections(self, conversation_id: str | None = None) -> list[Collection]:
        return index_db.collections(self.indexer.connection, conversation_id)

    def remove_collection(self, collection_id: int) -> None:
        index_db.remove_collection(self.indexer.connection, collection_id)

    def sync(
        self,
        collection_id: int,
        progress: Progress | None = None,
        should_pause: Callable[[], bool] = lambda: False,
    ) -> SyncReport:
        return self.indexer.sync(collection_id, progress, should_pause)

    def searched_collections(self, conversation_id: str | None) -> list[Collection]:
        """The global collections and the conversation's own (its attachments included)."""
        found = index_db.collections(self.retriever.connection, conversation_id)
        if conversation_id is None:
            return [c for c in found if c.conversation_id is None]
        return found

    # -- one turn (retrieval worker) -----------------------------------------------------
    def turn(
        self,
        question: str,
        attachments: Sequence[Path] = (),
        conversation_id: str | None = None,
        budget_tokens: int = 1024,
        count: context.TokenCounter = context.estimate_tokens,
        k: int = context.PASSAGES_K,
        collection_ids: Sequence[int] | None = None,
        exact: bool = False,
    ) -> DocumentTurn:
        """Whole small files, and the passages retrieved from large ones and collections
        (`count`: the model's tokenizer when `exact`, else the estimate)."""
        started = time.perf_counter()
        plans = context.plan(attachments, budget_tokens, count, exact)
        large = [Path(p.path) for p in plans if p.mode == "passages"]
        ids: list[int] = []
        if large:
            conn = self.attacher.connection
            key = conversation_id or "cli"
            attached = index_db.attachments_collection(conn, key, large)
            self.attacher.sync(attached.id)
            ids.append(attached.id)
        if collection_ids is None:
            ids += [c.id for c in self.searched_collections(conversation_id)]
        else:
            ids += collection_ids
        passages = self.retriever.search(question, ids, k=k) if ids else []
        return context.build(question, plans, passages, time.perf_counter() - started)
