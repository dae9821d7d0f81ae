"""Long run: 200 turns in a 512-token context, overflowing it many times."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest

from tests.faults.live_session import SYSTEM_PROMPT, live_session, send_and_wait
from tests.faults.recording import RecordProperty

pytestmark = [pytest.mark.model, pytest.mark.slow, pytest.mark.once]

TURNS = 200
TOPICS = ["cats", "rivers", "bread", "the moon", "trains", "music", "snow", "bees", "tea", "maps"]


def _rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def test_200_turns_overflowing_the_context_keep_replying_with_the_system_prompt(
    default_model: Path, record_property: RecordProperty
) -> None:
    rss: dict[int, float] = {}
    empty, drops, last_dropped, not_first = 0, 0, 0, []
    with live_session(default_model, n_ctx=512) as (session, runner, store):
        conversation = session.new_conversation().id
        for turn in range(1, TURNS + 1):
            topic = TOPICS[turn % len(TOPICS)]
            result = send_and_wait(session, f"Question {turn}: tell me one fact about {topic}.")
            assert result.error is None, (turn, result.error)
            assert result.saved.finished.reason in ("stop", "length"), turn
            empty += not result.text.strip()
            dropped = result.saved.finished.stats.dropped_turns
            drops += dropped > last_dropped
            last_dropped = dropped
            cached = runner.submit(lambda engine: engine.cached_text).result()  # type: ignore[attr-defined]
            if cached.find(SYSTEM_PROMPT) not in range(0, 40):
                not_first.append(turn)
            if turn in (10, TURNS):
                rss[turn] = _rss_mb()
        stored = store.messages(conversation)
    record_property("rss_turn_10_mb", f"{rss[10]:.0f}")
    record_property(f"rss_turn_{TURNS}_mb", f"{rss[TURNS]:.0f}")
    record_property("context_overflows", drops)
    record_property("empty_replies", empty)
    record_property("dropped_turn_notices", sum(m.role == "notice" for m in stored))
    print(f"RSS turn 10: {rss[10]:.1f} MB, turn {TURNS}: {rss[TURNS]:.1f} MB; overflows {drops}")
    assert not_first == [], "the system prompt must open the prompt at every turn"
    assert drops >= 10, "the test must overflow the context many times"
    assert empty <= TURNS // 20, "replies keep coming"
    assert [m.content for m in stored if m.role == "user"][-1].startswith(f"Question {TURNS}:")
    assert sum(m.role == "user" for m in stored) == TURNS, "nothing is lost from the store"
    assert sum(m.role == "assistant" for m in stored) == TURNS - empty
    assert rss[TURNS] < rss[10] + 150, "memory stays bounded"
