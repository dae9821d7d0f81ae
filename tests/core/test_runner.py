"""EngineRunner and TurnStream with the scripted engine: one thread, never blocking callers."""

from __future__ import annotations

import threading
import time

from app.chat.events import TokensReceived, TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.fake import FakeEngine
from app.engine.runner import EngineRunner


def _runner(**kwargs: object) -> tuple[EngineRunner, list[FakeEngine], list[str]]:
    made: list[FakeEngine] = []
    threads: list[str] = []

    def factory() -> FakeEngine:
        engine = FakeEngine(**kwargs)  # type: ignore[arg-type]
        made.append(engine)
        original = engine.chat

        def chat(*args, **kw):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            yield from original(*args, **kw)

        engine.chat = chat  # type: ignore[method-assign]
        return engine

    return EngineRunner(factory), made, threads


def test_engine_lives_on_one_worker_thread_and_calls_return_at_once() -> None:
    runner, made, threads = _runner(token_delay=0.02, reply=lambda m: "word " * 50)
    runner.load("model.gguf", LoadOptions()).result(5)
    started = time.perf_counter()
    stream = runner.chat("c", [Message("user", "hi")], GenerationParams())
    returned_after = time.perf_counter() - started
    assert stream.wait(10)
    assert returned_after < 0.5 < 50 * 0.02, "chat() must not wait for the reply"
    assert len(made) == 1
    assert threads and all(name.startswith("hearth-engine") for name in threads)
    assert threading.current_thread().name not in threads
    runner.shutdown()


def test_drain_merges_backlog_and_listener_fires_once_per_batch() -> None:
    runner, _, _ = _runner(reply=lambda m: " ".join(str(i) for i in range(500)))
    runner.load("m.gguf", LoadOptions()).result(5)
    wakeups = []
    stream = runner.chat("c", [Message("user", "x")], GenerationParams(max_tokens=1000))
    stream.set_listener(lambda: wakeups.append(1))
    assert stream.wait(10)
    events = stream.drain()
    deltas = [e for e in events if isinstance(e, TokensReceived)]
    assert len(deltas) == 1, "a backlog of text arrives as one merged event"
    assert deltas[0].tokens == 500
    assert isinstance(events[-1], TurnFinished)
    assert len(wakeups) == 1, "no second wake-up while the first was not drained"
    runner.shutdown()


def test_stop_cancels_within_one_token() -> None:
    runner, _, _ = _runner(token_delay=0.01, reply=lambda m: "w " * 1000)
    runner.load("m.gguf", LoadOptions()).result(5)
    stream = runner.chat("c", [Message("user", "x")], GenerationParams(max_tokens=2000))
    received = 0
    for event in stream:
        if isinstance(event, TokensReceived):
            received += event.tokens
            if received == 10:
                runner.stop()
        if isinstance(event, TurnFinished):
            assert event.reason == "cancelled"
            assert event.stats.generated_tokens <= 11
    runner.shutdown()


def test_engine_errors_end_the_turn_with_a_message_not_a_dead_worker() -> None:
    def explode(messages):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    runner, _, _ = _runner(reply=explode)
    runner.load("m.gguf", LoadOptions()).result(5)
    finished = list(runner.chat("c", [Message("user", "x")], GenerationParams()))[-1]
    assert isinstance(finished, TurnFinished) and finished.reason == "error"
    assert "boom" in (finished.error or "")
    runner.shutdown()


def test_failed_load_reports_and_keeps_the_worker() -> None:
    runner, _, _ = _runner()
    failed = runner.load("broken.gguf", LoadOptions())
    assert "not a GGUF" in str(failed.exception(5))
    assert runner.load("good.gguf", LoadOptions()).result(5).name == "good.gguf"
    runner.shutdown()


STUCK = """
import time
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.fake import FakeEngine
from app.engine.runner import EngineRunner

def stuck(messages):
    time.sleep(600)  # like a long prompt evaluation llama.cpp cannot abort
    return "never"

runner = EngineRunner(lambda: FakeEngine(reply=stuck))
runner.load("m.gguf", LoadOptions()).result(5)
runner.chat("c", [Message("user", "x")], GenerationParams())
time.sleep(0.2)
runner.shutdown(timeout=0.5)
print("exiting")
"""


def test_a_stuck_engine_does_not_keep_the_process_alive() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", STUCK], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "exiting"
