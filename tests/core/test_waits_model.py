"""The waits on the real default model: load progress and cancel, prompt progress and Stop
while reading, token counts off the engine thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.chat.events import PromptEvaluated, PromptProgress, TokensReceived, TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.errors import ModelLoadCancelled
from app.engine.llama_engine import LlamaEngine
from app.engine.runner import EngineRunner
from app.engine.token_counter import TokenCounter
from tests.core.model_helpers import GREEDY, SYSTEM, run_turn

pytestmark = pytest.mark.model
LONG = "Tell me everything about lighthouses and the people who kept them. " * 12


def test_runner_load_reports_progress_and_cancel_keeps_the_model(default_model: Path) -> None:
    runner = EngineRunner(LlamaEngine)
    seen: list[float] = []
    try:
        info = runner.load(str(default_model), LoadOptions(n_ctx=1024), seen.append).result(120)
        assert info.context_size == 1024
        assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == 1.0
        assert len({int(f * 100) for f in seen}) == len(seen), "at most one call per percent"

        def cancel_midway(fraction: float) -> None:
            if fraction >= 0.3:
                runner.cancel_load()

        second = runner.load(str(default_model), LoadOptions(n_ctx=2048), cancel_midway)
        with pytest.raises(ModelLoadCancelled):
            second.result(120)
        assert runner.submit(lambda e: e.info).result(10).context_size == 1024  # type: ignore[union-attr]
        stream = runner.chat("c", [SYSTEM, Message("user", "Say hi.")], GREEDY)
        finished = next(e for e in stream if isinstance(e, TurnFinished))
        assert finished.reason in ("stop", "length") and finished.text
    finally:
        runner.shutdown()


@pytest.fixture()
def small_batches(default_model: Path) -> LlamaEngine:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=2048, n_threads=2, n_batch=64))
    yield engine
    engine.close()


def test_long_prompt_progress_counts_every_batch(small_batches: LlamaEngine) -> None:
    turn = run_turn(small_batches, "p", [SYSTEM, Message("user", LONG)])
    progress = [e for e in turn.events if isinstance(e, PromptProgress)]
    total = turn.prompt.evaluated_tokens
    assert total > 3 * 64
    assert [p.evaluated for p in progress] == list(range(0, total, 64))
    assert {p.total for p in progress} == {total}
    assert all(a.seconds <= b.seconds for a, b in zip(progress, progress[1:], strict=False))
    assert progress[-1].seconds_left is not None
    kinds = [type(e) for e in turn.events]
    assert kinds.index(PromptEvaluated) == len(progress) and kinds[-1] is TurnFinished


def test_stop_while_reading_keeps_what_was_read(small_batches: LlamaEngine) -> None:
    messages = [SYSTEM, Message("user", LONG)]
    cancel = threading.Event()
    events = []
    for event in small_batches.chat("s", messages, GREEDY, cancel):
        events.append(event)
        if isinstance(event, PromptProgress) and event.evaluated == 64:
            cancel.set()
    assert not any(isinstance(e, (PromptEvaluated, TokensReceived)) for e in events)
    finished = events[-1]
    assert isinstance(finished, TurnFinished) and finished.reason == "cancelled"
    assert finished.text == "" and finished.stats.generated_tokens == 0
    # Nothing lost: the batch read before Stop is reused by the next try.
    again = run_turn(small_batches, "s", messages)
    assert again.prompt.cached_tokens == 64
    assert again.prompt.evaluated_tokens == again.prompt.prompt_tokens - 64
    assert again.stats.stop_reason in ("stop", "length") and again.text


def test_prompt_cache_counts_do_not_depend_on_the_batch_size(
    small_batches: LlamaEngine, default_model: Path
) -> None:
    big = LlamaEngine()
    big.load(str(default_model), LoadOptions(n_ctx=2048, n_threads=2, n_batch=512))
    try:
        counts = []
        for engine in (small_batches, big):
            history = [SYSTEM, Message("user", LONG)]
            first = run_turn(engine, "k", history)
            history += [Message("assistant", first.text), Message("user", "Shorter, please.")]
            second = run_turn(engine, "k", history)
            turns = (first, second)
            counts.append([(t.prompt.prompt_tokens, t.prompt.cached_tokens) for t in turns])
            assert first.text
        assert counts[0] == counts[1]
        assert counts[0][1][1] > counts[0][0][0], "the follow-up reuses the whole first turn"
    finally:
        big.close()


def test_token_counter_counts_while_the_engine_is_busy(default_model: Path) -> None:
    runner = EngineRunner(LlamaEngine)
    counter = TokenCounter()
    try:
        runner.load(str(default_model), LoadOptions(n_ctx=2048)).result(120)
        counter.set_model(str(default_model))
        params = GenerationParams(temperature=0.0, top_k=1, max_tokens=1500, ignore_eos=True)
        stream = runner.chat("busy", [SYSTEM, Message("user", "Write a long story.")], params)
        count = counter.count("Hello there, how are you doing today?")
        assert count.result(60) == 9
        assert not stream.finished, "counted while the engine thread was still replying"
        stream.cancel()
        assert stream.wait(60)
        expected = runner.submit(
            lambda e: len(e._require().llm.tokenize(b"Caf\xc3\xa9 au lait", add_bos=False))  # type: ignore[attr-defined]
        ).result(10)
        assert counter.count("Café au lait").result(10) == expected
    finally:
        counter.close()
        runner.shutdown()
