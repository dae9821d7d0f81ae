"""The documents index on a real SQLite file: folders of real files, incremental re-index on
change and delete, removal, unreadable files listed, retrieval from a worker thread."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.documents import index_db
from app.documents.embedder import default_embedder
from app.documents.indexer import Indexer
from app.documents.retrieval import Retriever, fts_query, rrf
from tests.core import documents_files as files


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    files.write_readable_four(root)
    files.write_docx(root / "guide.docx")
    files.write_scanned_pdf(root / "scan.pdf")
    files.write_binary_as_text(root / "photo.txt")
    (root / "picture.png").write_bytes(b"\x89PNG\r\n")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.md").write_text("never indexed")
    return root


@pytest.fixture
def parts(tmp_path: Path) -> tuple[Indexer, Retriever]:
    db = tmp_path / "index.sqlite3"
    indexer, retriever = Indexer(default_embedder(), db), Retriever(default_embedder(), db)
    yield indexer, retriever
    indexer.close()
    retriever.close()


def _top(retriever: Retriever, cid: int, query: str) -> tuple[str, str]:
    best = retriever.search(query, [cid], k=3)[0]
    return Path(best.file).name, best.location


def test_a_folder_is_indexed_with_locations_and_every_unreadable_file_listed(
    folder: Path, parts: tuple[Indexer, Retriever]
) -> None:
    indexer, retriever = parts
    cid = index_db.add_collection(indexer.connection, "docs", [folder]).id
    report = indexer.sync(cid)
    assert report.added == 8 and report.removed == 0 and report.chunks >= 6
    reasons = {Path(u.path).name: u.kind for u in report.unreadable}
    assert reasons == {"scan.pdf": "no_text", "photo.txt": "binary", "picture.png": "unsupported"}
    assert _top(retriever, cid, "What is the vault code?") == ("report.pdf", "page 2")
    assert _top(retriever, cid, "launch code ORCHID") == (
        "notes.md",
        "Project notes > Deployment > Linux",
    )
    assert _top(retriever, cid, "how often to calibrate the barometer") == (
        "manual.html",
        "Station manual > Calibration",
    )
    assert _top(retriever, cid, "grey heron colony")[0] == "guide.docx"
    assert _top(retriever, cid, "def lighthouse beam") == ("beacon.py", "lines 61-102")
    assert not retriever.search("never indexed", [cid], mode="bm25")


def test_reindex_is_incremental_on_change_touch_and_delete(
    folder: Path, parts: tuple[Indexer, Retriever]
) -> None:
    indexer, retriever = parts
    cid = index_db.add_collection(indexer.connection, "docs", [folder]).id
    indexer.sync(cid)
    again = indexer.sync(cid)
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 8, 0)
    notes = folder / "notes.md"
    notes.write_text("# Project notes\n\nThe launch code changed to TULIP-77.\n")
    stat = (folder / "beacon.py").stat()
    os.utime(folder / "beacon.py", (stat.st_atime, stat.st_mtime + 50))  # same bytes
    (folder / "manual.html").unlink()
    changed = indexer.sync(cid)
    assert (changed.added, changed.updated, changed.unchanged, changed.removed) == (0, 1, 6, 1)
    assert changed.chunks == 1  # only notes.md was read again (beacon.py: same SHA-256)
    assert _top(retriever, cid, "launch code")[0] == "notes.md"
    assert "TULIP-77" in retriever.search("launch code", [cid], k=1)[0].text
    assert not retriever.search("ORCHID", [cid], mode="bm25")
    assert not retriever.search("barometer", [cid], mode="bm25")
    assert "manual.html" not in {Path(p.file).name for p in retriever.search("calibrate", [cid])}


def test_removing_a_collection_deletes_its_index_and_keeps_the_others(
    folder: Path, tmp_path: Path, parts: tuple[Indexer, Retriever]
) -> None:
    indexer, retriever = parts
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.md").write_text("# Other\n\nThe vault code of the other bank is 1111.\n")
    first = index_db.add_collection(indexer.connection, "docs", [folder], "conv-1").id
    second = index_db.add_collection(indexer.connection, "other", [other]).id
    indexer.sync(first)
    indexer.sync(second)
    assert retriever.search("vault code", [first, second], k=5)
    index_db.remove_collection(indexer.connection, first)
    conn = indexer.connection
    assert index_db.counts(conn, first) == (0, 0)
    assert (
        conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        == index_db.counts(conn, second)[1]
    )
    fts_rows = conn.execute(
        "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH ?", ('"7319"',)
    ).fetchone()[0]
    assert fts_rows == 0  # the keyword index forgot it too
    assert {c.name for c in index_db.collections(conn)} == {"other"}
    assert [Path(p.file).name for p in retriever.search("vault code", [first, second])] == ["a.md"]


def test_retrieval_runs_on_a_worker_thread_while_indexing_pauses_and_resumes(
    folder: Path, parts: tuple[Indexer, Retriever]
) -> None:
    indexer, retriever = parts
    cid = index_db.add_collection(indexer.connection, "docs", [folder]).id
    seen: list[int] = []
    paused = indexer.sync(
        cid, progress=lambda p: seen.append(p.done), should_pause=lambda: bool(seen)
    )
    assert paused.paused and seen == [1]
    resumed = indexer.sync(cid)
    assert not resumed.paused and resumed.unchanged == 1 and resumed.added == 7
    main = threading.get_ident()
    with ThreadPoolExecutor(1) as pool:
        found, thread = pool.submit(
            lambda: (retriever.search("vault code", [cid]), threading.get_ident())
        ).result()
    assert thread != main and Path(found[0].file).name == "report.pdf"


def test_fts_query_and_rrf() -> None:
    assert fts_query('What is "the" code (x) of A-7?') == '"code" OR "7"'
    assert fts_query("the") == '"the"'  # only stopwords: keep them rather than match nothing
    assert rrf([[1, 2, 3], [3, 1]], k=60)[0][0] == 1
    assert [item for item, _ in rrf([[1, 2], [2, 1]])] == [1, 2]  # ties: lower id first
