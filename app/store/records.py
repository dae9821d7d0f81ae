"""The values the store hands out: a conversation's header and one stored message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

ROLES: Final = frozenset({"system", "user", "assistant", "notice"})
"""Roles a stored message may have; "notice" is a UI notice such as "3 turns dropped"."""

DEFAULT_TITLE: Final = "New chat"


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: str  # uuid4 hex
    title: str
    created_at: float  # unix seconds
    updated_at: float
    model_path: str | None
    settings: dict[str, Any]  # per-conversation settings (system prompt, generation params)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    conversation_id: str
    role: str  # one of ROLES
    content: str
    created_at: float
    complete: bool  # False while a reply is streaming or after it was cut off
    stats: dict[str, Any] | None  # TurnStats.as_json() for assistant replies
    thinking: str = ""  # a reasoning model's thinking, apart from the answer in `content`
    parent_id: int | None = None  # the message this one answers or follows; None at the top
