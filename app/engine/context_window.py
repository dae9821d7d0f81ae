"""Which messages fit in the context window: keep the system prompt, drop oldest turns.

Pure logic over token counts, so it is tested without a model. Dropping is sticky per
conversation (`floor`): once messages are dropped, later turns drop at least as many, so
the prompt's start stays the same and the prompt cache keeps working after an overflow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.chat.context_policy import drop_target, prompt_budget
from app.chat.values import Message
from app.engine.errors import MessageTooLongError


@dataclass(frozen=True, slots=True)
class WindowPlan:
    messages: list[Message]  # what to render: system prompt (if any) + the kept history
    dropped_messages: int  # history messages left out, counted from the oldest
    prompt_tokens: int

    @property
    def dropped_turns(self) -> int:
        return (self.dropped_messages + 1) // 2


def plan_window(
    messages: Sequence[Message],
    count_tokens: Callable[[Sequence[Message]], int],
    context_size: int,
    reply_reserve: int,
    floor: int = 0,
) -> WindowPlan:
    """Drop the oldest history messages until the prompt plus `reply_reserve` fits.

    When anything must be dropped, drop down to the policy's target (app.chat.context_policy)
    so the next few turns fit again without another drop.
    """
    system = [m for m in messages[:1] if m.role == "system"]
    history = list(messages[len(system) :])
    if not history:
        raise ValueError("nothing to reply to")
    budget = prompt_budget(context_size, reply_reserve)
    floor = max(0, min(floor, len(history) - 1))
    while floor < len(history) - 1 and history[floor].role != "user":
        floor += 1

    def tokens_for(start: int) -> int:
        return count_tokens(system + history[start:])

    start = floor
    prompt = tokens_for(start)
    if prompt <= budget:
        return WindowPlan(system + history[start:], start, prompt)
    target = drop_target(budget)
    # Token counts only shrink as more is dropped: binary-search the first user message
    # from which the prompt fits the target (a few renders, even for a long chat).
    starts = [i for i in range(start + 1, len(history)) if history[i].role == "user"]
    if not starts:
        starts = [len(history) - 1]
    low, high = 0, len(starts) - 1
    counts: dict[int, int] = {}
    while low < high:
        middle = (low + high) // 2
        counts[middle] = tokens_for(starts[middle])
        if counts[middle] <= target:
            high = middle
        else:
            low = middle + 1
    start = starts[low]
    prompt = counts[low] if low in counts else tokens_for(start)
    # Only the last message may be left: it fits with less room for the reply, or not at all.
    if prompt > budget and prompt > context_size - 16:
        raise MessageTooLongError(count_tokens(history[-1:]), context_size)
    return WindowPlan(system + history[start:], start, prompt)
