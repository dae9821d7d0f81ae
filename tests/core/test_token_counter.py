"""TokenCounter (latest request wins, its own thread) and the waits' wording."""

from __future__ import annotations

import threading
from concurrent.futures import CancelledError

import pytest

from app.chat.events import PromptProgress
from app.chat.progress_text import (
    duration_text,
    load_progress_text,
    prompt_progress_text,
    size_text,
    token_count_text,
)
from app.engine.token_counter import TokenCounter


class WordTokenizer:
    """Counts words; the first count waits until the test lets it go."""

    def __init__(self, gate: threading.Event, threads: list[str]) -> None:
        self.gate = gate
        self.threads = threads
        self.closed = False

    def count(self, text: str) -> int:
        self.threads.append(threading.current_thread().name)
        self.gate.wait(5)
        return len(text.split())

    def close(self) -> None:
        self.closed = True


def test_latest_request_wins_and_runs_on_its_own_thread() -> None:
    gate, threads, opened = threading.Event(), [], []

    def opener(path: str) -> WordTokenizer:
        opened.append(path)
        return WordTokenizer(gate, threads)

    counter = TokenCounter(opener)
    counter.set_model("a.gguf")
    first = counter.count("one")
    while not threads:  # the first request is being counted
        threading.Event().wait(0.001)
    middle = [counter.count("two words"), counter.count("three words here")]
    last = counter.count("four words in all")
    gate.set()
    assert first.result(5) == 1
    assert last.result(5) == 4
    assert all(f.cancelled() for f in middle), "superseded requests are never counted"
    with pytest.raises(CancelledError):
        middle[0].result(0)
    assert threads == ["hearth-tokens", "hearth-tokens"]
    counter.set_model("b.gguf")
    assert counter.count("x y").result(5) == 2
    assert opened == ["a.gguf", "b.gguf"]
    counter.close()


def test_without_a_model_the_count_fails_clearly() -> None:
    counter = TokenCounter(lambda path: WordTokenizer(threading.Event(), []))
    with pytest.raises(LookupError, match="no model"):
        counter.count("hello").result(5)
    counter.close()
    with pytest.raises(RuntimeError):
        counter.count("after close")


def test_token_count_text() -> None:
    assert token_count_text(312, 928, 4096) == "312 tokens; 1,240 of 4,096 after this message"
    assert token_count_text(1, 0, 2048) == "1 token; 1 of 2,048 after this message"
    assert token_count_text(900, 3500, 4096).endswith("(older turns will be left out)")


def test_progress_wording() -> None:
    assert size_text(1_234_567_890) == "1.2 GB" and size_text(105_000_000) == "105 MB"
    assert duration_text(3.4) == "3 s" and duration_text(125) == "2 min 05 s"
    assert load_progress_text("m.gguf", 105_000_000, 0.456) == "Loading m.gguf (105 MB)… 45%"
    assert prompt_progress_text(PromptProgress(0, 2300, 0.0)) == (
        "Reading the prompt: 0% (0 of 2,300 tokens)"
    )
    assert prompt_progress_text(PromptProgress(1024, 2048, 2.0)) == (
        "Reading the prompt: 50% (1,024 of 2,048 tokens), about 2 s left"
    )
