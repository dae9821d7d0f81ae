"""The GUI thread's longest stall while the real model streams 2,000 tokens into a long
transcript (200 earlier turns), measured with a 5 ms QTimer probe on the GUI thread."""

from __future__ import annotations

import os
from typing import Any

N_TURNS = 200
BLOCK = (
    "Here is a longer answer with **bold** text, `inline code` and a list:\n\n"
    "- first point about the topic\n- second point, a little longer than the first\n\n"
    "```python\ndef example(n):\n    return sum(range(n))\n```\n\n"
    "And a closing paragraph that wraps over a couple of lines in the transcript view."
)


def bench_gui_stall(model: str, tokens: int = 2000) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app import paths
    from app.chat.values import GenerationParams, LoadOptions
    from app.engine.llama_engine import LlamaEngine
    from app.engine.runner import EngineRunner
    from app.settings import Settings
    from app.store import ChatStore
    from app.ui.shell.main_window import MainWindow
    from app.ui.shell.stall_probe import measure_reply_stall

    app = QApplication.instance() or QApplication([])
    store = ChatStore(paths.database_path())
    record = store.create_conversation("A long chat")
    for index in range(N_TURNS):
        store.add_message(record.id, "user", f"Question {index}: tell me more.")
        store.add_message(record.id, "assistant", BLOCK)
    settings = Settings(
        generation=GenerationParams(
            temperature=0.0, top_k=1, max_tokens=tokens, ignore_eos=True, seed=1
        ),
        load=LoadOptions(n_ctx=5120, n_threads=min(4, os.cpu_count() or 2)),
        memory_bandwidth_gbps=10.0,  # skip the inspector's one-off measurement here
        welcome_done=True,
    )
    runner = EngineRunner(LlamaEngine)
    window = MainWindow(runner, store, settings, persist_settings=lambda _s: None)
    window.show()
    loop = QEventLoop()
    window.models.loaded.connect(lambda _info: loop.quit())
    window.models.load_failed.connect(lambda *_a: loop.quit())
    window.load_model(model)
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    window.conversations.open(record.id)
    app.processEvents()
    report = measure_reply_stall(window, "Write a very long essay about bread.", timeout_s=900)
    window.close()
    runner.shutdown()
    store.close()
    return {
        "history_messages": 2 * N_TURNS,
        "tokens_streamed": report.tokens,
        "longest_stall_ms": report.longest_gap_s * 1000,
        "mean_probe_gap_ms": report.mean_gap_s * 1000,
        "gaps_over_50ms": report.gaps_over_50ms,
        "renders": report.renders,
        "batches": report.batches,
        "seconds": report.seconds,
        "targets": {"longest_stall_ms": "<= 50"},
    }
