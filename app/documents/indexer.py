"""Bring a collection's index in step with its folders and files: new and changed files are
read, chunked, embedded and stored; deleted ones removed; unchanged ones (same size and
mtime, or same SHA-256) left alone; passages whose vectors another embedder made are
embedded again from their stored text. One short transaction per file (or batch of
passages), so a pause or a crash loses at most the work in progress and readers never wait
long."""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.documents import index_db
from app.documents.chunking import chunk_sections
from app.documents.embedder import Embedder, vector_tag
from app.documents.errors import UnreadableFile
from app.documents.extract import extract
from app.documents.file_types import READABLE, is_readable_type, walk
from app.documents.values import IndexProgress, SyncReport, Unreadable

PAGE_CHARS = 3000  # a "page" of text that is not a PDF, for pages/s
REEMBED_BATCH = 64  # passages embedded again per transaction after the embedder changed
Progress = Callable[[IndexProgress], None]


@dataclass(slots=True)
class _Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    pages: float = 0.0
    reembedded: int = 0
    unreadable: list[Unreadable] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Indexer:
    """Owns one connection; use it from one thread (a worker, never the GUI thread)."""

    def __init__(self, embedder: Embedder, path: Path | None = None) -> None:
        self._conn = index_db.connect(path)
        self.embedder = embedder  # swapped only between runs (DocumentLibrary.set_embedder)

    def close(self) -> None:
        self._conn.close()

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    def sync(
        self,
        collection_id: int,
        progress: Progress | None = None,
        should_pause: Callable[[], bool] = lambda: False,
    ) -> SyncReport:
        started = time.perf_counter()
        embedder = self.embedder  # one embedder for the whole run
        found, explicit = self._files_of(collection_id)
        known = self._known(collection_id)
        tally = _Tally()
        for number, path in enumerate(found, 1):
            if should_pause():
                return self._report(tally, started, paused=True)
            chosen = str(path) in explicit
            self._one(embedder, collection_id, path, known.get(str(path)), tally, chosen)
            if progress is not None:
                progress(IndexProgress(number, len(found), str(path), tally.chunks))
        gone = set(known) - {str(p) for p in found}
        for path_text in sorted(gone):
            self._write(functools.partial(self._delete_file, collection_id, path_text))
            tally.removed += 1
        if not self._reembed(embedder, collection_id, tally, progress, should_pause):
            return self._report(tally, started, paused=True)
        tally.unreadable = index_db.unreadable(self._conn, collection_id)
        return self._report(tally, started, paused=False)

    def _reembed(
        self,
        embedder: Embedder,
        collection_id: int,
        tally: _Tally,
        progress: Progress | None,
        should_pause: Callable[[], bool],
    ) -> bool:
        """Embed again the passages another embedder made (False: paused before the end)."""
        tag = vector_tag(embedder)
        total = index_db.stale_vectors(self._conn, collection_id, tag)
        while tally.reembedded < total:
            if should_pause():
                return False
            rows = self._conn.execute(
                "SELECT chunks.id, chunks.text FROM chunks JOIN files ON files.id = chunks.file_id "
                "WHERE files.collection_id = ? AND chunks.embedder != ? ORDER BY chunks.id LIMIT ?",
                (collection_id, tag, REEMBED_BATCH),
            ).fetchall()
            if not rows:
                break
            vectors = embedder.embed([text for _, text in rows])
            updates = [
                (vectors[i].astype(np.float32).tobytes(), tag, chunk_id)
                for i, (chunk_id, _) in enumerate(rows)
            ]
            self._write(functools.partial(self._set_vectors, updates))
            tally.reembedded += len(rows)
            if progress is not None:
                note = f"passages embedded again for {embedder.name}"
                progress(IndexProgress(tally.reembedded, total, note, tally.chunks))
        return True

    def _files_of(self, collection_id: int) -> tuple[list[Path], set[str]]:
        """The files to index, and those chosen one by one (read whatever their type)."""
        found = index_db.collection(self._conn, collection_id)
        if found is None:
            raise KeyError(f"no document collection {collection_id}")
        files: dict[str, Path] = {}
        for root in found.roots:
            for path in walk(Path(root)):
                files[str(path)] = path
        return list(files.values()), {r for r in found.roots if not Path(r).is_dir()}

    def _known(self, collection_id: int) -> dict[str, tuple[int, float, str]]:
        rows = self._conn.execute(
            "SELECT path, size, mtime, sha256 FROM files WHERE collection_id = ?",
            (collection_id,),
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def _one(
        self,
        embedder: Embedder,
        collection_id: int,
        path: Path,
        known: tuple[int, float, str] | None,
        tally: _Tally,
        explicit: bool,
    ) -> None:
        try:
            stat = path.stat()
        except OSError:
            stat = None
        if known is not None and stat is not None and known[:2] == (stat.st_size, stat.st_mtime):
            tally.unchanged += 1
            return
        digest = _digest(path)
        if known is not None and stat is not None and digest == known[2]:
            self._write(lambda: self._touch(collection_id, path, stat.st_size, stat.st_mtime))
            tally.unchanged += 1
            return
        size, mtime = (stat.st_size, stat.st_mtime) if stat else (0, 0.0)
        self._index_file(embedder, collection_id, path, (size, mtime, digest), tally, explicit)
        if known is None:
            tally.added += 1
        else:
            tally.updated += 1

    def _index_file(
        self,
        embedder: Embedder,
        collection_id: int,
        path: Path,
        signature: tuple[int, float, str],
        tally: _Tally,
        explicit: bool,
    ) -> None:
        try:
            if not (explicit or is_readable_type(path)):
                raise UnreadableFile(
                    "unsupported",
                    f"Hearth does not read {path.suffix or 'extension-less'} files "
                    f"(it reads {len(READABLE)} kinds: text, Markdown, PDF, .docx, HTML, code)",
                )
            sections = extract(path)
        except UnreadableFile as error:
            failure = error
            self._write(lambda: self._store(collection_id, path, signature, [], failure))
            return
        chunks = chunk_sections(sections)
        vectors = embedder.embed([c.text for c in chunks])
        tag = vector_tag(embedder)
        pages = (
            float(len(sections))
            if path.suffix.lower() == ".pdf"
            else sum(len(s.text) for s in sections) / PAGE_CHARS
        )
        rows = [
            (c.ordinal, c.location, c.text, vectors[i].astype(np.float32).tobytes(), tag)
            for i, c in enumerate(chunks)
        ]
        self._write(lambda: self._store(collection_id, path, signature, rows, None, pages))
        tally.chunks += len(rows)
        tally.pages += pages

    def _write(self, action: Callable[[], object]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            action()
            index_db.bump(self._conn)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _delete_file(self, collection_id: int, path: str) -> None:
        self._conn.execute(
            "DELETE FROM chunks WHERE file_id IN "
            "(SELECT id FROM files WHERE collection_id = ? AND path = ?)",
            (collection_id, path),
        )
        self._conn.execute(
            "DELETE FROM files WHERE collection_id = ? AND path = ?", (collection_id, path)
        )

    def _set_vectors(self, updates: list[tuple[bytes, str, int]]) -> None:
        self._conn.executemany("UPDATE chunks SET vector = ?, embedder = ? WHERE id = ?", updates)

    def _touch(self, collection_id: int, path: Path, size: int, mtime: float) -> None:
        self._conn.execute(
            "UPDATE files SET size = ?, mtime = ? WHERE collection_id = ? AND path = ?",
            (size, mtime, collection_id, str(path)),
        )

    def _store(
        self,
        collection_id: int,
        path: Path,
        signature: tuple[int, float, str],
        rows: list[tuple[int, str, str, bytes, str]],
        error: UnreadableFile | None,
        pages: float = 0.0,
    ) -> None:
        self._delete_file(collection_id, str(path))
        kind, reason = (error.kind, error.reason) if error else ("", "")
        cursor = self._conn.execute(
            "INSERT INTO files (collection_id, path, size, mtime, sha256, kind, reason, pages) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (collection_id, str(path), *signature, kind, reason, pages),
        )
        file_id = cursor.lastrowid
        self._conn.executemany(
            "INSERT INTO chunks (file_id, ordinal, location, text, vector, embedder) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(file_id, *row) for row in rows],
        )

    @staticmethod
    def _report(tally: _Tally, started: float, paused: bool) -> SyncReport:
        return SyncReport(
            tally.added,
            tally.updated,
            tally.unchanged,
            tally.removed,
            tuple(tally.unreadable),
            tally.chunks,
            round(tally.pages),
            time.perf_counter() - started,
            paused,
            tally.reembedded,
        )


def _digest(path: Path) -> str:
    try:
        return sha256_of(path)
    except OSError:
        return ""
