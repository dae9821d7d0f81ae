"""ChatSession: one conversation in progress over a ChatStore and a runner. No Qt.

The session owns the rules of a turn: which messages go to the engine (system prompt
first, notices never), and that a turn is only ever written into the conversation it
started in (TurnRecorder does the writing). Whoever drives it (the window, a test) calls
`pump()` when a stream has events, on the thread that owns the store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from app.documents.values import DocumentTurn
from app.engine.runner import TurnStream
from app.session.turns import TurnRecorder
from app.session.values import (
    ConversationSettings,
    SessionEvent,
    TurnRunner,
    engine_messages,
)
from app.settings import Settings
from app.store import (
    DEFAULT_TITLE,
    ChatStore,
    ConversationRecord,
    StoredMessage,
    StoreError,
    derive_title,
)

log = logging.getLogger(__name__)


class ChatSession:
    """One open conversation, its turn in progress, and turns still finishing elsewhere."""

    def __init__(
        self,
        store: ChatStore,
        runner: TurnRunner,
        settings: Settings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._runner = runner
        self._defaults = ConversationSettings.of(settings)
        self._clock = clock
        self._conversation: ConversationRecord | None = None
        self._turns: list[TurnRecorder] = []
        self._foreground: TurnRecorder | None = None
        self._unsaved: list[TurnRecorder] = []  # ended, but the disk refused the final text
        self.model_path: str | None = None  # the loaded model, remembered per conversation

    # -- conversations ------------------------------------------------------------------
    @property
    def store_folder(self) -> Path:
        """Where the conversations are written (for messages about a full disk)."""
        return self._store.path.parent

    @property
    def conversation(self) -> ConversationRecord | None:
        return self._conversation

    @property
    def conversation_id(self) -> str | None:
        return self._conversation.id if self._conversation else None

    @property
    def busy(self) -> bool:
        """A reply is being generated for the open conversation."""
        return self._foreground is not None

    def messages(self) -> list[StoredMessage]:
        cid = self.conversation_id
        return self._store.messages(cid) if cid else []

    def open(self, conversation_id: str) -> list[StoredMessage]:
        """Open a conversation; a reply still running elsewhere is stopped and saved there."""
        record = self._store.conversation(conversation_id)
        if record is None:
            raise KeyError(f"no conversation {conversation_id}")
        self._detach_foreground()
        self._conversation = record
        return self._store.messages(conversation_id)

    def new_conversation(self) -> ConversationRecord:
        record = self._store.create_conversation(
            DEFAULT_TITLE, model_path=self.model_path, settings=self._defaults.as_dict()
        )
        self.open(record.id)
        return record

    def settings(self) -> ConversationSettings:
        """The open conversation's settings (the defaults for values it lacks)."""
        if self._conversation is None:
            return self._defaults
        return ConversationSettings.from_dict(self._conversation.settings, self._defaults)

    def apply_settings(self, settings: Settings) -> None:
        """New defaults, and the open conversation takes them too."""
        self._defaults = ConversationSettings.of(settings)
        if self._conversation is not None:
            self._store.set_settings(self._conversation.id, self._defaults.as_dict())
            self._reload_record()

    def set_thinking(self, mode: str, effort: str, budget: int) -> None:
        """The open conversation's thinking controls (this conversation only)."""
        if self._conversation is None:
            return
        current = self.settings()
        generation = replace(
            current.generation,
            thinking=mode,  # type: ignore[arg-type]
            reasoning_effort=effort,  # type: ignore[arg-type]
            thinking_budget=max(0, budget),
        )
        updated = ConversationSettings(current.system_prompt, generation)
        self._store.set_settings(self._conversation.id, updated.as_dict())
        self._reload_record()

    # -- turns ---------------------------------------------------------------------------
    def send(self, text: str, documents: DocumentTurn | None = None) -> TurnStream:
        """Store the user's message and start the reply.

        With `documents`, the model reads `documents.prompt` (the context, then the text)
        for this turn; the stored message keeps `text` and the attachment list, the reply's
        stats get the sources. A message that cannot be stored is not sent:
        StoreWriteError, nothing changed.
        """
        record = self._require_idle()
        if any(t.conversation_id == record.id for t in self._unsaved):
            raise RuntimeError(
                "The last reply is not saved yet (Hearth keeps retrying); send again once it is."
            )
        first = not any(m.role == "user" for m in self._store.messages(record.id))
        user_stats = documents.user_stats() if documents else None
        self._store.add_message(record.id, "user", text, stats=user_stats)
        if first and record.title == DEFAULT_TITLE:
            try:
                self._store.rename(record.id, derive_title(text))
            except StoreError as error:  # a title is cosmetic: the message is stored
                log.warning("could not set the title of %s: %s", record.id, error)
        return self._start_turn(documents)

    def regenerate(self) -> TurnStream:
        """Replace everything after the last user message with a new reply."""
        record = self._require_idle()
        history = self._store.messages(record.id)
        last_user = max((i for i, m in enumerate(history) if m.role == "user"), default=None)
        if last_user is None:
            raise ValueError("there is no message to reply to")
        if last_user + 1 < len(history):
            self._store.delete_messages_from(record.id, history[last_user + 1].id)
        return self._start_turn()

    def edit_and_resend(self, message_id: int, text: str) -> TurnStream:
        """Replace a user message with `text`; every later message goes."""
        record = self._require_idle()
        history = self._store.messages(record.id)
        index = next((i for i, m in enumerate(history) if m.id == message_id), None)
        if index is None or history[index].role != "user":
            raise ValueError("only a user message of the open conversation can be edited")
        self._store.delete_messages_from(record.id, message_id)
        if not any(m.role == "user" for m in history[:index]) and record.title == derive_title(
            history[index].content
        ):
            self._store.rename(record.id, DEFAULT_TITLE)
            self._reload_record()
        return self.send(text)

    def delete_message(self, message_id: int) -> None:
        self._require_idle()
        self._store.delete_message(message_id)

    def stop(self) -> None:
        """Stop the reply of the open conversation; what was generated is kept."""
        if self._foreground is not None:
            self._foreground.stream.cancel()

    def close(self, wait_s: float = 1.0) -> None:
        """Stop every reply, wait up to `wait_s` for those already writing, save what they wrote.

        A turn still reading its prompt has written nothing and, once cancelled, never will
        (the engine checks before each token), so closing does not wait for it: llama.cpp
        cannot abort a prompt evaluation, which may take many seconds.
        """
        for turn in self._turns:
            turn.stream.cancel()
        self.pump()
        deadline = self._clock() + wait_s
        for turn in self._turns:
            if turn.writing:
                turn.stream.wait(max(0.0, deadline - self._clock()))
        self.pump()
        for turn in self._turns:
            turn.save_partial()
        for turn in [*self._turns, *self._unsaved]:
            if turn.unsaved and turn.retry() is None:
                log.error("reply in %s lost at exit: %s", turn.conversation_id, turn.save_error)
        self._turns.clear()
        self._unsaved.clear()
        self._foreground = None

    @property
    def unsaved_replies(self) -> list[str]:
        """Text of replies the disk refused so far (kept in memory, retried)."""
        turns = [t for t in self._turns if t.save_error is not None] + self._unsaved
        return [t.unsaved_text for t in turns]

    def retry_saves(self) -> list[SessionEvent]:
        """Try again to store replies the disk refused; SaveRecovered for each that worked."""
        out: list[SessionEvent] = []
        for turn in list(self._unsaved):
            out += turn.retry_events()
            if not turn.unsaved:
                self._unsaved.remove(turn)
        return out

    def pump(self) -> list[SessionEvent]:
        """Handle every waiting event; return those the open conversation's view needs."""
        out: list[SessionEvent] = []
        for turn in list(self._turns):
            foreground = turn is self._foreground
            out.extend(turn.pump(foreground))
            if turn.done:
                self._turns.remove(turn)
                if turn.unsaved:
                    self._unsaved.append(turn)
                if foreground:
                    self._foreground = None
        return out

    # -- internals -----------------------------------------------------------------------
    def _require_idle(self) -> ConversationRecord:
        if self._conversation is None:
            raise RuntimeError("no conversation is open")
        if self._foreground is not None:
            raise RuntimeError("a reply is still being generated")
        self._reload_record()
        assert self._conversation is not None
        return self._conversation

    def _reload_record(self) -> None:
        if self._conversation is not None:
            self._conversation = self._store.conversation(self._conversation.id)

    def _start_turn(self, documents: DocumentTurn | None = None) -> TurnStream:
        record = self._conversation
        assert record is not None
        if self.model_path and record.model_path != self.model_path:
            self._store.set_model(record.id, self.model_path)
        self._reload_record()
        config = self.settings()
        messages = engine_messages(config.system_prompt, self._store.messages(record.id))
        if documents is not None and messages and messages[-1].role == "user":
            messages[-1] = replace(messages[-1], content=documents.prompt)
        stream = self._runner.chat(record.id, messages, config.generation)
        turn = TurnRecorder(
            self._store, record.id, stream, self._clock, dropped_before=self._dropped(record.id)
        )
        turn.extra_stats = documents.reply_stats() if documents else {}
        self._turns.append(turn)
        self._foreground = turn
        return stream

    def _dropped(self, conversation_id: str) -> int:
        """Turns the last reply already left out of the context (its notice is shown)."""
        for message in reversed(self._store.messages(conversation_id)):
            if message.role == "assistant" and message.stats:
                return int(message.stats.get("dropped_turns", 0))
        return 0

    def _detach_foreground(self) -> None:
        if self._foreground is not None:
            self._foreground.stream.cancel()
            self._foreground = None
