"""Start-up with a big history: the whole integrity check is moved off the start-up path to
the background upkeep, which flags damage so the next start recovers the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.store import open_store, opening
from app.store.maintenance import run_maintenance


def _message_leaf(path: Path) -> int:
    """A 0-based page of the messages table (dbstat numbers pages from 1)."""
    db = sqlite3.connect(path)
    page = db.execute(
        "SELECT pageno FROM dbstat WHERE name = 'messages' AND pagetype = 'leaf'"
        " ORDER BY pageno DESC LIMIT 1"
    ).fetchone()[0]
    db.close()
    return int(page) - 1


def test_a_big_file_is_checked_whole_in_the_background(
    tmp_path: Path, chat_files: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "conversations.sqlite3"
    chat_files.write_chats(path, 6, 20)
    monkeypatch.setattr(opening, "FULL_CHECK_BYTES", 4096)  # every file counts as big
    assert opening.damage_of(path) is None
    chat_files.damage_pages(path, [_message_leaf(path)])
    assert opening.damage_of(path) is None  # start-up: schema and conversation list only
    assert opening.damage_of(path, whole=True) is not None
    run_maintenance(path)  # the upkeep's whole check finds it and flags the file
    assert (tmp_path / "conversations.sqlite3.needs-check").exists()
    assert opening.damage_of(path) is not None  # so the next start checks it whole
    opened = open_store(path)
    assert opened.recovery is not None  # and recovers it
    assert opened.store.integrity_check() == "ok"
    opened.store.close()


def test_a_sound_big_file_is_not_flagged(
    tmp_path: Path, chat_files: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "conversations.sqlite3"
    chat_files.write_chats(path, 2, 5)
    monkeypatch.setattr(opening, "FULL_CHECK_BYTES", 4096)
    assert opening.check_in_background(path) is None
    assert not (tmp_path / "conversations.sqlite3.needs-check").exists()
