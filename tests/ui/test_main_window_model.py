"""The main window on the real default model (llama.cpp): the issue's "done when" list.

Run under the model lock: `flock /tmp/hearth-model.lock pytest -m model tests/ui`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from app.chat.values import GenerationParams
from app.settings import Settings
from app.ui.common.format import format_count
from app.ui.shell.app import make_engine
from app.ui.shell.main_window import MainWindow
from app.ui.shell.stall_probe import measure_reply_stall
from tests.ui import window_helpers
from tests.ui.labels import label_text as label
from tests.ui.window_helpers import SMALL_CONTEXT, Built, build_window, close_built
from tests.values_factory import GREEDY

pytestmark = pytest.mark.model

SETTINGS = Settings(generation=GREEDY, load=SMALL_CONTEXT)
REPLY_TIMEOUT_MS = 180_000  # generous: the machine may be busy with other work


def send(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window_helpers.send(qtbot, window, text, REPLY_TIMEOUT_MS)


@pytest.fixture
def open_window(qtbot: QtBot, default_model: Path) -> Iterator[object]:
    made: list[Built] = []

    def make(settings: Settings = SETTINGS) -> Built:
        built = build_window(
            qtbot,
            lambda: make_engine(settings.kv_cache_limit_mb),
            str(default_model),
            settings,
            load_timeout_ms=REPLY_TIMEOUT_MS,
        )
        made.append(built)
        return built

    yield make
    for built in made:
        close_built(built)


def last_stats(built: Built) -> dict[str, object]:
    stats = built.messages()[-1].stats
    assert stats is not None
    return stats


def test_a_reply_streams_and_is_saved(qtbot: QtBot, open_window) -> None:  # type: ignore[no-untyped-def]
    built: Built = open_window()
    window = built.window
    assert window.models.info is not None and window.models.info.architecture == "llama"
    lengths: list[int] = []
    window.bridge.events_ready.connect(
        lambda: lengths.append(len(window.transcript.reply_text or ""))
    )
    send(qtbot, window, "What is the capital of France?")
    growing = sorted(set(lengths))
    assert len(growing) >= 3, lengths  # the reply arrived in pieces, not at once
    user, reply = built.messages()
    assert (user.role, reply.role, reply.complete) == ("user", "assistant", True)
    assert reply.content.strip()
    assert reply.content.split()[0].strip("*#`") in window.transcript.toPlainText()
    stats = last_stats(built)
    assert stats["generated_tokens"] and stats["decode_tps"]
    assert label(window, "stat_state") == "idle"
    assert label(window, "stat_prompt_tokens") == format_count(int(stats["evaluated_tokens"]))
    assert window.conversation_list.titles() == ["What is the capital of France?"]


def test_stop_mid_reply(qtbot: QtBot, open_window) -> None:  # type: ignore[no-untyped-def]
    built: Built = open_window(
        SETTINGS.with_changes(
            generation=GenerationParams(temperature=0.0, top_k=1, max_tokens=400, seed=7)
        )
    )
    window = built.window
    window.composer.edit.setPlainText("Write a long story about a dragon who learns to cook.")
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as finished:
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: len(window.transcript.reply_text or "") > 40, timeout=REPLY_TIMEOUT_MS
        )
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Escape)
    assert finished.args[0].finished.reason == "cancelled"
    reply = built.messages()[-1]
    assert reply.role == "assistant" and not reply.complete and len(reply.content) > 40
    assert int(last_stats(built)["generated_tokens"]) < 400


def test_regenerate_and_edit_and_resend(qtbot: QtBot, open_window) -> None:  # type: ignore[no-untyped-def]
    built: Built = open_window()
    window = built.window
    send(qtbot, window, "Name a fruit.")
    send(qtbot, window, "Name a colour.")
    old_reply = built.messages()[-1]
    with qtbot.waitSignal(window.transcript.reply_completed, timeout=REPLY_TIMEOUT_MS):
        window.transcript.anchorClicked.emit(QUrl(f"hearth:regenerate/{old_reply.id}"))
    messages = built.messages()
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[-1].id != old_reply.id
    assert int(last_stats(built)["cached_tokens"]) > 0  # the earlier turns were reused
    first = messages[0]
    window.transcript.anchorClicked.emit(QUrl(f"hearth:edit/{first.id}"))
    send(qtbot, window, "Name a vegetable.")
    messages = built.messages()
    assert [(m.role, m.content if m.role == "user" else "") for m in messages] == [
        ("user", "Name a vegetable."),
        ("assistant", ""),
    ]
    assert messages[1].content.strip() and messages[1].complete


def test_switching_back_reuses_the_conversation_cache(qtbot: QtBot, open_window) -> None:  # type: ignore[no-untyped-def]
    built: Built = open_window()
    window = built.window
    send(qtbot, window, "Tell me about cats.")
    first = window.session.conversation_id
    first_used = int(last_stats(built)["context_used"])
    window.conversations.new()
    send(qtbot, window, "What is the capital of Italy?")
    window.conversations.open(first)
    send(qtbot, window, "And dogs?")
    stats = last_stats(built)
    print(
        "\nswitch back:",
        {
            k: stats[k]
            for k in ("prompt_tokens", "cached_tokens", "evaluated_tokens", "restored_from_disk")
        },
    )
    assert stats["restored_from_disk"] is True
    assert int(stats["cached_tokens"]) >= first_used - 1
    assert int(stats["evaluated_tokens"]) <= 20  # only the new message was read
    assert label(window, "stat_cached_tokens") == format_count(int(stats["cached_tokens"]))
    assert label(window, "stat_prompt_tokens") == format_count(int(stats["evaluated_tokens"]))


def test_close_and_reopen_keeps_history_and_cache(qtbot: QtBot, open_window) -> None:  # type: ignore[no-untyped-def]
    built: Built = open_window()
    send(qtbot, built.window, "Tell me about cats.")
    conversation = built.window.session.conversation_id
    history = [(m.role, m.content) for m in built.messages()]
    built.window.close()
    built.store.close()
    again: Built = open_window()
    assert again.window.session.conversation_id == conversation
    assert [(m.role, m.content) for m in again.messages()] == history
    assert history[1][1].split()[0] in again.window.transcript.toPlainText()
    send(qtbot, again.window, "And dogs?")
    stats = last_stats(again)
    assert stats["restored_from_disk"] is True and int(stats["evaluated_tokens"]) <= 20


def test_gui_stall_while_the_real_model_streams_into_a_long_transcript(
    qtbot: QtBot,
    open_window,  # type: ignore[no-untyped-def]
) -> None:
    from tests.ui.window_helpers import fill

    settings = SETTINGS.with_changes(
        generation=GenerationParams(temperature=0.0, top_k=1, max_tokens=400, seed=7)
    )
    built: Built = open_window(settings)
    window = built.window
    window.conversations.open(fill(built.store, 200))
    report = measure_reply_stall(window, "Write a long essay about the history of bread.")
    print("\nGUI stall probe (default model):", report.summary())
    assert report.tokens > 50
    assert report.longest_gap_s < 1.0
