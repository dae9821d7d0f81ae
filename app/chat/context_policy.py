"""The context policy: how much room a reply keeps, and how far an overflow drops.

One home for the rule the engine follows (`app/engine/context_window.py`, `LlamaEngine.chat`)
and the Inspector forecasts (`app/inspect/forecast.py`): a reply keeps room for
`min(max_tokens, context // 4)` tokens; when the prompt no longer fits in the rest, the
oldest whole turns are dropped until the prompt is at most three quarters of that budget,
so the next few turns fit again without another drop (each drop costs a re-evaluation).
"""

from __future__ import annotations


def reply_reserve(max_tokens: int, context_size: int) -> int:
    """Room kept for the reply: at most a quarter of the context."""
    return min(max_tokens, context_size // 4)


def prompt_budget(context_size: int, reserve: int) -> int:
    """Tokens the prompt may use when `reserve` are kept for the reply."""
    return context_size - reserve


def drop_target(budget: int) -> int:
    """After a drop the prompt is at most three quarters of the budget."""
    return budget * 3 // 4
