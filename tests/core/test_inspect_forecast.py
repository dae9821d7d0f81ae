"""The context-overflow forecast against the engine's own window policy."""

from __future__ import annotations

from app.chat.context_policy import reply_reserve
from app.chat.values import Message
from app.engine.context_window import plan_window
from app.inspect.forecast import forecast_overflow


def test_reply_reserve_matches_the_engine():
    assert reply_reserve(1024, 4096) == 1024
    assert reply_reserve(1024, 2048) == 512
    assert reply_reserve(200, 4096) == 200


def test_turns_that_fit_and_turns_dropped_then():
    # budget 3072, target 2304; each turn adds 50 prompt + 150 reply tokens
    forecast = forecast_overflow(2000, 4096, 1024, 50, 150, turns_held=10)
    assert forecast is not None
    # turn j fits while 2000 + 200 j + 50 <= 3072: j = 0..5, so six turns fit
    assert forecast.turns_that_fit == 6
    assert not forecast.next_turn_drops
    # the seventh prompt is 2000 + 1200 + 50 = 3250: drop ceil((3250 - 2304) / 200) = 5
    assert forecast.turns_dropped == 5


def test_next_turn_drops_when_the_prompt_no_longer_fits():
    forecast = forecast_overflow(3050, 4096, 1024, 50, 150, turns_held=12)
    assert forecast is not None
    assert forecast.turns_that_fit == 0 and forecast.next_turn_drops
    assert forecast.turns_dropped == 4  # ceil((3100 - 2304) / 200)


def test_at_most_the_turns_held_are_dropped():
    forecast = forecast_overflow(3050, 4096, 1024, 50, 150, turns_held=2)
    assert forecast is not None
    assert forecast.turns_dropped == 2


def test_unknown_growth_gives_no_forecast():
    assert forecast_overflow(100, 4096, 1024, 0, 0, 1) is None
    assert forecast_overflow(100, 1000, 1000, 10, 10, 1) is None


def test_forecast_agrees_with_plan_window_on_uniform_turns():
    """Turns of exactly 10 prompt + 30 reply tokens, counted by a fake tokenizer."""

    def count(messages):
        return sum(
            10 if m.role == "user" else 30 if m.role == "assistant" else 20 for m in messages
        )

    context, reserve = 512, 128
    history = [Message("system", "s")]
    turns = 0
    while count([*history, Message("user", "q")]) <= context - reserve:
        history += [Message("user", "q"), Message("assistant", "a")]
        turns += 1
    used_before = count(history[:-2])
    forecast = forecast_overflow(used_before, context, reserve, 10, 30, turns_held=turns - 1)
    assert forecast is not None and forecast.turns_that_fit == 1  # the last one that fitted
    plan = plan_window([*history, Message("user", "q")], count, context, reserve)
    assert plan.dropped_turns == forecast.turns_dropped
