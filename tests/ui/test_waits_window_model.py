"""The waits in the window on the real default model (run under the model lock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.chat.values import LoadOptions
from app.settings import Settings
from app.ui.shell.app import make_engine
from tests.ui.labels import label_text
from tests.ui.window_helpers import build_window, close_built, type_and_enter
from tests.values_factory import GREEDY

pytestmark = pytest.mark.model
TIMEOUT_MS = 180_000
LONG = "Tell me everything about lighthouses and the people who kept them. " * 12


def test_load_progress_prompt_progress_and_token_count_on_the_real_model(
    qtbot: QtBot, default_model: Path
) -> None:
    settings = Settings(generation=GREEDY, load=LoadOptions(n_ctx=2048, n_threads=2, n_batch=64))
    built = build_window(
        qtbot, lambda: make_engine(settings.kv_cache_limit_mb), str(default_model), settings, False
    )
    window = built.window
    try:
        fractions: list[float] = []
        window.models.load_progressed.connect(lambda _path, f: fractions.append(f))
        with qtbot.waitSignal(window.models.loaded, timeout=TIMEOUT_MS):
            window.start()
        assert len(fractions) > 5 and fractions == sorted(fractions) and fractions[-1] == 1.0
        status = window.picker.findChild(QLabel, "model_picker_status")
        assert status is not None and status.text().startswith("Loaded in ")
        assert label_text(window.stats_panel, "stat_model") == "SmolLM2-135M-Instruct.Q4_1"

        text = "How many tokens is this sentence, café included?"
        expected = window.runner.submit(
            lambda e: len(_llm(e).tokenize(text.encode(), add_bos=False))
        ).result(30)
        with qtbot.waitSignal(window.token_count.counted, timeout=TIMEOUT_MS) as counted:
            window.composer.edit.setPlainText(text)
        assert counted.args == [expected]
        label = window.composer.findChild(QLabel, "composer_token_count")
        assert label is not None
        assert label.text() == f"{expected} tokens; {expected} of 2,048 after this message"

        seen: list[str] = []
        window.chat.reply_started.connect(lambda: seen.clear())
        with qtbot.waitSignal(window.transcript.reply_completed, timeout=TIMEOUT_MS):
            type_and_enter(qtbot, window, LONG)
            qtbot.waitUntil(lambda: bool(window.transcript.reply_status), timeout=TIMEOUT_MS)
            seen.append(window.transcript.reply_status)
        assert seen[0].startswith("Reading the prompt: ") and " tokens" in seen[0]
        reply = built.messages()[-1]
        assert reply.role == "assistant" and reply.content
        assert "Reading the prompt" not in window.transcript.toPlainText()
    finally:
        close_built(built)


def _llm(engine: Any) -> Any:
    """The llama.cpp model behind the window's engine (a SwitchingEngine holding LlamaEngine)."""
    while not hasattr(engine, "llm"):
        engine = engine._require()
    return engine.llm
