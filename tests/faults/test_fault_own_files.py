"""Hearth's own files at start-up, through the real `run_gui` (offscreen) and the real model.

Each case damages a real file (SQLite pages overwritten, JSON hand-edited, a folder mounted
read-only, a second process), starts Hearth in a subprocess and checks that the window ends
up usable with a model loaded and one clear sentence, nothing goes to stderr alone, and the
store itself afterwards still holds every message that could be read.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import app
from app.store import ChatStore, separate_database_path
from tests.faults.recording import RecordProperty

pytestmark = [pytest.mark.model, pytest.mark.slow]
DRIVER = "tests.faults.startup_driver"
ROOT = Path(app.__file__).resolve().parent.parent


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _all_texts(path: Path) -> dict[str, list[str]]:
    with ChatStore(path) as store:
        chats = store.list_conversations()
        # Notices (e.g. "turns were left out") are the app's words, not messages written.
        return {
            c.id: [m.content for m in store.messages(c.id) if m.role != "notice"] for c in chats
        }


def _no_bare_traceback(driver: Any) -> None:
    assert "Traceback" not in driver.stderr(), driver.stderr()


def _db(home: Path) -> Path:
    (home / "data").mkdir(parents=True, exist_ok=True)
    return home / "data" / "conversations.sqlite3"


@pytest.mark.parametrize("damage", ["partly", "wholly"])
def test_damaged_database_is_kept_and_what_can_be_read_is_recovered(
    damage: str,
    hearth_home: Path,
    default_model: Path,
    chat_files: Any,
    start_driver: Any,
    record_property: RecordProperty,
) -> None:
    db = _db(hearth_home)
    written = chat_files.write_chats(db, 12, 20)
    total = sum(len(texts) for texts in written.values())
    pages = db.stat().st_size // 4096
    hit = [pages // 3, pages // 2, 2 * pages // 3] if damage == "partly" else range(pages)
    chat_files.damage_pages(db, hit)
    original = _digest(db)
    driver = start_driver(hearth_home, DRIVER, str(default_model), "--send", "Say hello.")
    ready = driver.until("ready")
    finished = driver.until("finished")
    assert driver.wait() == 0
    _no_bare_traceback(driver)
    assert ready["model"] == str(default_model) and ready["visible"]
    assert "Open folder" in ready["banner_html"] and ready["banner_visible"]
    aside = re.compile(r"conversations\.damaged-.*\.sqlite3")
    kept = [p for p in db.parent.iterdir() if aside.fullmatch(p.name)]
    assert len(kept) == 1 and _digest(kept[0]) == original, "the damaged file is kept as it was"
    assert str(kept[0]) in ready["banner"]
    recovered = _all_texts(db)
    turn = ["Say hello.", finished["text"]]
    holding = [t for t in recovered.values() if t[-2:] == turn]
    assert len(holding) == 1, "the new turn is stored, once, at the end of the open chat"
    holding[0][-2:] = []  # what is left is what was recovered
    old = {cid: texts for cid, texts in recovered.items() if cid in written}
    got = sum(len(texts) for texts in old.values())
    for cid, texts in old.items():
        assert set(texts) <= set(written[cid]), "only what was written comes back"
    if damage == "partly":
        assert f"{got} messages were recovered" in ready["banner"]
        assert got >= total - 3 * 12, "at most the messages on three pages are lost"
    else:
        assert got == 0 and "nothing in it could be read" in ready["banner"]
    record_property("messages_recovered", f"{got}/{total}")
    record_property("conversations_recovered", f"{len(old)}/{len(written)}")
    record_property("original_kept_byte_identical", "yes")


def test_database_from_a_newer_hearth_is_left_alone_and_a_fresh_one_can_be_used(
    hearth_home: Path,
    default_model: Path,
    chat_files: Any,
    start_driver: Any,
    record_property: RecordProperty,
) -> None:
    db = _db(hearth_home)
    chat_files.write_chats(db, 2, 4)
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    before = _digest(db)
    refused = start_driver(hearth_home, DRIVER, str(default_model))
    assert refused.wait(timeout=120) == 1
    assert refused.until("exit")["code"] == 1
    _no_bare_traceback(refused)
    fresh = start_driver(
        hearth_home, DRIVER, str(default_model), "--fresh-if-newer", "--send", "Hi."
    )
    ready = fresh.until("ready")
    fresh.until("finished")
    assert fresh.wait() == 0
    assert _digest(db) == before, "the newer file is untouched"
    separate = separate_database_path(db)
    assert "separate" in ready["banner"] and str(separate) in ready["banner"]
    assert [texts[0] for texts in _all_texts(separate).values()] == ["Hi."]
    record_property("newer_db_untouched", "yes")
    record_property("choice", "quit -> exit 1; fresh -> chat in a separate file")


def test_hand_edited_settings_window_state_and_download_queue(
    hearth_home: Path, default_model: Path, start_driver: Any, record_property: RecordProperty
) -> None:
    config, data = hearth_home / "config", hearth_home / "data"
    config.mkdir(parents=True)
    data.mkdir(parents=True)
    settings = {
        "system_prompt": "Answer like a pirate.",
        "generation": {"temperature": "hot", "top_k": 12},
        "load": {"n_ctx": "large"},
        "model_path": 17,
        "welcome_done": True,
        "made_up": 1,
    }
    (config / "settings.json").write_text(json.dumps(settings))
    (config / "window-state.json").write_text(json.dumps({"geometry": 5, "stats_visible": "no"}))
    good = {
        "repo_id": "someone/model-GGUF",
        "revision": "main",
        "quantization": "Q4_K_M",
        "files": [{"path": "m.gguf", "size": 100, "sha256": None}],
        "state": "paused",
        "downloaded_bytes": 10,
    }
    bad = {**good, "repo_id": "other/model-GGUF", "downloaded_bytes": "lots"}
    (data / "downloads.json").write_text(json.dumps({"version": 1, "downloads": [good, bad, 7]}))
    driver = start_driver(hearth_home, DRIVER, "-", "--send", "Hello.")
    ready = driver.until("ready")
    driver.until("finished")
    assert driver.wait() == 0
    _no_bare_traceback(driver)
    assert ready["model"] == str(default_model), "the last model was invalid: the default loads"
    banner = ready["banner"]
    for name in ("generation.temperature", "load.n_ctx", "model_path", "geometry", "stats_visible"):
        assert name in banner, (name, banner)
    assert "download" in banner.lower()
    saved = json.loads((config / "settings.json").read_text())
    assert saved["system_prompt"] == "Answer like a pirate." and saved["generation"]["top_k"] == 12
    assert saved["welcome_done"] is True and saved["model_path"] == str(default_model)
    backups = sorted(p.name for p in [*config.iterdir(), *data.iterdir()] if p.suffix == ".bak")
    assert len(backups) == 3, backups
    queue_now = json.loads((data / "downloads.json").read_text())["downloads"]
    assert [d["repo_id"] for d in queue_now] == ["someone/model-GGUF", "other/model-GGUF"]
    assert [d["downloaded_bytes"] for d in queue_now] == [10, 0], "a bad field is reset alone"
    record_property("fields_reset", "6 + 1 unusable download entry")
    record_property("fields_kept", "system_prompt, top_k, welcome_done, 2 of 3 downloads")
    record_property("backups", len(backups))


def test_read_only_data_folder_still_chats_in_memory_marked_not_saved(
    hearth_home: Path,
    default_model: Path,
    chat_files: Any,
    start_driver: Any,
    read_only_folder: Any,
    record_property: RecordProperty,
) -> None:
    db = _db(hearth_home)
    written = chat_files.write_chats(db, 2, 6)
    before = _digest(db)
    folder = read_only_folder(db.parent)
    driver = start_driver(hearth_home, DRIVER, str(default_model), "--send", "Hello there.")
    ready = driver.until("ready")
    finished = driver.until("finished")
    assert driver.wait() == 0
    _no_bare_traceback(driver)
    assert driver.until("close_asked")["texts"] == 2, "closing asked before dropping the chat"
    assert ready["in_memory"] and "not saved" in ready["title"].lower()
    assert str(folder) in ready["banner"] and "not be saved" in ready["banner"]
    assert finished["text"].strip(), "the person could chat"
    assert _digest(db) == before
    subprocess.run(["umount", "-l", str(folder)], check=True)
    assert _all_texts(db) == written, "every earlier message is still there"
    record_property("earlier_messages_kept", f"{sum(map(len, written.values()))}/12")


def test_second_start_brings_the_window_forward_and_the_cli_runs_beside_it(
    hearth_home: Path,
    tmp_path: Path,
    default_model: Path,
    start_driver: Any,
    record_property: RecordProperty,
) -> None:
    first = start_driver(hearth_home, DRIVER, str(default_model), "--wait-activation")
    first.until("waiting")
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--cli",
            "--model",
            str(default_model),
            "--max-tokens",
            "8",
            "--temperature",
            "0",
            "--threads",
            "2",
            "--ctx",
            "512",
        ],
        input="Say hi.\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
        env={**first_env(hearth_home)},
    )
    assert cli.returncode == 0, cli.stderr
    twin = tmp_path / "twin.gguf"
    shutil.copyfile(default_model, twin)
    started = time.monotonic()
    second = start_driver(hearth_home, "app", "--model", str(twin))
    assert second.wait(timeout=60) == 0
    handed_over = time.monotonic() - started
    activated = first.until("activated")
    assert activated["model"] == str(twin)
    assert first.until("loaded_again")["model"] == str(twin)
    assert first.wait() == 0
    _no_bare_traceback(first)
    _no_bare_traceback(second)
    with ChatStore(_db(hearth_home)) as store:
        assert store.integrity_check() == "ok"
    record_property("second_instance_exit", 0)
    record_property("windows", 1)
    record_property("second_exit_s", f"{handed_over:.1f}")
    record_property("cli_beside_window", "answered, exit 0")


def first_env(home: Path) -> dict[str, str]:
    import os

    return {**os.environ, "HEARTH_HOME": str(home), "PYTHONPATH": str(ROOT)}
