"""Privacy of documents: indexing and retrieval (extraction, WordLlama's vectors, SQLite)
open no socket at all, not even to loopback, and write only under HEARTH_HOME and the temp
dir; removing the collection leaves none of it in the index. No model needed."""

from __future__ import annotations

from pathlib import Path

from tests.faults.audit import outside
from tests.faults.sandbox import FOLDERS, run_child


def test_indexing_and_retrieval_open_no_socket_and_write_only_app_dirs(tmp_path: Path) -> None:
    for name in FOLDERS:
        (tmp_path / name).mkdir()
    (report,) = run_child(tmp_path, "tests.faults.documents_privacy_child")
    seen = report["seen"]
    assert seen["chunks"] >= 6 and seen["unreadable"] == 1 and seen["top"] == "page 2"
    assert seen["updated"] == 1 and seen["left"] == 0
    assert report["network"] == [] and report["connections"] == []  # not even loopback
    allowed = [str(tmp_path / "home"), str(tmp_path / "tmp")]
    assert outside(report["writes"], allowed) == []
    assert any(path.endswith("documents.sqlite3") for path in report["writes"])
    assert list((tmp_path / "user-home").iterdir()) == [], "nothing written to ~"
    assert list((tmp_path / "cwd").iterdir()) == [], "nothing written to the working dir"
