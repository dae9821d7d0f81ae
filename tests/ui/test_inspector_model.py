"""The Inspector on the real default model: prompt tokens through EngineRunner + LlamaEngine.

Run under `flock /tmp/hearth-model.lock` (model work is never parallel).
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.chat.events import TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.llama_engine import LlamaEngine
from app.engine.runner import EngineRunner
from app.inspect.figures import kv_bytes_per_token
from app.ui.panels.inspector_panel import InspectorPanel
from tests.ui.labels import label_text

MESSAGES = [Message("system", "You are a helpful assistant."), Message("user", "What is 2+2?")]
RENDERED = (
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n"
)


@pytest.mark.model
def test_inspector_shows_the_real_prompt_tokens_and_figures(qtbot, default_model):
    runner = EngineRunner(LlamaEngine)
    try:
        info = runner.load(str(default_model), LoadOptions(n_ctx=1024)).result(60)
        stream = runner.chat("c", MESSAGES, GenerationParams(temperature=0, top_k=1, max_tokens=8))
        finished = list(stream)[-1]
        assert isinstance(finished, TurnFinished) and finished.reason in ("stop", "length")
        panel = InspectorPanel(runner=runner)
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.bandwidth_measured, timeout=30_000):
            panel.set_model(info)  # measures this machine's bandwidth on the engine's worker
        panel.turn_finished(finished, MESSAGES)
        qtbot.mouseClick(
            panel.findChild(QPushButton, "insp_show_tokens"), Qt.MouseButton.LeftButton
        )
        view = panel.tokens_view()
        qtbot.waitUntil(lambda: view.pieces() != (), timeout=30_000)
    finally:
        runner.shutdown()
    pieces = view.pieces()
    assert "".join(pieces) == RENDERED
    assert pieces[:3] == ("<|im_start|>", "system", "\n")  # special tokens are one token each
    assert len(pieces) == finished.stats.prompt_tokens  # a first turn: nothing reused
    assert info.kv_bytes_per_token == kv_bytes_per_token(30, 3, 64) == 23_040

    def shown(name: str) -> str:
        return label_text(panel, name)

    assert shown("insp_quant") == "Q4_1"
    assert shown("insp_prompt_reused") == "0 (0%)"
    assert re.fullmatch(r"\d+(\.\d+)? GB/s", shown("insp_bandwidth"))
    assert re.fullmatch(
        r"\S+ tok/s: decoding at \d+% of what this machine's memory allows for this model",
        shown("insp_efficiency"),
    ), shown("insp_efficiency")
