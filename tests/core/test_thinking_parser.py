"""The thinking parser, the turn meter, format detection and the keep-policy prompt (no model)."""

from __future__ import annotations

import itertools

import pytest

from app.chat.values import GenerationParams, Message
from app.engine.thinking_cache import kept_prompt, message_key
from app.engine.thinking_format import (
    GPT_OSS,
    THINK_BRACKETS,
    THINK_TAGS,
    ThinkingFormat,
    closed_prompt,
    detect_format,
    starts_in_thinking,
    template_variables,
    with_system_flag,
)
from app.engine.thinking_parser import ThinkingParser
from app.engine.thinking_turn import ThinkingTurn
from tests.values_factory import turn_stats as make_stats

CASES = [
    (
        THINK_TAGS,
        "<think>\nLet me add: 2+2=4.\n</think>\n\nIt is **4**.",
        "Let me add: 2+2=4.",
        "It is **4**.",
    ),
    (THINK_BRACKETS, "[THINK]Sum them up.[/THINK]Four.", "Sum them up.", "Four."),
    (
        GPT_OSS,
        "<|channel|>analysis<|message|>User asks sum.<|end|><|start|>assistant"
        "<|channel|>final<|message|>4 < 5 and </think> is text here.",
        "User asks sum.",
        "4 < 5 and </think> is text here.",
    ),
]  # fmt: skip


def _run(fmt: ThinkingFormat, pieces: list[str], opened: bool = False) -> tuple[str, str]:
    parser = ThinkingParser(fmt, opened)
    out = [seg for piece in pieces for seg in parser.feed(piece)] + parser.finish()
    thinking = "".join(text for channel, text in out if channel == "thinking")
    answer = "".join(text for channel, text in out if channel == "answer")
    return thinking, answer


@pytest.mark.parametrize(("fmt", "reply", "thinking", "answer"), CASES)
def test_every_split_point_gives_the_same_split(
    fmt: ThinkingFormat, reply: str, thinking: str, answer: str
) -> None:
    assert _run(fmt, list(reply)) == (thinking + "\n" * (fmt is THINK_TAGS), answer)
    for cut in range(1, len(reply)):  # every place a marker could be split in two
        got_thinking, got_answer = _run(fmt, [reply[:cut], reply[cut:]])
        assert got_thinking.strip() == thinking and got_answer == answer, cut
    for a, b in itertools.combinations(range(1, len(reply), 3), 2):
        got_thinking, got_answer = _run(fmt, [reply[:a], reply[a:b], reply[b:]])
        assert (got_thinking.strip(), got_answer) == (thinking, answer), (a, b)


def test_thinking_streams_before_the_closing_marker() -> None:
    parser = ThinkingParser(THINK_TAGS)
    assert parser.feed("<thi") == []  # could still be a marker: held back
    assert parser.feed("nk>Step one") == [("thinking", "Step one")]
    assert parser.feed(", step two </th") == [("thinking", ", step two ")]
    assert parser.feed("ink>") == []
    assert parser.feed("Done") == [("answer", "Done")]


def test_unfinished_thinking_is_never_an_answer() -> None:
    for fmt, reply, _, _ in CASES:
        cut = reply.index(fmt.close)
        thinking, answer = _run(fmt, [reply[: cut - 2]])
        assert answer == "" and thinking, fmt.name
    thinking, answer = _run(THINK_TAGS, ["still thinking </thi"], opened=True)
    assert (thinking, answer) == ("still thinking </thi", "")


def test_a_reply_without_thinking_is_all_answer() -> None:
    assert _run(THINK_TAGS, ["Hello", " there"]) == ("", "Hello there")
    assert _run(GPT_OSS, ["<|channel|>final<|message|>", "Hi"]) == ("", "Hi")
    assert _run(THINK_TAGS, ["<", "b>bold</b>"]) == ("", "<b>bold</b>")


def test_opened_prompt_starts_in_thinking() -> None:
    assert _run(THINK_TAGS, ["Hmm.", "\n</think>\n\nYes."], opened=True) == ("Hmm.\n", "Yes.")


def test_turn_counts_thinking_tokens_and_times() -> None:
    turn = ThinkingTurn(THINK_TAGS, False, 0, started=100.0)
    for i, piece in enumerate(
        ["<", "think", ">", "a", " b", " c", "</", "think", ">", "\n\n", "X", "Y"]
    ):
        turn.feed(piece, 1, now=101.0 + i)
    stats = turn.stats(make_stats(), end=120.0)
    assert (turn.thinking, turn.answer) == ("a b c", "XY")
    assert stats.thinking_tokens == 9  # the markers are thinking tokens too
    assert stats.thinking_s == pytest.approx(8.0)  # first thinking token to the answer
    assert stats.answer_ttft_s == pytest.approx(11.0)  # turn start to "X"
    assert stats.thinking_tps == pytest.approx(1.0)


def test_no_thinking_leaves_the_fields_none() -> None:
    turn = ThinkingTurn(THINK_TAGS, False, 0, started=0.0)
    turn.feed("Plain answer", 2, now=1.0)
    stats = turn.stats(make_stats(), end=2.0)
    assert (stats.thinking_tokens, stats.thinking_s, stats.answer_ttft_s) == (None, None, None)
    assert turn.answer == "Plain answer"


def test_budget_asks_for_the_closing_marker_once() -> None:
    turn = ThinkingTurn(THINK_TAGS, True, 3, started=0.0)
    asked = []
    for piece in ["a", " b", " c", " d"]:
        turn.feed(piece, 1, now=1.0)
        asked.append(turn.budget_close())
    assert asked == [None, None, "\n</think>\n\n", None]
    turn.feed("\n</think>\n\n", 3, now=2.0)
    turn.feed("Answer", 1, now=3.0)
    assert (turn.thinking, turn.answer) == ("a b c d", "Answer")


QWEN3_LIKE = (
    "{%- if enable_thinking is defined and enable_thinking is false %}"
    "<think>\n\n</think>{% endif %}"
)
R1_LIKE = "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}"
SMOLLM3_LIKE = "{%- if '/no_think' in system_message %}<think>\n\n</think>{% endif %}"


def test_formats_are_detected_from_the_template() -> None:
    assert detect_format(QWEN3_LIKE).switch == "enable_thinking"  # type: ignore[union-attr]
    assert detect_format(R1_LIKE).switch == "none"  # type: ignore[union-attr]
    assert detect_format(SMOLLM3_LIKE).switch == "system_flags"  # type: ignore[union-attr]
    assert detect_format("[THINK]{{ m }}[/THINK]") == THINK_BRACKETS
    assert detect_format("<|start|>assistant<|channel|>final<|message|>") == GPT_OSS
    assert detect_format(None, {"general.architecture": "gpt-oss"}) == GPT_OSS
    assert detect_format("{{ '<|im_start|>' }}") is None
    assert detect_format(None) is None


def test_controls_reach_the_template() -> None:
    qwen3 = detect_format(QWEN3_LIKE)
    off = GenerationParams(thinking="off")
    assert template_variables(qwen3, QWEN3_LIKE, off) == {"enable_thinking": False}
    assert template_variables(qwen3, QWEN3_LIKE, GenerationParams()) == {}
    effort = GenerationParams(reasoning_effort="high")
    assert template_variables(GPT_OSS, "x", effort) == {"reasoning_effort": "high"}
    smol = detect_format(SMOLLM3_LIKE)
    flagged = with_system_flag(smol, [Message("system", "Be brief."), Message("user", "q")], off)
    assert flagged[0].content == "Be brief. /no_think"
    assert with_system_flag(smol, [Message("user", "q")], GenerationParams(thinking="on"))[0] == (
        Message("system", "/think")
    )
    assert closed_prompt(THINK_TAGS, "A:<think>\n", off) == "A:<think>\n\n</think>\n\n"
    assert closed_prompt(THINK_TAGS, "A:<think>\n", GenerationParams()) == "A:<think>\n"
    assert starts_in_thinking(THINK_TAGS, "A:<think>\n")
    assert not starts_in_thinking(THINK_TAGS, "A:<think>\n\n</think>\n\n")


def test_kept_prompt_is_the_cache_plus_what_follows_the_answer() -> None:
    history = [Message("user", "q1"), Message("assistant", "a1")]
    held = "<u>q1</u><a><think>t1</think>a1"
    follow = "<u>q1</u><a>a1</a><u>q2</u><a>"
    key = message_key(history)
    messages = [*history, Message("user", "q2")]
    assert kept_prompt(held, key, messages, follow) == held + "</a><u>q2</u><a>"
    assert kept_prompt(held, message_key([Message("user", "other")]), messages, follow) is None
    assert kept_prompt("<u>q1</u><a>different", key, messages, follow) is None


def test_the_catalogue_is_current_and_marks_reasoning_models() -> None:
    from app.hub.remote.catalogue import CATALOGUE

    ids = [entry.repo_id for entry in CATALOGUE]
    assert len(set(ids)) == len(ids)
    sizes = [entry.parameter_count or 0 for entry in CATALOGUE]
    assert sizes == sorted(sizes)  # smallest first
    for entry in CATALOGUE:
        assert entry.repo_id.lower().endswith("gguf") and entry.licence
        assert 20 <= len(entry.description) <= 90 and entry.description.endswith(".")
    thinking = {entry.repo_id for entry in CATALOGUE if entry.thinks}
    for wanted in (
        "Qwen3-0.6B",
        "Qwen3-8B",
        "SmolLM3",
        "DeepSeek-R1-Distill-Qwen-1.5B",
        "gpt-oss-20b",
    ):
        assert any(wanted in repo for repo in thinking), wanted
    for plain in ("gemma-3", "Llama-3.2", "Mistral-Small", "Phi-4-mini-instruct"):
        assert any(plain in repo for repo in ids) and not all(plain in r for r in thinking)
