"""A real full disk (a small tmpfs under the data folder) and errors raised inside Qt slots,
through the real main window (offscreen) on the real default model.

Afterwards the store itself is asked: no earlier message is lost, and what could not be
written while the disk was full is written once there is room.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from app.chat.values import GenerationParams, LoadOptions
from app.engine.fake import FakeEngine
from app.settings import Settings
from app.ui.shell.app import make_engine
from tests.faults.recording import RecordProperty
from tests.ui.window_helpers import FAKE_MODEL, Built, build_window, close_built, send

SHORT = GenerationParams(temperature=0.0, top_k=1, max_tokens=16, seed=7)
LONG = GenerationParams(temperature=0.0, top_k=1, max_tokens=400, seed=7)
CONTEXT = LoadOptions(n_ctx=1024, n_threads=2)
TYPED = "This is a long message I typed carefully and must not lose. " * 20


@pytest.fixture
def real_window(qtbot: QtBot, default_model: Path) -> Iterator[Any]:
    made: list[Built] = []

    def make(generation: GenerationParams = SHORT) -> Built:
        settings = Settings(generation=generation, load=CONTEXT)
        built = build_window(
            qtbot, lambda: make_engine(settings.kv_cache_limit_mb), str(default_model), settings
        )
        made.append(built)
        return built

    yield make
    for built in made:
        close_built(built)


def _fill(built: Built, disk: Any) -> None:
    built.store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write must grow
    assert disk.fill() > 0


@pytest.mark.model
def test_full_disk_keeps_the_typed_text_and_the_streaming_reply(
    qtbot: QtBot,
    hearth_home: Path,
    small_disk: Any,
    real_window: Any,
    record_property: RecordProperty,
) -> None:
    disk = small_disk(hearth_home / "data", size_kb=4096)
    built = real_window(LONG)
    window = built.window
    window.session.apply_settings(window.settings.with_changes(generation=SHORT))
    send(qtbot, window, "Say hello.", timeout_ms=120_000)
    earlier = [(m.role, m.content) for m in built.messages()]
    _fill(built, disk)
    window.composer.edit.setPlainText(TYPED)
    window.composer.submit()
    assert window.composer.edit.toPlainText() == TYPED, "the typed text stays in the composer"
    banner = window.banner.text
    assert "is full" in banner and str(disk.path) in banner and "Free at least" in banner
    assert not window.session.busy, "nothing was sent"
    assert [(m.role, m.content) for m in built.messages()] == earlier
    disk.free()
    window.session.apply_settings(window.settings.with_changes(generation=LONG))
    window.composer.submit()
    qtbot.waitUntil(lambda: len(window.transcript.reply_text or "") > 20, timeout=120_000)
    _fill(built, disk)
    with qtbot.waitSignal(window.chat.reply_finished, timeout=120_000) as done:
        pass
    reply = done.args[0].finished.text
    assert not done.args[0].saved and "retr" in window.banner.text.lower()
    assert reply.split()[0] in window.transcript.toPlainText(), "the reply stays on screen"
    disk.free()
    qtbot.waitUntil(lambda: not window.session.unsaved_replies, timeout=15_000)
    qtbot.waitUntil(lambda: "retr" not in window.banner.text.lower(), timeout=5_000)
    stored = [(m.role, m.content) for m in built.messages()]
    assert stored == [*earlier, ("user", TYPED), ("assistant", reply)]
    assert built.store.integrity_check() == "ok"
    record_property("typed_text_kept", f"{len(TYPED)}/{len(TYPED)} chars")
    record_property("messages_stored_after_room", f"{len(stored)}/{len(earlier) + 2}")
    record_property("reply_chars_kept", f"{len(stored[-1][1])}/{len(reply)}")


@pytest.mark.model
def test_kv_state_save_on_a_full_disk_logs_one_line_and_chat_goes_on(
    qtbot: QtBot,
    hearth_home: Path,
    small_disk: Any,
    real_window: Any,
    caplog: pytest.LogCaptureFixture,
    record_property: RecordProperty,
) -> None:
    disk = small_disk(hearth_home / "cache", size_kb=1024)
    built = real_window()
    window = built.window
    send(qtbot, window, "Say hello.", timeout_ms=120_000)
    assert disk.fill() >= 0
    caplog.set_level(logging.INFO)
    # Switching parks the first conversation's KV state in RAM; it goes to disk when RAM's
    # share is full or at exit: the same save, asked for here through the engine protocol.
    window.runner.submit(lambda engine: engine.save_state()).result(timeout=60)
    lines = [r for r in caplog.records if "could not save KV state" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    window.conversations.new()
    send(qtbot, window, "Say goodbye.", timeout_ms=120_000)  # the chat goes on
    assert window.error_panel.isHidden() and not window.banner.isVisible(), "no dialog, no banner"
    assert [m.role for m in built.messages()] == ["user", "assistant"]
    record_property("kv_save_failures_logged", len(lines))
    record_property("dialogs", 0)


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_or_thread_is_logged_and_shown_and_the_app_runs_on(
    qtbot: QtBot,
    hearth_home: Path,
    record_property: RecordProperty,
) -> None:
    from app.logs import log_path, setup_logging
    from app.ui.shell.error_reporting import install_error_reporting

    setup_logging()
    built = build_window(qtbot, lambda: FakeEngine(), FAKE_MODEL, Settings())
    window = built.window
    hooks = install_error_reporting(window)
    try:

        def broken_slot() -> None:
            raise ZeroDivisionError("a bug in a slot")

        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: window.error_panel.isVisible(), timeout=5_000)
        assert "ZeroDivisionError: a bug in a slot" in window.error_panel.text.toPlainText()
        thread = threading.Thread(target=lambda: 1 / 0, name="worker")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: window.error_panel.count == 2, timeout=5_000)
        window.error_panel.copy()
        from PySide6.QtWidgets import QApplication

        assert "ZeroDivisionError" in QApplication.clipboard().text()
        send(qtbot, window, "still there?")
        assert built.messages()[-1].content == "You said: still there?"
    finally:
        hooks.uninstall()
        close_built(built)
    logged = log_path().read_text("utf-8")
    assert logged.count("ZeroDivisionError") >= 2 and "a bug in a slot" in logged
    record_property("exceptions_reported", f"{window.error_panel.count}/2")
    record_property("log", "hearth.log (rotating)")
