"""plan_window: keep the system prompt, drop oldest whole turns, sticky floor."""

from __future__ import annotations

import pytest

from app.chat.values import Message
from app.engine.context_window import plan_window
from app.engine.errors import MessageTooLongError


def count(messages) -> int:  # type: ignore[no-untyped-def]
    return sum(len(m.content.split()) + 3 for m in messages)


def conversation(turns: int, words: int = 20) -> list[Message]:
    out = [Message("system", "sys")]
    for i in range(turns):
        out += [
            Message("user", f"q{i} " + "w " * words),
            Message("assistant", f"a{i} " + "w " * words),
        ]
    return out + [Message("user", "last")]


def test_fits_means_nothing_dropped() -> None:
    plan = plan_window(conversation(2), count, 1000, 100)
    assert plan.dropped_messages == 0 and plan.dropped_turns == 0
    assert plan.messages == conversation(2)


def test_overflow_drops_oldest_whole_turns_and_keeps_system() -> None:
    messages = conversation(20)
    plan = plan_window(messages, count, 400, 100)
    assert plan.messages[0] == Message("system", "sys")
    assert plan.messages[1].role == "user"
    assert plan.messages[-1] == Message("user", "last")
    assert plan.dropped_messages % 2 == 0 and plan.dropped_turns == plan.dropped_messages // 2
    assert plan.prompt_tokens <= (400 - 100) * 3 // 4
    assert count(plan.messages) == plan.prompt_tokens


def test_floor_is_sticky() -> None:
    first = plan_window(conversation(20), count, 400, 100)
    later = plan_window(conversation(21), count, 400, 100, floor=first.dropped_messages)
    assert later.dropped_messages == first.dropped_messages, "same start keeps the cache valid"


def test_single_message_too_big_is_refused() -> None:
    messages = [Message("system", "sys"), Message("user", "w " * 1000)]
    with pytest.raises(MessageTooLongError) as error:
        plan_window(messages, count, 256, 64)
    assert error.value.context_size == 256


def test_long_chat_is_planned_with_few_token_counts_and_drops_the_minimum() -> None:
    calls = []

    def counting(messages):  # type: ignore[no-untyped-def]
        calls.append(1)
        return count(messages)

    messages = conversation(200)
    plan = plan_window(messages, counting, 2048, 512)
    assert len(calls) <= 12, "binary search, not one render per dropped turn"
    target = (2048 - 512) * 3 // 4
    assert plan.prompt_tokens <= target
    one_less = [messages[0], *messages[1 + plan.dropped_messages - 2 :]]
    assert count(one_less) > target, "no more than needed is dropped"
