"""LlamaEngine on the real default model: streaming, stop, prompt cache, context, UTF-8."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.chat.events import PromptEvaluated, TokensReceived, TurnFinished
from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.errors import MessageTooLongError, NoModelLoadedError
from app.engine.llama_engine import LlamaEngine
from app.engine.utf8_stream import Utf8Stream
from tests.core.model_helpers import SYSTEM, converse, run_turn
from tests.values_factory import GREEDY

pytestmark = pytest.mark.model


@pytest.fixture()
def engine(default_model: Path) -> LlamaEngine:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=2048, n_threads=2))
    yield engine
    engine.close()


def test_load_reports_what_the_model_is(engine: LlamaEngine, default_model: Path) -> None:
    info = engine.info
    assert info is not None
    assert info.architecture == "llama"
    assert 130e6 < info.parameter_count < 140e6
    assert info.quantization == "Q4_1"
    assert info.file_size == default_model.stat().st_size
    assert info.trained_context == 8192
    assert info.has_chat_template
    assert info.context_size == 2048
    assert 0 < info.load_seconds < 60
    assert info.kv_bytes_per_token == 2 * 30 * 3 * 64 * 2
    assert 4.0 < info.bits_per_weight < 7.0


def test_reply_streams_token_by_token_and_finishes(engine: LlamaEngine) -> None:
    turn = run_turn(engine, "c", [SYSTEM, Message("user", "Name three colours.")])
    kinds = [type(e) for e in turn.events]
    assert kinds[0] is PromptEvaluated and kinds[-1] is TurnFinished
    assert len(turn.deltas) >= 3, "the reply must arrive in several pieces, not at once"
    assert "".join(d.text for d in turn.deltas) == turn.text
    assert turn.stats.generated_tokens >= len(turn.deltas)
    assert turn.stats.stop_reason in ("stop", "length")
    assert turn.stats.prompt_tokens == turn.prompt.prompt_tokens > 10
    assert turn.stats.decode_tps > 0 and turn.stats.prefill_tps > 0
    assert turn.stats.context_used >= turn.stats.prompt_tokens
    assert turn.stats.rss_mb > 50


def test_stop_takes_effect_within_one_token(engine: LlamaEngine) -> None:
    cancel = threading.Event()
    seen = 0
    events = []
    params = GenerationParams(temperature=0.0, top_k=1, max_tokens=400)
    for event in engine.chat("c", [SYSTEM, Message("user", "Write a long story.")], params, cancel):
        events.append(event)
        if isinstance(event, TokensReceived):
            seen += event.tokens
            if seen == 5:
                cancel.set()
    finished = events[-1]
    assert isinstance(finished, TurnFinished)
    assert finished.reason == "cancelled"
    assert finished.stats.generated_tokens <= 6
    assert sum(isinstance(e, TokensReceived) for e in events) <= 6


def test_follow_up_evaluates_only_its_own_tokens(engine: LlamaEngine) -> None:
    questions = [
        "Tell me about cats.",
        "And dogs?",
        "Which is better for a flat?",
        "Why?",
        "Thanks. Summarise in one line.",
    ]
    history, turns = converse(engine, "c", questions)
    for previous, turn in zip(turns, turns[1:], strict=False):
        # Everything the previous turn left in the cache is reused...
        assert turn.stats.cached_tokens >= previous.stats.context_used - 1
        # ...so only the new message and the template's few tokens are evaluated.
        new_message = len(
            engine._require().llm.tokenize(
                history[2 * turns.index(turn) + 1].content.encode(), add_bos=False
            )
        )
        assert turn.stats.evaluated_tokens <= new_message + 12
    assert turns[-1].stats.prompt_tokens > 5 * turns[-1].stats.evaluated_tokens


def test_edit_reuses_the_common_prefix(engine: LlamaEngine) -> None:
    history, turns = converse(engine, "c", ["Tell me about cats.", "And dogs?"])
    edited = history[:3] + [Message("user", "And horses?")]
    turn = run_turn(engine, "c", edited)
    assert turn.stats.cached_tokens >= turns[0].stats.context_used - 1
    assert turn.stats.evaluated_tokens < 20


@pytest.mark.once
def test_full_context_drops_oldest_turns_and_keeps_the_system_prompt(default_model: Path) -> None:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=512, n_threads=2))
    system = Message("system", "You are Hearth, a pirate assistant.")
    history = [system]
    dropped = []
    params = GenerationParams(temperature=0.0, top_k=1, max_tokens=40)
    for i in range(14):
        history.append(Message("user", f"Question {i}: tell me a fact about the number {i}."))
        turn = run_turn(engine, "c", history, params)
        assert turn.stats.stop_reason != "error"
        assert turn.stats.generated_tokens > 0, "generation must continue after overflow"
        assert turn.stats.prompt_tokens < 512
        history.append(Message("assistant", turn.text))
        dropped.append(turn.stats.dropped_turns)
    engine.close()
    assert dropped[0] == 0 and dropped[-1] > 0
    assert dropped == sorted(dropped), "dropping is sticky: never brings old turns back"


def test_system_prompt_survives_overflow(default_model: Path) -> None:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=256, n_threads=2))
    system = Message("system", "SYSTEM-MARKER-42 You are terse.")
    history = [system]
    params = GenerationParams(temperature=0.0, top_k=1, max_tokens=24)
    saw_drop = False
    for i in range(10):
        history.append(Message("user", f"Say something about {i}."))
        turn = run_turn(engine, "c", history, params)
        saw_drop = saw_drop or turn.stats.dropped_turns > 0
        assert "SYSTEM-MARKER-42" in engine.cached_text.split("<|im_start|>user")[0]
        assert "Say something about 0." not in engine.cached_text or not saw_drop
        history.append(Message("assistant", turn.text))
    engine.close()
    assert saw_drop


def test_message_larger_than_the_window_is_refused_clearly(default_model: Path) -> None:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=256, n_threads=2))
    huge = Message("user", "word " * 2000)
    with pytest.raises(MessageTooLongError) as error:
        run_turn(engine, "c", [SYSTEM, huge])
    assert "context window" in str(error.value)
    # The engine is still usable afterwards.
    turn = run_turn(engine, "c", [SYSTEM, Message("user", "Hi")])
    assert turn.stats.generated_tokens > 0
    engine.close()


def test_chat_without_a_model_says_so() -> None:
    with pytest.raises(NoModelLoadedError):
        list(LlamaEngine().chat("c", [Message("user", "hi")], GREEDY, threading.Event()))


def test_multibyte_characters_split_across_tokens_arrive_whole(engine: LlamaEngine) -> None:
    llm = engine._require().llm
    text = "Grüße 🙂🎉 日本語の文章 — ñandú ✓"
    tokens = llm.tokenize(text.encode(), add_bos=False)
    pieces = [engine._require().pieces.piece(t) for t in tokens]
    assert any(p and not _is_complete_utf8(p) for p in pieces), "test needs a split character"
    stream = Utf8Stream()
    out = [stream.feed(p) for p in pieces]
    assert "".join(out) == text
    assert all("\ufffd" not in part for part in out)


def test_model_replies_with_emoji_stream_without_broken_characters(engine: LlamaEngine) -> None:
    prompt = Message("user", "Repeat exactly: 🙂🎉 日本語 Grüße")
    turn = run_turn(
        engine, "c", [SYSTEM, prompt], GenerationParams(temperature=0.0, top_k=1, max_tokens=40)
    )
    assert all("\ufffd" not in d.text for d in turn.deltas)
    assert any(ord(ch) > 0x2FFF for ch in turn.text), turn.text


def _is_complete_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_a_seed_makes_replies_repeatable_and_no_seed_varies_them(engine: LlamaEngine) -> None:
    ask = [SYSTEM, Message("user", "Invent a name for a cat.")]
    seeded = GenerationParams(temperature=1.0, max_tokens=30, seed=11)
    free = GenerationParams(temperature=1.0, max_tokens=30)
    # Two fresh conversations: the same prompt evaluated the same way, the same seed.
    first = run_turn(engine, "s1", ask, seeded).text
    assert run_turn(engine, "s2", ask, seeded).text == first
    # Again with the prompt already in the cache: only its last token is decoded, and the
    # same seed still gives the same reply.
    again = run_turn(engine, "s2", ask, seeded)
    assert again.stats.cached_tokens > 0 and again.text == first
    unseeded = {run_turn(engine, f"u{i}", ask, free).text for i in range(3)}
    assert len(unseeded) >= 2, "without a seed, Regenerate must not repeat the last answer"


@pytest.mark.once
def test_dropping_turns_cuts_them_from_the_cache_instead_of_reevaluating(
    default_model: Path,
) -> None:
    engine = LlamaEngine()
    engine.load(str(default_model), LoadOptions(n_ctx=512, n_threads=2))
    history = [Message("system", "SYSTEM-MARKER You answer briefly.")]
    params = GenerationParams(temperature=0.0, top_k=1, max_tokens=40)
    shifted = []
    previous_drop = 0
    for i in range(16):
        question = f"Question {i}: tell me a fact about the number {i}."
        history.append(Message("user", question))
        turn = run_turn(engine, "c", history, params)
        history.append(Message("assistant", turn.text))
        if turn.stats.dropped_turns > previous_drop:
            shifted.append(turn.stats)
            assert engine.cached_text.startswith("<|im_start|>system\nSYSTEM-MARKER")
            assert "Question 0:" not in engine.cached_text
        previous_drop = turn.stats.dropped_turns
        assert turn.stats.generated_tokens > 0
    engine.close()
    assert shifted, "the conversation must overflow for this test"
    for stats in shifted:
        print("overflow turn:", stats.prompt_tokens, stats.cached_tokens, stats.evaluated_tokens)
        assert stats.cached_tokens > stats.prompt_tokens // 2
        assert stats.evaluated_tokens < 45, "only the new message is evaluated after the cut"
