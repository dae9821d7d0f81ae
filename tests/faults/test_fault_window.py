"""Faults seen through the real main window on the real default model (offscreen Qt).

Bad model files: the error is shown, the window keeps running, the previous model answers.
Switching conversation or model mid-reply: no crash, the reply lands in its own conversation.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.chat.values import GenerationParams, LoadOptions
from app.settings import Settings
from app.ui.shell.app import make_engine
from app.ui.shell.main_window import MainWindow
from tests.core.bad_models import BAD_KINDS, make_bad_model
from tests.faults.recording import RecordProperty
from tests.ui.window_helpers import Built, build_window, close_built, send, type_and_enter

pytestmark = pytest.mark.model

SHORT = GenerationParams(temperature=0.0, top_k=1, max_tokens=16, seed=7)
LONG = GenerationParams(temperature=0.0, top_k=1, max_tokens=300, seed=7)
CONTEXT = LoadOptions(n_ctx=1024, n_threads=2)
STORY = "Write a long story about a dragon who learns to cook."


@pytest.fixture
def open_window(qtbot: QtBot, default_model: Path) -> Iterator[Callable[..., Built]]:
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


def _answers(qtbot: QtBot, built: Built, text: str = "Say hello.") -> str:
    send(qtbot, built.window, text, timeout_ms=120_000)
    reply = built.messages()[-1]
    assert reply.role == "assistant" and reply.content.strip() and reply.complete
    return reply.content


def _make_unreadable(model: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = folder / "locked.gguf"
    path.write_bytes(model.read_bytes()[:65536])
    path.chmod(0o000)
    if hasattr(os, "getuid") and os.getuid() == 0:  # root reads anything: answer as for a user
        real_access = os.access
        monkeypatch.setattr(
            os, "access", lambda p, m, **kw: False if Path(p) == path else real_access(p, m, **kw)
        )
    return path


KINDS = {**BAD_KINDS, "unreadable": ("permission denied",)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_bad_model_file_shows_an_error_and_the_previous_model_still_answers(
    kind: str,
    qtbot: QtBot,
    open_window: Callable[..., Built],
    default_model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    record_property: RecordProperty,
) -> None:
    built = open_window()
    window = built.window
    _answers(qtbot, built)
    if kind == "unreadable":
        bad = _make_unreadable(default_model, tmp_path, monkeypatch)
    else:
        bad = make_bad_model(kind, default_model, tmp_path)
    with qtbot.waitSignal(window.models.load_failed, timeout=60_000) as failed:
        window.load_model(str(bad))
    path, message = failed.args
    record_property("message", message.replace(str(bad), bad.name))
    assert path == str(bad) and str(bad) in message
    assert any(word in message.lower() for word in KINDS[kind]), message
    box = window.findChild(QMessageBox, "load_error_box")
    assert box is not None and box.isVisible() and box.text() == message
    box.close()
    assert window.isVisible()
    assert window.models.info is not None and window.models.info.path == str(default_model)
    assert window.composer._model_loaded, "the composer still accepts messages"
    _answers(qtbot, built, "Say goodbye.")
    assert [m.role for m in built.messages()] == ["user", "assistant", "user", "assistant"]


def _start_long_reply(qtbot: QtBot, window: MainWindow, chars: int = 40) -> None:
    type_and_enter(qtbot, window, STORY)
    qtbot.waitUntil(lambda: len(window.transcript.reply_text or "") > chars, timeout=120_000)


def test_switching_conversation_mid_reply_keeps_the_reply_in_its_own_conversation(
    qtbot: QtBot, open_window: Callable[..., Built]
) -> None:
    built = open_window(LONG)
    window = built.window
    _answers(qtbot, built, "What is the capital of Italy?")
    other = window.session.conversation_id
    assert other is not None
    other_before = [(m.role, m.content) for m in built.messages(other)]
    window.conversations.new()
    first = window.session.conversation_id
    assert first != other
    _start_long_reply(qtbot, window)
    window.conversations.open(other)
    assert window.session.conversation_id == other
    qtbot.waitUntil(lambda: not window.session._turns, timeout=120_000)  # the old turn ended
    stored = built.messages(first)
    assert [m.role for m in stored] == ["user", "assistant"]
    assert stored[1].content.strip() and not stored[1].complete, "partial reply kept, marked"
    assert [(m.role, m.content) for m in built.messages(other)] == other_before, "untouched"
    assert stored[1].content[:20] not in window.transcript.toPlainText()
    _answers(qtbot, built, "And of France?")
    assert len(built.messages(first)) == 2


def test_switching_model_mid_reply_stops_saves_and_the_new_model_answers(
    qtbot: QtBot, open_window: Callable[..., Built], default_model: Path, tmp_path: Path
) -> None:
    built = open_window(LONG)
    window = built.window
    twin = tmp_path / "twin-of-default.gguf"
    shutil.copyfile(default_model, twin)
    conversation = window.session.conversation_id
    _start_long_reply(qtbot, window)
    with qtbot.waitSignal(window.models.loaded, timeout=120_000):
        window.load_model(str(twin))
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60_000)
    assert window.models.info is not None and window.models.info.path == str(twin)
    assert window.session.conversation_id == conversation
    stored = built.messages()
    assert [m.role for m in stored] == ["user", "assistant"]
    assert stored[1].content.strip() and not stored[1].complete
    window.session.apply_settings(window.settings.with_changes(generation=SHORT))
    _answers(qtbot, built, "Now say hello.")
    assert built.messages()[-1].conversation_id == conversation
    assert built.store.integrity_check() == "ok"


HUGE = {
    "1-MB-paste": ("The quick brown fox jumps over the lazy dog. " * 24_000)[: 1 << 20],
    "10000-lines": "\n".join(f"line {n}: some pasted log output" for n in range(10_000)),
}


@pytest.mark.parametrize("kind", sorted(HUGE))
def test_huge_paste_in_the_window_gets_a_clear_message_and_nothing_is_lost(
    kind: str, qtbot: QtBot, open_window: Callable[..., Built], record_property: RecordProperty
) -> None:
    built = open_window()
    window = built.window
    _answers(qtbot, built)
    started = time.perf_counter()
    with qtbot.waitSignal(window.chat.reply_finished, timeout=120_000) as finished:
        type_and_enter(qtbot, window, HUGE[kind])
    record_property("paste_to_message_s", f"{time.perf_counter() - started:.1f}")
    error = finished.args[0].finished.error
    assert error and "tokens long" in error and "context window" in error
    stored = built.messages()
    assert [m.role for m in stored] == ["user", "assistant", "user", "notice"]
    assert stored[2].content == HUGE[kind] and error in stored[3].content
    assert "tokens long" in window.transcript.toPlainText(), "the message is shown"
    _answers(qtbot, built, "Say goodbye.")
