"""The messages a reply's prompt really held, for showing its tokens afterwards."""

from __future__ import annotations

from collections.abc import Sequence

from app.chat.values import Message


def prompt_as_sent(messages: Sequence[Message], dropped_turns: int) -> list[Message]:
    """`messages` without the `dropped_turns` oldest turns the engine left out.

    The engine keeps the system prompt and drops whole turns from the oldest, so the kept
    history starts at a user message (app/engine/context_window.py).
    """
    system = [m for m in messages[:1] if m.role == "system"]
    history = list(messages[len(system) :])
    if dropped_turns <= 0:
        return system + history
    start, users = 0, 0
    while start < len(history) - 1:
        if history[start].role == "user":
            if users == dropped_turns:
                break
            users += 1
        start += 1
    return system + history[start:]
