"""When the context window fills, and how many old turns the engine leaves out then.

Follows the engine's policy (`app/chat/context_policy.py`): a reply keeps room for
`reply_reserve` tokens; when the prompt no longer fits in the budget left, the oldest whole
turns are dropped until the prompt is at most the policy's drop target. The future is
estimated from the conversation's averages: each turn adds `prompt_growth` tokens to the
prompt (the new message and the template around it) and `reply_tokens` tokens of reply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.chat.context_policy import drop_target, prompt_budget


@dataclass(frozen=True, slots=True)
class OverflowForecast:
    turns_that_fit: int  # future turns that still fit; the one after them drops old turns
    turns_dropped: int  # oldest turns left out on that turn

    @property
    def next_turn_drops(self) -> bool:
        return self.turns_that_fit == 0


def forecast_overflow(
    context_used: int,
    context_size: int,
    reserve: int,
    prompt_growth: float,
    reply_tokens: float,
    turns_held: int,
) -> OverflowForecast | None:
    """None when nothing is known about how fast the conversation grows."""
    per_turn = prompt_growth + reply_tokens
    budget = prompt_budget(context_size, reserve)
    if per_turn <= 0 or budget <= 0 or prompt_growth < 0:
        return None
    room = budget - context_used - prompt_growth
    fit = 0 if room < 0 else math.floor(room / per_turn) + 1
    prompt_then = context_used + fit * per_turn + prompt_growth
    excess = prompt_then - drop_target(budget)
    dropped = min(turns_held + fit, max(1, math.ceil(excess / per_turn)))
    return OverflowForecast(fit, max(0, dropped))
