"""Reasoning models on the real engine: the default model with thinking chat templates,
real generations forced into each format by a grammar where needed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.chat.values import GenerationParams, LoadOptions, Message
from app.engine.llama_engine import LlamaEngine
from tests.core import thinking_models as tm
from tests.core.model_helpers import SYSTEM, Turn, run_turn

pytestmark = pytest.mark.model
Models = Callable[[str], Path]
QUESTION = [SYSTEM, Message("user", "What is two plus two?")]
WORDS_ANSWER = re.compile(r"^[a-z]{2,7}( [a-z]{2,7}){3,7}\.$")


def _params(**changes: object) -> GenerationParams:
    base: dict[str, object] = {"temperature": 0.0, "top_k": 1, "seed": 7, "max_tokens": 96}
    return GenerationParams(**(base | changes))  # type: ignore[arg-type]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[LlamaEngine]:
    created = LlamaEngine(kv_dir=tmp_path / "kv")
    yield created
    created.close()


def _load(engine: LlamaEngine, models: Models, name: str) -> None:
    engine.load(str(models(name)), LoadOptions(n_ctx=2048, n_threads=2))


def _channels(turn: Turn) -> tuple[str, str, list[str]]:
    thinking = "".join(d.text for d in turn.deltas if d.channel == "thinking")
    answer = "".join(d.text for d in turn.deltas if d.channel == "answer")
    order = [d.channel for d in turn.deltas]
    return thinking, answer, order


def _assert_clean_split(turn: Turn, markers: tuple[str, ...]) -> None:
    thinking, answer, order = _channels(turn)
    assert turn.finished.reason == "stop"
    assert answer == turn.text and WORDS_ANSWER.match(answer), answer  # answer only
    assert thinking.strip() == turn.finished.thinking and turn.finished.thinking
    assert turn.finished.thinking not in answer
    for marker in markers:  # no marker, and no piece of one, reaches either channel
        for text in (answer, thinking):
            assert marker not in text and "<|" not in text and "[/" not in text
    first_answer = order.index("answer")
    assert order[:first_answer].count("thinking") >= 3  # thinking streamed, live
    assert "thinking" not in order[first_answer:]


@pytest.mark.parametrize(
    ("name", "grammar", "markers"),
    [
        ("qwen3", tm.THINK_TAGS_GRAMMAR, ("<think>", "</think>", "think>")),
        ("magistral", tm.BRACKETS_GRAMMAR, ("[THINK]", "[/THINK]", "THINK")),
        ("gpt-oss", tm.GPT_OSS_GRAMMAR, ("<|channel|>", "<|end|>", "analysis", "final")),
        ("r1", tm.OPENED_GRAMMAR, ("<think>", "</think>", "think>")),
    ],
)
def test_thinking_and_answer_split_while_streaming(
    engine: LlamaEngine, thinking_models: Models, name: str, grammar: str, markers: tuple[str, ...]
) -> None:
    _load(engine, thinking_models, name)
    tokens = engine._require().llm.tokenize(markers[1].encode(), add_bos=False, special=True)
    assert len(tokens) > 1  # the closing marker is split across tokens
    # the grammar bounds the length (2 x 8 words of <= 7 letters); 96 tokens was too few
    # for gpt-oss's spelled-out markers on some CPUs
    turn = run_turn(engine, name, QUESTION, _params(grammar=grammar, max_tokens=256))
    _assert_clean_split(turn, markers)
    stats = turn.stats
    assert stats.thinking_tokens is not None and 4 < stats.thinking_tokens < stats.generated_tokens
    answer_tokens = sum(d.tokens for d in turn.deltas if d.channel == "answer")
    assert stats.thinking_tokens + answer_tokens == stats.generated_tokens
    assert stats.answer_ttft_s is not None and stats.answer_ttft_s > stats.ttft_s
    assert stats.thinking_s is not None and 0 < stats.thinking_s < stats.wall_s
    assert stats.thinking_tps is not None and stats.thinking_tps > 0


def test_budget_closes_thinking_and_an_answer_follows(
    engine: LlamaEngine, thinking_models: Models
) -> None:
    _load(engine, thinking_models, "r1")  # the prompt opens <think>; words never close it
    turn = run_turn(
        engine, "budget", QUESTION,
        _params(grammar=tm.PLAIN_WORDS_GRAMMAR, thinking_budget=24, max_tokens=60),
    )  # fmt: skip
    stats = turn.stats
    assert stats.thinking_tokens is not None and 24 <= stats.thinking_tokens <= 24 + 6
    assert len(turn.text.split()) >= 3 and "think" not in turn.text
    assert "\n</think>\n\n" + turn.text in engine.cached_text  # Hearth closed it
    assert stats.answer_ttft_s is not None


def test_without_a_budget_the_same_reply_never_answers(
    engine: LlamaEngine, thinking_models: Models
) -> None:
    _load(engine, thinking_models, "r1")
    turn = run_turn(
        engine, "nobudget", QUESTION, _params(grammar=tm.PLAIN_WORDS_GRAMMAR, max_tokens=40)
    )
    assert turn.finished.reason == "length"
    assert turn.text == "" and len(turn.finished.thinking.split()) > 10  # unfinished thinking
    assert all(d.channel == "thinking" for d in turn.deltas)
    assert turn.stats.answer_ttft_s is None and turn.stats.thinking_tokens == 40


def test_stopped_inside_thinking_gives_no_answer(
    engine: LlamaEngine, thinking_models: Models
) -> None:
    _load(engine, thinking_models, "qwen3")
    turn = run_turn(engine, "cut", QUESTION, _params(grammar=tm.THINK_TAGS_GRAMMAR, max_tokens=12))
    assert turn.finished.reason == "length"
    assert turn.text == "" and turn.finished.thinking
    assert "think" not in turn.finished.thinking


ANSWER_GRAMMAR = 'root ::= words "."\nwords ::= word (" " word){3,7}\nword ::= [a-z]{2,7}\n'
ON_GRAMMARS = {
    "qwen3": tm.THINK_TAGS_GRAMMAR,
    "smollm3": tm.THINK_TAGS_GRAMMAR,
    "r1": tm.OPENED_GRAMMAR,
}


@pytest.mark.parametrize("name", ["qwen3", "smollm3", "r1"])
def test_thinking_off_and_on_through_the_template(
    engine: LlamaEngine, thinking_models: Models, name: str
) -> None:
    _load(engine, thinking_models, name)
    off = run_turn(engine, f"{name}-off", QUESTION, _params(thinking="off", grammar=ANSWER_GRAMMAR))
    reply_part = _after_generation_prompt(engine)
    assert re.match(r"<think>\n+</think>\n+[a-z]", reply_part), reply_part  # empty block
    assert off.stats.thinking_tokens is None and off.finished.thinking == ""
    assert all(d.channel == "answer" for d in off.deltas) and WORDS_ANSWER.match(off.text)
    on = run_turn(engine, f"{name}-on", QUESTION, _params(thinking="on", grammar=ON_GRAMMARS[name]))
    assert not re.match(r"<think>\n+</think>", _after_generation_prompt(engine))
    assert on.finished.thinking and on.stats.thinking_tokens
    if name == "smollm3":  # the flag went through the system prompt and the template took it
        system = engine.cached_text.split("<|im_end|>")[0]
        assert system.endswith("You are a helpful assistant.") and "think" not in system


def _after_generation_prompt(engine: LlamaEngine) -> str:
    return engine.cached_text.rsplit("<|im_start|>assistant\n", 1)[1]


def test_reasoning_effort_reaches_the_template(
    engine: LlamaEngine, thinking_models: Models
) -> None:
    _load(engine, thinking_models, "gpt-oss")
    run_turn(engine, "effort", QUESTION, _params(reasoning_effort="high", max_tokens=2))
    assert "Reasoning: high" in engine.cached_text


def _conversation(engine: LlamaEngine, policy: str, turns: int) -> list[tuple[int, int, int, int]]:
    """(prompt, cached, context used, old thinking) per turn of one thinking conversation."""
    history = [SYSTEM]
    rows = []
    for index in range(turns):
        history.append(Message("user", f"Question number {index + 1}?"))
        turn = run_turn(
            engine, f"policy-{policy}", history,
            _params(grammar=tm.OPENED_GRAMMAR, thinking_policy=policy),
        )  # fmt: skip
        assert turn.text and turn.finished.thinking not in turn.text
        history.append(Message("assistant", turn.text, turn.finished.thinking))
        s = turn.stats
        assert s.thinking_policy == policy
        rows.append((s.prompt_tokens, s.cached_tokens, s.context_used, s.old_thinking_tokens))
    return rows


def test_cache_policy_by_token_counts(engine: LlamaEngine, thinking_models: Models) -> None:
    _load(engine, thinking_models, "r1")
    keep = _conversation(engine, "keep", 3)
    follow = _conversation(engine, "follow", 3)
    for previous, row in zip(keep, keep[1:], strict=False):
        # keep: the whole previous context is reused; only the new message is evaluated
        assert row[1] >= previous[2] - 1 and row[0] - row[1] < 30
    assert keep[0][3] == 0 and keep[2][3] > keep[1][3] > 10  # old thinking held, growing
    for previous, row in zip(follow, follow[1:], strict=False):
        # follow: the last reply's thinking is gone from the prompt, so the cache stops
        # matching where it began: the answer and the new message are evaluated again
        assert row[1] < previous[2] - 5 and row[3] == 0
    assert keep[-1][0] > follow[-1][0]  # keeping old thinking uses more context
