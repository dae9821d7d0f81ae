"""Switching branches on the real model: the kept state of each branch end is restored, so
a follow-up on the branch switched to evaluates only its new tokens, while an anchor that
has to re-read the path (no kept state) evaluates all of it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.chat.values import LoadOptions, Message
from app.engine.llama_engine import LlamaEngine
from tests.core.model_helpers import SYSTEM, run_turn
from tests.values_factory import GREEDY

pytestmark = [pytest.mark.model, pytest.mark.once]  # engine-only token counts: one Python is enough

SHORT = replace(GREEDY, max_tokens=6)
OWLS = "Here are my notes on owls. " + "Owls hunt at night and sleep by day. " * 25
BATS = "Here are my notes on bats. " + "Bats fly at dusk and hang upside down. " * 25


def _branch(engine: LlamaEngine, notes: str) -> list[Message]:
    path = [SYSTEM, Message("user", notes + " Summarise.")]
    reply = run_turn(engine, "chat", path, SHORT)
    return [*path, Message("assistant", reply.text)]


def test_a_follow_up_after_a_switch_reads_only_its_new_tokens(
    default_model: Path, tmp_path: Path
) -> None:
    engine = LlamaEngine(kv_dir=tmp_path)
    engine.load(str(default_model), LoadOptions(n_ctx=2048, n_threads=2))
    owls = _branch(engine, OWLS)  # branch A
    bats = _branch(engine, BATS)  # branch B: an edit of the first question
    follow_up = [*owls, Message("user", "Shorter?")]  # back to A, continued

    switched = run_turn(engine, "chat", follow_up, SHORT)
    on_bats = run_turn(engine, "chat", [*bats, Message("user", "Why?")], SHORT)
    # Back to A with another question: the kept state of A goes on past where this prompt
    # leaves it (the "Shorter?" turn); its tokens up to there are reused as they are.
    again = run_turn(engine, "chat", [*owls, Message("user", "Longer?")], SHORT)
    engine.forget("chat")  # the anchor: nothing kept, the whole path is read again
    anchor = run_turn(engine, "chat", follow_up, SHORT)
    engine.close()

    assert switched.stats.restored_from_disk, "A's kept state was restored"
    assert switched.stats.prompt_tokens == anchor.stats.prompt_tokens > 300
    assert switched.stats.evaluated_tokens <= 20, "only the new message's tokens"
    assert anchor.stats.evaluated_tokens == anchor.stats.prompt_tokens, "re-read it all"
    assert switched.text == anchor.text, "the restored state gives the same greedy reply"
    assert on_bats.stats.evaluated_tokens <= 20 and again.stats.evaluated_tokens <= 20
    assert len(bats) == len(owls)


# Replies that run past the end-of-turn token (as the bench's do): the short answers to the
# first questions do, so their control tokens are in the KV cache but not in their text.
PAST_EOS = replace(GREEDY, max_tokens=16, ignore_eos=True)


def _multi_turn_branch(engine: LlamaEngine, questions: tuple[str, str]) -> list[Message]:
    path = [SYSTEM]
    for question in questions:
        path.append(Message("user", question))
        path.append(Message("assistant", run_turn(engine, "chat", path, PAST_EOS).text))
    return path


def test_every_switch_between_multi_turn_branches_reads_only_the_new_tokens(
    default_model: Path, tmp_path: Path
) -> None:
    engine = LlamaEngine(kv_dir=tmp_path)
    engine.load(str(default_model), LoadOptions(n_ctx=2048, n_threads=2))
    owls = _multi_turn_branch(engine, ("What is 2+2?", OWLS + " Summarise."))  # branch A
    bats = _multi_turn_branch(engine, ("Name a colour.", BATS + " Summarise."))  # an edit
    # A, B, A, B: the second visit to each branch asks another follow-up than the first,
    # so its kept state (which holds the first follow-up) is left partway along its tokens.
    switches = [
        run_turn(engine, "chat", [*branch, Message("user", f"Follow-up {index}: why?")], SHORT)
        for index, branch in enumerate([owls, bats, owls, bats])
    ]
    engine.close()

    evaluated = [(t.stats.evaluated_tokens, t.stats.prompt_tokens) for t in switches]
    assert all(t.stats.restored_from_disk for t in switches), evaluated
    assert all(prompt > 300 for _, prompt in evaluated), evaluated
    assert all(done < 0.15 * prompt for done, prompt in evaluated), evaluated
