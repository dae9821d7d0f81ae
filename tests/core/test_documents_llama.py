"""Document vectors through llama.cpp (`LlamaEmbedder`). The one GGUF at hand offline is the
default chat model, mean-pooled here as a stand-in for an embedding model: the test proves
the plumbing (its own thread, the tag and dimension stored, retrieval, switching back), not
the quality a real embedding model brings (bench/retrieval.py --llama measures that)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from app.documents.embedder import default_embedder, vector_tag
from app.documents.llama_embedder import LlamaEmbedder, embedder_for
from app.documents.service import DocumentLibrary

NOTES = {
    "vault.md": "# Vault\n\nThe vault code is 7319. Only the night guard knows it.",
    "herons.md": "# Birds\n\nGrey herons nest in a colony of forty birds by the lake.",
    "bread.md": "# Baking\n\nKnead the dough for ten minutes, then let it rise for an hour.",
}


@pytest.mark.model
def test_llama_vectors_are_tagged_searched_and_replaced_on_a_switch(
    default_model: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for name, text in NOTES.items():
        (folder / name).write_text(text)
    embedder = LlamaEmbedder(default_model)
    library = DocumentLibrary(tmp_path / "index.sqlite3", embedder)
    worker = ThreadPoolExecutor(1, thread_name_prefix="test-docs-index")
    try:
        cid = worker.submit(lambda: library.add_collection("notes", [folder]).id).result()
        report = worker.submit(library.sync, cid).result()
        assert report.added == 3 and report.chunks == 3
        assert embedder.threads == {"hearth-docs-embed_0"}  # never the caller's thread
        assert threading.current_thread().name not in embedder.threads
        tag = vector_tag(embedder)
        assert tag == f"gguf:{default_model.name}:{default_model.stat().st_size}@576"
        rows = library.indexer.connection.execute("SELECT embedder, vector FROM chunks").fetchall()
        assert {r[0] for r in rows} == {tag} and {len(r[1]) for r in rows} == {576 * 4}
        vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(3, 576)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
        best = library.retriever.search("What is the vault code?", [cid], k=3)
        assert Path(best[0].file).name == "vault.md"
        by_vector = library.retriever.search("grey herons by the lake", [cid], k=3, mode="vector")
        assert {Path(p.file).name for p in by_vector} == set(NOTES)  # all three: its tag
        assert library.set_embedder(default_embedder()) is embedder
        embedder.close()
        back = worker.submit(library.sync, cid).result()
        assert back.reembedded == 3 and back.added == back.updated == 0
        tags = library.indexer.connection.execute("SELECT DISTINCT embedder FROM chunks")
        assert [t[0] for t in tags] == [vector_tag(default_embedder())]
    finally:
        worker.shutdown()
        library.close()
        embedder.close()
    assert embedder_for(str(tmp_path / "gone.gguf"))[1].startswith("The embedding model gone")
