"""Load progress and cancel, prompt progress and Stop while reading, with the scripted engine."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from app.chat.events import PromptEvaluated, PromptProgress, TokensReceived, TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.errors import ModelLoadCancelled
from app.engine.fake import FakeEngine
from app.engine.runner import EngineRunner
from app.session import ChatSession, ReplySaved
from app.settings import Settings
from app.store import ChatStore

LONG_MESSAGE = "word " * 1300  # 1,300 fake tokens: three batches of 512


def _runner(**kwargs: float) -> tuple[EngineRunner, list[FakeEngine]]:
    made: list[FakeEngine] = []

    def factory() -> FakeEngine:
        made.append(FakeEngine(**kwargs))  # type: ignore[arg-type]
        return made[-1]

    return EngineRunner(factory), made


def test_load_reports_progress_on_the_worker_thread() -> None:
    runner, _ = _runner()
    seen: list[tuple[float, str]] = []
    info = runner.load("a.gguf", LoadOptions(), lambda f: seen.append((f, _thread()))).result(5)
    runner.shutdown()
    assert info.path == "a.gguf"
    assert [f for f, _ in seen] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert {name for _, name in seen} == {"hearth-engine"}


def _thread() -> str:
    return threading.current_thread().name


def test_cancelled_load_keeps_the_previous_model() -> None:
    runner, made = _runner(load_delay=0.01)
    runner.load("first.gguf", LoadOptions(n_ctx=1024)).result(5)
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction >= 0.5:
            runner.cancel_load()

    future = runner.load("second.gguf", LoadOptions(n_ctx=2048), progress)
    with pytest.raises(ModelLoadCancelled, match=r"second\.gguf was cancelled"):
        future.result(5)
    assert seen == [0.0, 0.25, 0.5]
    assert made[0].info is not None and made[0].info.path == "first.gguf"
    assert made[0].info.context_size == 1024
    assert not runner.cancel_load(), "nothing left to cancel"
    stream = runner.chat("c", [Message("user", "still here?")], GenerationParams())
    assert stream.wait(5)
    assert next(e for e in stream.drain() if isinstance(e, TurnFinished)).reason == "stop"
    runner.shutdown()


def test_a_load_cancelled_while_queued_never_starts() -> None:
    runner, made = _runner(load_delay=0.05)
    first = runner.load("first.gguf", LoadOptions())
    second = runner.load("second.gguf", LoadOptions())
    assert runner.cancel_load()
    for future in (first, second):
        with pytest.raises(ModelLoadCancelled):
            future.result(5)
    assert made[0].info is None
    runner.shutdown()


def test_long_prompt_streams_progress_batch_by_batch() -> None:
    runner, _ = _runner()
    runner.load("m.gguf", LoadOptions(n_batch=512)).result(5)
    events = list(runner.chat("c", [Message("user", LONG_MESSAGE)], GenerationParams()))
    runner.shutdown()
    progress = [e for e in events if isinstance(e, PromptProgress)]
    assert [(p.evaluated, p.total) for p in progress] == [(0, 1304), (512, 1304), (1024, 1304)]
    kinds = [type(e) for e in events]
    assert kinds.index(PromptEvaluated) == len(progress), "progress comes before the prompt ends"
    assert kinds[-1] is TurnFinished


def test_short_prompt_has_no_progress_events() -> None:
    runner, _ = _runner()
    runner.load("m.gguf", LoadOptions()).result(5)
    events = list(runner.chat("c", [Message("user", "hi")], GenerationParams()))
    runner.shutdown()
    assert type(events[0]) is PromptEvaluated
    assert not any(isinstance(e, PromptProgress) for e in events)


def test_prompt_progress_percentage_and_time_left() -> None:
    event = PromptProgress(evaluated=512, total=2048, seconds=2.0)
    assert event.fraction == 0.25
    assert event.tokens_per_second == 256.0
    assert event.seconds_left == 6.0
    assert PromptProgress(0, 2048, 0.0).seconds_left is None
    assert PromptProgress(0, 0, 0.0).fraction == 1.0


def test_drain_keeps_only_the_latest_progress() -> None:
    runner, _ = _runner()
    runner.load("m.gguf", LoadOptions(n_batch=64)).result(5)
    stream = runner.chat("c", [Message("user", LONG_MESSAGE)], GenerationParams())
    assert stream.wait(5)
    events = stream.drain()
    runner.shutdown()
    progress = [e for e in events if isinstance(e, PromptProgress)]
    assert len(progress) == 1 and progress[0].evaluated == 1280
    assert isinstance(events[1], PromptEvaluated)


def test_stop_while_reading_ends_cancelled_and_keeps_the_message(tmp_path: Path) -> None:
    runner, _ = _runner(batch_delay=0.02)
    runner.load("m.gguf", LoadOptions(n_batch=64)).result(5)
    store = ChatStore(tmp_path / "chats.sqlite3")
    try:
        chat = ChatSession(store, runner, Settings(system_prompt="Be brief."))
        record = chat.new_conversation()
        stream = chat.send(LONG_MESSAGE)
        events = []
        while not any(isinstance(e, PromptProgress) and e.evaluated >= 128 for e in events):
            assert not stream.finished
            events += chat.pump()
            time.sleep(0.002)
        runner.stop()
        assert stream.wait(5)
        events += chat.pump()
    finally:
        runner.shutdown()
    progress = [e for e in events if isinstance(e, PromptProgress)]
    assert 128 <= progress[-1].evaluated <= 128 + 64, "Stop takes effect within one batch"
    assert not any(isinstance(e, (PromptEvaluated, TokensReceived)) for e in events)
    saved = events[-1]
    assert isinstance(saved, ReplySaved) and saved.message is None
    assert saved.finished.reason == "cancelled" and saved.finished.error is None
    messages = store.messages(record.id)
    assert [(m.role, m.content) for m in messages] == [("user", LONG_MESSAGE)]
    store.close()


def test_models_are_named_by_repository_or_file() -> None:
    from app.engine.model_loader import display_name

    cached = "/home/me/.cache/huggingface/hub/models--HuggingFaceTB--SmolLM2-135M-Instruct-GGUF"
    assert display_name(f"{cached}/snapshots/abc123/smollm2-135m-instruct-q8_0.gguf") == (
        "HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"
    )
    assert display_name("/models/SmolLM2-135M-Instruct.Q4_1.gguf") == "SmolLM2-135M-Instruct.Q4_1"
    assert display_name("/models/odd-name.bin") == "odd-name.bin"
