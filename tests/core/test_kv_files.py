"""KV snapshot files: round trip, damage and mismatch detection, LRU cap."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.engine.kv_files import KvSnapshot, KvStateFiles


def snap(cid: str, size: int = 1000, fingerprint: str = "fp") -> KvSnapshot:
    return KvSnapshot(cid, fingerprint, [1, 2, 3, 40000], "héllo 🙂", os.urandom(size), 4)


def test_round_trip(tmp_path: Path) -> None:
    files = KvStateFiles(tmp_path, 10**9)
    original = snap("a")
    files.save(original)
    assert files.load("a", "fp") == original


def test_other_fingerprint_or_conversation_is_ignored_and_removed(tmp_path: Path) -> None:
    files = KvStateFiles(tmp_path, 10**9)
    files.save(snap("a"))
    assert files.load("a", "other-model") is None
    assert not files.path_for("a").exists()


def test_truncated_and_corrupted_files_are_ignored(tmp_path: Path) -> None:
    files = KvStateFiles(tmp_path, 10**9)
    for damage in (lambda b: b[:-10], lambda b: b[:-5] + b"xxxxx", lambda b: b"junk" + b):
        path = files.save(snap("a"))
        path.write_bytes(damage(path.read_bytes()))
        assert files.load("a", "fp") is None


def test_total_size_is_capped_least_recently_used_first(tmp_path: Path) -> None:
    files = KvStateFiles(tmp_path, 4000)
    for index, cid in enumerate("abc"):
        files.save(snap(cid))
        past = time.time() - 100 + index
        os.utime(files.path_for(cid), (past, past))
    assert files.load("a", "fp") is not None  # a is now the most recently used
    files.save(snap("d"))
    assert files.total_bytes() <= 4000
    assert files.path_for("a").exists() and files.path_for("d").exists()
    assert not files.path_for("b").exists()
