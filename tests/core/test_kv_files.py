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


def test_snapshots_of_other_models_are_kept_apart(tmp_path: Path) -> None:
    files = KvStateFiles(tmp_path, 10**9)
    files.save(snap("a"))
    files.save(snap("a", fingerprint="other-model"))
    assert files.load("a", "fp") is not None
    assert files.load("a", "other-model") is not None
    assert files.load("a", "third") is None
    files.forget("a")
    assert files.total_bytes() == 0


def test_file_claiming_another_model_is_ignored_and_removed(tmp_path: Path) -> None:
    files = KvStateFiles(tmp_path, 10**9)
    files.save(snap("a", fingerprint="other-model"))
    # Put it where model "fp" looks: the header still names the other model.
    files.path_for("a", "other-model").rename(files.path_for("a", "fp"))
    assert files.load("a", "fp") is None
    assert not files.path_for("a", "fp").exists()


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
        os.utime(files.path_for(cid, "fp"), (past, past))
    assert files.load("a", "fp") is not None  # a is now the most recently used
    files.save(snap("d"))
    assert files.total_bytes() <= 4000
    assert files.path_for("a", "fp").exists() and files.path_for("d", "fp").exists()
    assert not files.path_for("b", "fp").exists()
