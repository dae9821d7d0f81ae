"""Embedders and token cost without a model: vectors are tagged with the embedder that made
them and never compared with another's; switching embedder embeds the index again (pausable);
an index from before the tags gets WordLlama's; attachments are counted with the model's
own tokenizer (its vocabulary alone), the estimate only without one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.default_model import default_model_path
from app.documents import context, index_db, indexer
from app.documents.embedder import WordLlamaEmbedder, default_embedder, vector_tag
from app.documents.llama_embedder import usable_embedder
from app.documents.service import DocumentLibrary
from app.documents.token_cost import ModelTokens
from app.engine.token_counter import open_vocab
from app.hub.local.gguf_header import read_gguf_metadata
from app.hub.local.local_scan import scan_models
from tests.core import documents_files as files
from tests.core.hub_gguf_files import llama_values, write_gguf

SMALL = WordLlamaEmbedder(dim=64)  # a second real embedder: other name, other dimension


def _tags(library: DocumentLibrary) -> dict[str, int]:
    rows = library.indexer.connection.execute(
        "SELECT embedder, COUNT(*), MIN(LENGTH(vector)), MAX(LENGTH(vector)) FROM chunks "
        "GROUP BY embedder"
    ).fetchall()
    for tag, _count, shortest, longest in rows:
        assert shortest == longest == int(tag.rsplit("@", 1)[1]) * 4  # float32 of its dim
    return {tag: count for tag, count, _, _ in rows}


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    files.write_readable_four(root)
    return root


def test_switching_embedder_embeds_again_and_never_mixes_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = DocumentLibrary(tmp_path / "index.sqlite3")
    try:
        cid = library.add_collection("docs", [_folder(tmp_path)]).id
        first = library.sync(cid)
        big = vector_tag(default_embedder())
        assert big == "wordllama-l2_supercat-256@256" and _tags(library) == {big: first.chunks}
        assert library.set_embedder(SMALL) is default_embedder()
        assert library.retriever.search("vault code", [cid], mode="vector") == []  # none yet
        found = library.retriever.search("vault code 7319", [cid], mode="fused")
        assert Path(found[0].file).name == "report.pdf"  # the words still find it
        monkeypatch.setattr(indexer, "REEMBED_BATCH", 2)
        small = vector_tag(SMALL)
        paused = library.sync(cid, should_pause=lambda: small in _tags(library))  # one batch
        assert paused.paused and paused.reembedded == 2 and paused.unchanged == 4
        assert _tags(library) == {big: first.chunks - 2, small: 2}
        half = library.retriever.search("vault code", [cid], k=10, mode="vector")
        assert len(half) == 2  # only the vectors SMALL made are compared with its question's
        done = library.sync(cid)
        assert not done.paused and done.reembedded == first.chunks - 2 and done.updated == 0
        assert _tags(library) == {small: first.chunks}
        best = library.retriever.search("What is the vault code?", [cid], k=3)
        assert (Path(best[0].file).name, best[0].location) == ("report.pdf", "page 2")
        assert library.sync(cid).reembedded == 0
    finally:
        library.close()


def test_an_index_from_before_the_tags_gets_wordllamas_and_is_searched(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    library = DocumentLibrary(db)
    try:
        cid = library.add_collection("docs", [_folder(tmp_path)]).id
        chunks = library.sync(cid).chunks
    finally:
        library.close()
    old = sqlite3.connect(db)  # back to schema 1: no tag column
    try:
        old.execute("ALTER TABLE chunks DROP COLUMN embedder")
        old.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
        old.commit()
    finally:
        old.close()
    library = DocumentLibrary(db)
    try:
        conn = library.retriever.connection
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("2",)
        assert _tags(library) == {index_db.LEGACY_TAG: chunks}
        best = library.retriever.search("vault code", [cid], k=3, mode="vector")
        assert best and Path(best[0].file).name == "report.pdf"
        assert library.sync(cid).reembedded == 0  # WordLlama's vectors are kept
    finally:
        library.close()


def test_a_closed_library_opens_no_new_connection(tmp_path: Path) -> None:
    library = DocumentLibrary(tmp_path / "index.sqlite3")
    conn = library.indexer.connection
    library.close()
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")  # closed, not left to the garbage collector
    with pytest.raises(RuntimeError, match="closed"):
        library.retriever  # noqa: B018


def test_attachments_are_counted_with_the_models_tokenizer(tmp_path: Path) -> None:
    model = default_model_path()
    assert model is not None
    digits = tmp_path / "readings.txt"
    digits.write_text("\n".join("7319 4402 9157 2268" for _ in range(120)))  # 1 token a digit
    tokens = ModelTokens(open_vocab)
    try:
        count, exact = tokens.counter()
        assert not exact and count is context.estimate_tokens  # no model loaded yet
        estimated = context.plan([digits], 1500, count, exact)[0]
        tokens.set_model(str(model))
        count, exact = tokens.counter()
        counted = context.plan([digits], 1500, count, exact)[0]
    finally:
        tokens.close()
    assert estimated.mode == "whole" and estimated.tokens < 1500 < counted.tokens
    assert counted.mode == "passages" and counted.tokens >= 4 * 4 * 120
    assert "readings.txt: whole (~" in context.describe([estimated])
    assert f"of {counted.tokens:,} tokens)" in context.describe([counted])
    vanished = ModelTokens(open_vocab)
    vanished.set_model(str(tmp_path / "gone.gguf"))
    assert vanished.counter() == (context.estimate_tokens, False)  # estimate, never a failure


def test_embedding_models_are_recognised_and_offered_apart(tmp_path: Path) -> None:
    from app import paths

    root = paths.models_dir()
    bert = {
        "general.architecture": "nomic-bert",
        "general.name": "nomic-embed-text-v1.5",
        "nomic-bert.context_length": 2048,
        "nomic-bert.embedding_length": 768,
        "nomic-bert.pooling_type": 1,
    }
    write_gguf(root / "nomic-embed-text-v1.5.Q4_K_M.gguf", bert)
    write_gguf(root / "qwen3-embedding.gguf", llama_values(**{"llama.pooling_type": 3}))
    write_gguf(root / "chat.gguf", llama_values())
    found = {m.name: m.embedding for m in scan_models() if m.source == "models_dir"}
    assert found == {"chat": False, "nomic-embed-text-v1.5.Q4_K_M": True, "qwen3-embedding": True}
    default = read_gguf_metadata(Path(str(default_model_path())))
    assert not default.is_embedding_model


def test_a_file_that_cannot_embed_leaves_the_built_in_in_place(tmp_path: Path) -> None:
    broken = tmp_path / "nomic-embed-text-v1.5.Q4_K_M.gguf"
    broken.write_bytes(b"<html>not found</html>")  # a failed download saved as the model
    embedder, note = usable_embedder(str(broken))
    assert embedder is default_embedder()
    assert note.startswith("nomic-embed-text-v1.5.Q4_K_M.gguf cannot produce embeddings")
    assert note.endswith("searched with the built-in WordLlama.")
    assert usable_embedder("") == (default_embedder(), "")
