"""TurnHistory: series for the charts and the growth averages behind the forecast."""

from __future__ import annotations

from dataclasses import replace

from app.engine.runner import empty_finish
from app.inspect.history import TurnHistory, stats_from_json
from tests.values_factory import turn_stats

BASE = turn_stats(
    ttft_s=0.2,
    prompt_tokens=40,
    cached_tokens=0,
    evaluated_tokens=40,
    prefill_tps=400.0,
    decode_s=1.0,
    decode_tps=60.0,
    generated_tokens=60,
    context_used=100,
    context_size=2048,
    rss_mb=200.0,
    wall_s=1.2,
)


def test_series_and_averages_over_turns():
    second = replace(
        BASE,
        ttft_s=0.05,
        prompt_tokens=130,
        cached_tokens=100,
        context_used=210,
        generated_tokens=80,
        decode_tps=58.0,
    )
    third = replace(
        BASE,
        ttft_s=0.06,
        prompt_tokens=250,
        cached_tokens=210,
        context_used=290,
        generated_tokens=40,
        decode_tps=57.0,
    )
    history = TurnHistory([BASE, second, third])
    assert len(history) == 3
    assert history.ttft_series() == (0.2, 0.05, 0.06)
    assert history.decode_series() == (60.0, 58.0, 57.0)
    assert history.prompt_growth() == (30 + 40) / 2
    assert history.reply_tokens() == 60
    assert history.turns_held() == 3
    assert history.last is third


def test_one_turn_uses_its_whole_prompt_and_failed_turns_are_skipped():
    history = TurnHistory()
    assert history.prompt_growth() is None and history.reply_tokens() is None
    assert not history.add(empty_finish("error", "", "boom", 2048).stats)
    assert history.add(BASE)
    assert history.prompt_growth() == 40.0
    history.clear()
    assert len(history) == 0 and history.last is None


def test_a_drop_is_not_counted_as_growth_and_reduces_the_turns_held():
    dropped = replace(BASE, prompt_tokens=70, context_used=150, dropped_turns=1)
    after = replace(BASE, prompt_tokens=170, context_used=230, dropped_turns=1)
    history = TurnHistory([BASE, dropped, after])
    assert history.prompt_growth() == 20.0  # only the step after the drop
    assert history.turns_held() == 2


def test_stats_round_trip_through_json_and_bad_json_is_none():
    assert stats_from_json(BASE.as_json()) == BASE
    assert stats_from_json({**BASE.as_json(), "error": "x"}) == BASE
    assert stats_from_json(None) is None
    assert stats_from_json({"ttft_s": 1.0}) is None


def test_prompt_as_sent_leaves_out_the_dropped_turns_like_the_engine():
    from app.chat.values import Message
    from app.engine.context_window import plan_window
    from app.inspect.prompt import prompt_as_sent

    history = [Message("system", "s")]
    for i in range(6):
        history += [Message("user", f"q{i}"), Message("assistant", f"a{i}")]
    history.append(Message("user", "last"))
    assert prompt_as_sent(history, 0) == history
    kept = prompt_as_sent(history, 2)
    assert kept[0] == history[0] and kept[1] == Message("user", "q2") and kept[-1].content == "last"
    assert prompt_as_sent(history, 99) == [history[0], history[-1]]
    plan = plan_window(history, lambda ms: 10 * len(ms), 128, 32)  # fits 9 messages at most
    assert plan.dropped_turns > 0
    assert prompt_as_sent(history, plan.dropped_turns) == plan.messages
