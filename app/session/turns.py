"""TurnRecorder: writes one turn's events into the conversation it started in."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from app.chat.events import (
    PromptEvaluated,
    PromptProgress,
    TokensReceived,
    TurnEvent,
    TurnFinished,
)
from app.engine.runner import TurnStream
from app.session.values import NoticeAdded, ReplySaved, SessionEvent, dropped_turns_notice
from app.store import ChatStore, ReplyAutosaver, StoredMessage

PARTIAL_SAVE_INTERVAL_S = 1.0


class TurnRecorder:
    """The partial reply about once a second, the final one byte-identical to the engine's."""

    def __init__(
        self,
        store: ChatStore,
        conversation_id: str,
        stream: TurnStream,
        clock: Callable[[], float] = time.monotonic,
        dropped_before: int = 0,
    ) -> None:
        self.conversation_id = conversation_id
        self._dropped_before = dropped_before  # turns already left out (and noticed) before
        self.stream = stream
        self.done = False
        self._store = store
        self._parts: list[str] = []
        self._thinking: list[str] = []
        self._saver = ReplyAutosaver(
            store, conversation_id, interval=PARTIAL_SAVE_INTERVAL_S, clock=clock
        )

    def pump(self, foreground: bool) -> list[SessionEvent]:
        """Handle everything waiting; return the events a view of this conversation needs."""
        out: list[SessionEvent] = []
        for event in self.stream.drain():
            out.extend(self._handle(event, foreground))
        return out

    @property
    def writing(self) -> bool:
        """Text has arrived: the reply is past its prompt and stops within one token."""
        return bool(self._parts or self._thinking)

    def save_partial(self) -> None:
        """The turn did not finish in time: keep what it wrote, marked incomplete."""
        if self.done:
            return
        self.done = True
        text, thinking = "".join(self._parts), "".join(self._thinking).strip()
        if text or thinking:
            self._saver.finish(text, complete=False, thinking=thinking)

    def _handle(self, event: TurnEvent, foreground: bool) -> list[SessionEvent]:
        if self.done:
            return []
        if isinstance(event, TokensReceived):
            (self._thinking if event.channel == "thinking" else self._parts).append(event.text)
            self._saver.update("".join(self._parts), "".join(self._thinking).strip())
            return [event] if foreground else []
        if isinstance(event, PromptProgress):
            return [event] if foreground else []
        if isinstance(event, PromptEvaluated):
            out: list[SessionEvent] = [event] if foreground else []
            if event.dropped_turns > self._dropped_before:  # one notice per new drop
                text = dropped_turns_notice(event.dropped_turns)
                notice = self._store.add_message(self.conversation_id, "notice", text)
                out += [NoticeAdded(notice)] if foreground else []
            return out
        return [self._finish(event, foreground)]

    def _finish(self, finished: TurnFinished, foreground: bool) -> ReplySaved:
        self.done = True
        stats: dict[str, Any] = finished.stats.as_json()
        if finished.error:
            stats["error"] = finished.error
        # A reply that ended inside its thinking has no answer: it is not complete.
        complete = finished.reason in ("stop", "length") and bool(finished.text)
        message: StoredMessage | None = None
        if finished.text or finished.thinking:
            message = self._saver.finish(
                finished.text, complete=complete, stats=stats, thinking=finished.thinking
            )
        elif self._saver.message_id is not None:
            self._store.delete_message(self._saver.message_id)
        notice = None
        if finished.error:
            text = f"The reply stopped with an error: {finished.error}"
            notice = self._store.add_message(self.conversation_id, "notice", text)
        return ReplySaved(self.conversation_id, finished, message, notice, foreground)
