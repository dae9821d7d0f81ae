"""Retrieval: BM25 (SQLite FTS5) and vectors (numpy over the stored float32 vectors),
fused by reciprocal rank fusion. Only the vectors the current embedder made are compared with
the question's (`vector_tag`): after a switch, passages not yet embedded again are found by
their words alone. A `Retriever` owns its own connection and may be used from any one worker
thread at a time (a lock serialises calls)."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from app.documents import index_db
from app.documents.embedder import Embedder, Vectors, vector_tag
from app.documents.values import Passage

Mode = Literal["fused", "bm25", "vector"]
RRF_K = 60
# Each method's best 10 go into the fusion: deeper lists let a method's weak tail outvote
# the other's sure first hit (measured in bench/retrieval.py: 0.79 vs 0.98 on identifiers).
CANDIDATES = 10
BM25_POOL = 500
_WORD = re.compile(r"\w+", re.UNICODE)
# Words too common to rank by (each would make BM25 score most of the index).
_STOP_TEXT = (
    "a about all an and any are as at be by can could did do does each for from had has have "
    "how i if in into is it its many me more most much my no not of on or our so some such "
    "than that the their them then there these they this those to very was we were what when "
    "where which who whom why will with would you your"
)
STOPWORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True, slots=True)
class _Matrix:
    key: tuple[int, tuple[int, ...], str]
    ids: np.ndarray
    vectors: Vectors


def fts_query(text: str) -> str:
    """Free text as an FTS5 query: every word quoted (no syntax), any of them (OR)."""
    words = [w.lower() for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]
    kept = [w for w in words if w not in STOPWORDS] or words
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(kept))


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the rankings, best first."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


class Retriever:
    def __init__(self, embedder: Embedder, path: Path | None = None) -> None:
        self._conn = index_db.connect(path)
        self._conn_lock = threading.Lock()
        self.embedder = embedder  # swapped only between searches (DocumentLibrary.set_embedder)
        self._matrix: _Matrix | None = None

    def close(self) -> None:
        self._conn.close()

    def search(
        self, query: str, collection_ids: Sequence[int], k: int = 5, mode: Mode = "fused"
    ) -> list[Passage]:
        if not collection_ids or not query.strip():
            return []
        ids = tuple(sorted(set(collection_ids)))
        with self._conn_lock:
            rankings: list[list[int]] = []
            depth = max(CANDIDATES, k)
            if mode in ("fused", "bm25"):
                rankings.append(self._bm25(query, ids, depth))
            if mode in ("fused", "vector"):
                rankings.append(self._vector(query, ids, depth))
            if mode == "fused":
                ranked = rrf(rankings)[:k]
            else:
                ranked = [(item, 1.0 / (RRF_K + r)) for r, item in enumerate(rankings[0][:k], 1)]
            return self._passages(ranked)

    def _bm25(self, query: str, ids: tuple[int, ...], limit: int) -> list[int]:
        match = fts_query(query)
        if not match:
            return []
        found = self._bm25_among(match, ids, limit, BM25_POOL)
        if len(found) < limit and self._pool_was_full(match):
            found = self._bm25_among(match, ids, limit, None)  # other collections crowded it
        return found

    def _bm25_among(
        self, match: str, ids: tuple[int, ...], limit: int, pool: int | None
    ) -> list[int]:
        """The best `limit` of the index's best `pool` matches (all with None) in `ids`.
        FTS5 ranks fastest alone (ORDER BY rank LIMIT); the collection filter comes after."""
        marks = ",".join("?" * len(ids))
        cap = "LIMIT ?" if pool is not None else ""
        rows = self._conn.execute(
            "SELECT chunks.id FROM (SELECT rowid AS id, rank FROM chunks_fts "
            f"WHERE chunks_fts MATCH ? ORDER BY rank {cap}) AS hit "
            "JOIN chunks ON chunks.id = hit.id JOIN files ON files.id = chunks.file_id "
            f"WHERE files.collection_id IN ({marks}) ORDER BY hit.rank LIMIT ?",
            (match, *([pool] if pool is not None else []), *ids, limit),
        )
        return [int(r[0]) for r in rows]

    def _pool_was_full(self, match: str) -> bool:
        row = self._conn.execute(
            "SELECT COUNT(*) FROM (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
            (match, BM25_POOL + 1),
        ).fetchone()
        return int(row[0]) > BM25_POOL

    def _vector(self, query: str, ids: tuple[int, ...], limit: int) -> list[int]:
        embedder = self.embedder
        matrix = self._load(ids, vector_tag(embedder), embedder.dim)
        if len(matrix.ids) == 0:
            return []
        q = embedder.embed([query], query=True)[0]
        scores = matrix.vectors @ q
        top = min(limit, len(scores))
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [int(matrix.ids[i]) for i in best]

    def _load(self, ids: tuple[int, ...], tag: str, dim: int) -> _Matrix:
        """The collections' vectors made by the embedder `tag` names (never another's), read
        again only when the index or the embedder changed."""
        key = (index_db.generation(self._conn), ids, tag)
        if self._matrix is not None and self._matrix.key == key:
            return self._matrix
        marks = ",".join("?" * len(ids))
        rows = self._conn.execute(
            "SELECT chunks.id, chunks.vector FROM chunks JOIN files ON files.id = chunks.file_id "
            f"WHERE files.collection_id IN ({marks}) AND chunks.embedder = ? ORDER BY chunks.id",
            (*ids, tag),
        ).fetchall()
        chunk_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
        self._matrix = _Matrix(key, chunk_ids, vectors.reshape(len(rows), dim))
        return self._matrix

    def _passages(self, ranked: list[tuple[int, float]]) -> list[Passage]:
        if not ranked:
            return []
        marks = ",".join("?" * len(ranked))
        rows = self._conn.execute(
            "SELECT chunks.id, files.path, chunks.location, chunks.text FROM chunks "
            f"JOIN files ON files.id = chunks.file_id WHERE chunks.id IN ({marks})",
            [item for item, _ in ranked],
        ).fetchall()
        found = {r[0]: r for r in rows}
        hits = [(found[i], score) for i, score in ranked if i in found]
        return [Passage(row[1], row[2], score, row[3]) for row, score in hits]

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn
