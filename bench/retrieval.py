"""Retrieval benchmark: recall@5 and MRR for BM25 alone, vectors alone and fused (RRF) on a
generated corpus with planted facts (bench/retrieval_corpus.py); indexing throughput in
pages/s; query latency at 1,000 and 10,000 chunks; memory. No model, no lock needed.

Targets: fused recall@5 beats both alone; a fused query at 10,000 chunks takes <= 50 ms.
`python -m bench.retrieval` prints the JSON report (also `bench/run.py --only retrieval`).

`--llama [GGUF]` (run it under `flock /tmp/hearth-model.lock`) adds the embedder rows: the
same small corpus embedded by WordLlama and by the GGUF through llama.cpp (default: the
default chat model, mean-pooled, a stand-in; a real embedding model does better).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil

from app.documents import index_db
from app.documents.embedder import Embedder, default_embedder, vector_tag
from app.documents.indexer import Indexer
from app.documents.retrieval import Mode, Retriever
from bench.retrieval_corpus import Question, pdf_bytes, write_corpus

LATENCY_TARGET_MS = 50.0
K = 5


def quality(retriever: Retriever, ids: Sequence[int], questions: Sequence[Question]) -> dict:
    out: dict[str, dict[str, float]] = {}
    for mode in ("bm25", "vector", "fused"):
        ranks = [_rank(retriever, ids, q, mode) for q in questions]  # type: ignore[arg-type]
        hits = [r for r in ranks if r is not None and r <= K]
        out[mode] = {
            "recall_at_5": round(len(hits) / len(questions), 4),
            "mrr": round(sum(1.0 / r for r in ranks if r) / len(questions), 4),
        }
    return out


def _rank(retriever: Retriever, ids: Sequence[int], q: Question, mode: Mode) -> int | None:
    found = retriever.search(q.text, ids, k=10, mode=mode)
    for rank, passage in enumerate(found, 1):
        if passage.file == q.file and passage.location == q.location:
            return rank
    return None


def index_folder(indexer: Indexer, folder: Path) -> tuple[int, Any]:
    collection = index_db.add_collection(indexer.connection, folder.name, [folder])
    return collection.id, indexer.sync(collection.id)


def latency_ms(retriever: Retriever, ids: Sequence[int], questions: Sequence[Question]) -> dict:
    retriever.search("warm up", ids)  # loads the vectors once (reported as cold_ms)
    times = []
    for q in questions[:60]:
        started = time.perf_counter()
        retriever.search(q.text, ids)
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def bench_retrieval(towns_quality: int = 200, towns_10k: int = 1250) -> dict[str, Any]:
    process = psutil.Process()
    rss0 = process.memory_info().rss
    embedder = default_embedder()
    embedder.embed(["load the weights"])
    rss_model = process.memory_info().rss
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "documents.sqlite3"
        indexer, retriever = Indexer(embedder, db), Retriever(embedder, db)
        questions = write_corpus(root / "quality", towns_quality, seed=11)
        quality_id, _ = index_folder(indexer, root / "quality")
        report: dict[str, Any] = {"questions": len(questions)}
        report["quality"] = quality(retriever, [quality_id], questions)
        pdfs = root / "pdfs"
        pdfs.mkdir()
        for n in range(40):
            pages = [[f"Report {n}, page {p}: " + "measured figures and notes " * 6] * 30
                     for p in range(5)]  # fmt: skip
            (pdfs / f"report-{n}.pdf").write_bytes(pdf_bytes(pages))
        _, pdf_sync = index_folder(indexer, pdfs)
        report["pdf_pages_per_s"] = round(pdf_sync.pages / pdf_sync.seconds, 1)
        report["latency"] = {}
        for label, towns in (("1k", 125), ("10k", towns_10k)):
            qs = write_corpus(root / f"size-{label}", towns, seed=5)
            cid, sync = index_folder(indexer, root / f"size-{label}")
            chunks = index_db.counts(indexer.connection, cid)[1]
            started = time.perf_counter()
            retriever.search("cold start", [cid])
            cold = (time.perf_counter() - started) * 1000
            report["latency"][label] = {
                "chunks": chunks,
                **latency_ms(retriever, [cid], qs),
                "cold_ms": round(cold, 1),
                "index_s": round(sync.seconds, 2),
                "chunks_per_s": round(chunks / sync.seconds, 1),
                "pages_per_s": round(sync.pages / sync.seconds, 1) if sync.pages else None,
            }
        report["memory_mb"] = {
            "embedder": round((rss_model - rss0) / 1e6, 1),
            "process_rss": round(process.memory_info().rss / 1e6, 1),
            "vectors_10k": round(report["latency"]["10k"]["chunks"] * 256 * 4 / 1e6, 1),
            "index_file": round(db.stat().st_size / 1e6, 1),
        }
        indexer.close()
        retriever.close()
    report["misses"] = misses(report)
    return report


def bench_embedder(embedder: Embedder, towns: int = 20) -> dict[str, Any]:
    """One embedder on a small corpus: quality per mode, indexing speed, query time. Small,
    because a GGUF through llama.cpp embeds a few hundred tokens a second on a laptop CPU."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "documents.sqlite3"
        indexer, retriever = Indexer(embedder, db), Retriever(embedder, db)
        try:
            questions = write_corpus(root / "corpus", towns, seed=11)
            cid, sync = index_folder(indexer, root / "corpus")
            chunks = index_db.counts(indexer.connection, cid)[1]
            return {
                "embedder": vector_tag(embedder),
                "questions": len(questions),
                "chunks": chunks,
                "index_s": round(sync.seconds, 2),
                "chunks_per_s": round(chunks / sync.seconds, 1),
                "quality": quality(retriever, [cid], questions),
                "query": latency_ms(retriever, [cid], questions),
            }
        finally:
            indexer.close()
            retriever.close()


def bench_llama_embedder(gguf: Path, towns: int = 20) -> dict[str, Any]:
    """WordLlama and the GGUF side by side on the same corpus."""
    from app.documents.llama_embedder import LlamaEmbedder

    llama = LlamaEmbedder(gguf)
    try:
        return {
            "wordllama": bench_embedder(default_embedder(), towns),
            "llama": bench_embedder(llama, towns),
        }
    finally:
        llama.close()


def misses(report: dict[str, Any]) -> list[str]:
    found = []
    q = report["quality"]
    for alone in ("bm25", "vector"):
        if q["fused"]["recall_at_5"] <= q[alone]["recall_at_5"]:
            found.append(
                f"retrieval: fused recall@5 {q['fused']['recall_at_5']} does not beat "
                f"{alone} {q[alone]['recall_at_5']}"
            )
    at_10k = report.get("latency", {}).get("10k")
    if at_10k and at_10k["median_ms"] > LATENCY_TARGET_MS:
        found.append(f"retrieval: query at 10k chunks {at_10k['median_ms']} ms > 50 ms")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llama", nargs="?", const="", metavar="GGUF", default=None,
                        help="add the embedder rows (default GGUF: the default model)")  # fmt: skip
    parser.add_argument("--towns", type=int, default=20, help="corpus size of the embedder rows")
    args = parser.parse_args()
    os.environ.setdefault("HEARTH_HOME", tempfile.mkdtemp())
    if args.llama is not None:
        from app.default_model import default_model_path

        gguf = Path(args.llama) if args.llama else default_model_path()
        if gguf is None:
            print("no GGUF: pass --llama PATH", file=sys.stderr)
            return 2
        print(json.dumps(bench_llama_embedder(gguf, args.towns), indent=2))
        return 0
    report = bench_retrieval()
    print(json.dumps(report, indent=2))
    return 1 if report["misses"] else 0


if __name__ == "__main__":
    sys.exit(main())
