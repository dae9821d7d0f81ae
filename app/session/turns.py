"""TurnRecorder: writes one turn's events into the conversation it started in.

When the store refuses a write (a full disk...), the reply keeps streaming and stays shown;
the recorder says so once (SaveFailed), tries again with the next text, and after the turn
ends keeps the final text until `retry()` stores it.
"""

from __future__ import annotations

import logging
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
from app.session.values import (
    NoticeAdded,
    ReplySaved,
    SaveFailed,
    SaveRecovered,
    SessionEvent,
    dropped_turns_notice,
)
from app.store import ChatStore, ReplyAutosaver, StoredMessage, StoreError

PARTIAL_SAVE_INTERVAL_S = 1.0
log = logging.getLogger(__name__)


class TurnRecorder:
    """The partial reply about once a second, the final one byte-identical to the engine's."""

    def __init__(
        self,
        store: ChatStore,
        conversation_id: str,
        stream: TurnStream,
        clock: Callable[[], float] = time.monotonic,
        dropped_before: int = 0,
        parent_id: int | None = None,
        leaf_before: int | None = None,
    ) -> None:
        self.conversation_id = conversation_id
        # The reply hangs under `parent_id` (fixed now: a switch elsewhere cannot move it);
        # a turn that writes nothing gives the conversation back its `leaf_before`.
        self._leaf_before = leaf_before
        self._dropped_before = dropped_before  # turns already left out (and noticed) before
        self.stream = stream
        self.done = False
        self._store = store
        self._parts: list[str] = []
        self._thinking: list[str] = []
        self._saver = ReplyAutosaver(
            store,
            conversation_id,
            interval=PARTIAL_SAVE_INTERVAL_S,
            clock=clock,
            parent_id=parent_id,
        )
        self.save_error: str | None = None  # why the last write failed (None: all saved)
        self._pending: tuple[str, bool, dict[str, Any] | None, str] | None = None
        self._announced = False  # a SaveFailed went out and no SaveRecovered since
        self.extra_stats: dict[str, Any] = {}  # added to the reply's stats (e.g. "sources")

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

    @property
    def unsaved(self) -> bool:
        """The turn ended but its final text is not stored yet."""
        return self._pending is not None

    @property
    def unsaved_text(self) -> str:
        return self._pending[0] if self._pending else "".join(self._parts)

    def save_partial(self) -> None:
        """The turn did not finish in time: keep what it wrote, marked incomplete."""
        if self.done:
            return
        self.done = True
        text, thinking = "".join(self._parts), "".join(self._thinking).strip()
        if text or thinking:
            self._pending = (text, False, None, thinking)
            self.retry()

    def retry_events(self) -> list[SessionEvent]:
        """retry(), as the events a view needs (SaveRecovered once it worked)."""
        return self._recovered() if self.retry() is not None else []

    def retry(self) -> StoredMessage | None:
        """Try to store the final text again; the stored message once it worked."""
        if self._pending is None:
            return None
        text, complete, stats, thinking = self._pending
        try:
            message = self._saver.finish(text, complete=complete, stats=stats, thinking=thinking)
        except StoreError as error:
            self.save_error = str(error)
            return None
        self._pending, self.save_error = None, None
        return message

    def _failed(self, error: str, streaming: bool) -> list[SessionEvent]:
        self.save_error = error
        if self._announced:
            return []
        self._announced = True
        log.warning("could not save the reply in %s: %s", self.conversation_id, error)
        return [SaveFailed(self.conversation_id, error, streaming)]

    def _recovered(self) -> list[SessionEvent]:
        self.save_error = None
        if not self._announced:
            return []
        self._announced = False
        return [SaveRecovered(self.conversation_id)]

    def _handle(self, event: TurnEvent, foreground: bool) -> list[SessionEvent]:
        if self.done:
            return []
        if isinstance(event, TokensReceived):
            (self._thinking if event.channel == "thinking" else self._parts).append(event.text)
            out: list[SessionEvent] = [event] if foreground else []
            try:
                wrote = self._saver.update("".join(self._parts), "".join(self._thinking).strip())
            except StoreError as error:
                return out + self._failed(str(error), streaming=True)
            return out + (self._recovered() if wrote else [])
        if isinstance(event, PromptProgress):
            return [event] if foreground else []
        if isinstance(event, PromptEvaluated):
            out = [event] if foreground else []
            if event.dropped_turns > self._dropped_before:  # one notice per new drop
                notice = self._notice(dropped_turns_notice(event.dropped_turns), before=True)
                out += [NoticeAdded(notice)] if foreground and notice else []
            return out
        return self._finish(event, foreground)

    def _notice(
        self, text: str, before: bool = False, after: StoredMessage | None = None
    ) -> StoredMessage | None:
        """Store a notice on the reply's branch: under ``after`` (the reply), or, ``before``
        the reply is written, between its question and the reply."""
        parent = after.id if after is not None and after.id > 0 else self._saver.parent_id
        try:
            notice = self._store.add_message(self.conversation_id, "notice", text, parent_id=parent)
        except StoreError as error:
            log.warning("could not store a notice (%s): %s", error, text)
            return None
        if before and self._saver.message_id is None and self._saver.parent_id is not None:
            self._saver.parent_id = notice.id  # the reply follows its notice
        return notice

    def _finish(self, finished: TurnFinished, foreground: bool) -> list[SessionEvent]:
        self.done = True
        stats: dict[str, Any] = {**finished.stats.as_json(), **self.extra_stats}
        if finished.error:
            stats["error"] = finished.error
        # A reply that ended inside its thinking has no answer: it is not complete.
        complete = finished.reason in ("stop", "length") and bool(finished.text)
        message: StoredMessage | None = None
        out: list[SessionEvent] = []
        if finished.text or finished.thinking:
            self._pending = (finished.text, complete, stats, finished.thinking)
            message = self.retry()
            if message is None:
                message = self._unsaved_message(finished.text, complete, stats, finished.thinking)
                out += self._failed(self.save_error or "not saved", streaming=False)
            else:
                out += self._recovered()
        else:
            self._nothing_written()
        notice = None
        if finished.error:
            stopped = f"The reply stopped with an error: {finished.error}"
            notice = self._notice(stopped, after=message)
        saved = ReplySaved(
            self.conversation_id, finished, message, notice, foreground, not self.unsaved
        )
        return [*out, saved]

    def _nothing_written(self) -> None:
        """No reply: remove an empty partial one; a regenerate shows the earlier reply again."""
        try:
            if self._saver.message_id is not None:
                self._store.delete_message(self._saver.message_id)
            elif self._leaf_before is not None and self._store.message(self._leaf_before):
                self._store.set_current_leaf(self.conversation_id, self._leaf_before)
        except StoreError as error:
            log.warning("could not tidy up after an empty reply: %s", error)

    def _unsaved_message(
        self, text: str, complete: bool, stats: dict[str, Any] | None, thinking: str
    ) -> StoredMessage:
        """What the view shows for a reply the disk refused (id -1: not stored yet)."""
        return StoredMessage(
            -1,
            self.conversation_id,
            "assistant",
            text,
            time.time(),
            complete,
            stats,
            thinking,
            self._saver.parent_id,
        )
