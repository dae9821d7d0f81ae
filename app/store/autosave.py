"""Saving a reply while it streams, so a crash loses at most about a second of tokens."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from app.store.chat_store import ChatStore
from app.store.errors import NotFoundError
from app.store.records import StoredMessage


class ReplyAutosaver:
    """The first non-empty text inserts a partial message; later text updates that row at most
    once per ``interval`` seconds (one cheap UPDATE); ``finish`` writes the final text.

    ``parent_id`` is the message the reply answers, fixed when the turn starts, so the reply
    lands on its own branch even if the conversation's current leaf moved meanwhile (None:
    under the current leaf when it is first written).
    """

    def __init__(
        self,
        store: ChatStore,
        conversation_id: str,
        *,
        role: str = "assistant",
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        parent_id: int | None = None,
    ) -> None:
        self.parent_id = parent_id
        self._store = store
        self._conversation_id = conversation_id
        self._role = role
        self._interval = interval
        self._clock = clock
        self._message_id: int | None = None
        self._saved_at = 0.0
        self._saved = ("", "")

    @property
    def message_id(self) -> int | None:
        return self._message_id

    def update(self, content: str, thinking: str = "") -> bool:
        """Offer the reply so far (and its thinking); return True if it was written now."""
        if not (content or thinking) or (content, thinking) == self._saved:
            return False
        now = self._clock()
        if self._message_id is None:
            message = self._store.add_message(
                self._conversation_id,
                self._role,
                content,
                complete=False,
                thinking=thinking,
                parent_id=self.parent_id,
            )
            self._message_id = message.id
        elif now - self._saved_at >= self._interval:
            self._store.update_message(self._message_id, content, complete=False, thinking=thinking)
        else:
            return False
        self._saved_at, self._saved = now, (content, thinking)
        return True

    def finish(
        self,
        content: str,
        *,
        complete: bool = True,
        stats: dict[str, Any] | None = None,
        thinking: str = "",
    ) -> StoredMessage:
        """Write the final text (``complete=False`` for a reply that was cut off)."""
        if self._message_id is None:
            message = self._store.add_message(
                self._conversation_id,
                self._role,
                content,
                complete=complete,
                stats=stats,
                thinking=thinking,
                parent_id=self.parent_id,
            )
            self._message_id = message.id
            return message
        self._store.update_message(
            self._message_id, content, complete=complete, stats=stats, thinking=thinking
        )
        saved = self._store.message(self._message_id)
        if saved is None:
            raise NotFoundError(f"message {self._message_id} vanished while streaming")
        return saved
