"""The retrieval benchmark's quality targets on a small corpus (no timing: that is bench/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.documents import index_db
from app.documents.embedder import default_embedder
from app.documents.indexer import Indexer
from app.documents.retrieval import Retriever
from bench.retrieval import index_folder, misses, quality
from bench.retrieval_corpus import write_corpus


@pytest.mark.slow
def test_fused_recall_beats_bm25_and_vectors_alone(tmp_path: Path) -> None:
    questions = write_corpus(tmp_path / "corpus", towns=100, seed=11)
    db = tmp_path / "index.sqlite3"
    indexer, retriever = Indexer(default_embedder(), db), Retriever(default_embedder(), db)
    try:
        cid, sync = index_folder(indexer, tmp_path / "corpus")
        assert index_db.counts(indexer.connection, cid) == (100, 800)
        assert not sync.unreadable and sync.pages > 0
        figures = quality(retriever, [cid], questions[::2])  # both kinds of question
    finally:
        indexer.close()
        retriever.close()
    assert len(questions) == 700
    assert misses({"quality": figures}) == []
    assert figures["fused"]["recall_at_5"] >= 0.9
    for mode in ("bm25", "vector", "fused"):
        assert 0 < figures[mode]["mrr"] <= figures[mode]["recall_at_5"] <= 1
