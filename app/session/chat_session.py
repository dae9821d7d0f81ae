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
from typing import Any

from app.documents.values import DocumentTurn
from app.engine.runner import TurnStream
from app.session.branching import question_parent, reply_anchor, step_sibling
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
from app.store.tree import BranchPosition

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
        user_stats = documents.user_stats() if documents else None
        self._add_question(record, text, None, stats=user_stats)
        return self._start_turn(documents=documents)

    def regenerate(self) -> TurnStream:
        """A new reply to the last question, beside the earlier one (which is kept: the
        reply shows "2 / 2" and the person can go back to it)."""
        record = self._require_idle()
        path = self._store.messages(record.id)
        anchor = reply_anchor(path)
        if anchor is None:
            raise ValueError("there is no message to reply to")
        leaf_before = path[-1].id
        if anchor + 1 < len(path):
            self._store.set_current_leaf(record.id, path[anchor].id)
        return self._start_turn(leaf_before)

    def edit_and_resend(self, message_id: int, text: str) -> TurnStream:
        """Ask `text` instead of a user message: the edited question is added beside the
        original (same parent), which stays with its replies as another branch."""
        record = self._require_idle()
        path = self._store.messages(record.id)
        index = next((i for i, m in enumerate(path) if m.id == message_id), None)
        if index is None or path[index].role != "user":
            raise ValueError("only a user message of the open conversation can be edited")
        self._add_question(record, text, question_parent(path[index]), path[index])
        return self._start_turn()

    def switch_branch(self, message_id: int, step: int) -> list[StoredMessage] | None:
        """Show the alternative `step` places from `message_id` (-1: previous, +1: next),
        down to its newest reply; return the new path (None: no alternative that way)."""
        record = self._require_idle()
        found = self._store.message(message_id)
        if found is None or found.conversation_id != record.id:
            raise ValueError("that message is not in the open conversation")
        target = step_sibling(self._store.siblings(message_id), message_id, step)
        if target is None:
            return None
        return self._store.switch_branch(target)

    def branch_positions(
        self, path: list[StoredMessage] | None = None
    ) -> dict[int, BranchPosition]:
        """For each message of the open path (or `path`) that has alternatives, where it sits."""
        cid = self.conversation_id
        return self._store.branch_positions(cid, path) if cid else {}

    def fork(self, message_id: int) -> ConversationRecord:
        """A new conversation with the path down to `message_id`, opened."""
        self._require_idle()
        found = self._store.message(message_id)
        if found is None or found.conversation_id != self.conversation_id:
            raise ValueError("that message is not in the open conversation")
        source = self._conversation
        title = f"{source.title} (fork)" if source and source.title != DEFAULT_TITLE else None
        record = self._store.fork(message_id, title)
        self.open(record.id)
        return record

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

    def _add_question(
        self,
        record: ConversationRecord,
        text: str,
        parent_id: int | None,
        replacing: StoredMessage | None = None,
        stats: dict[str, Any] | None = None,
    ) -> None:
        """Store a question (under `parent_id`, None: the current leaf). The title follows
        the first question while it is the one derived from it."""
        if any(t.conversation_id == record.id for t in self._unsaved):
            raise RuntimeError(
                "The last reply is not saved yet (Hearth keeps retrying); send again once it is."
            )
        if replacing is not None:
            path = self._store.path_to(replacing.id)
            first = not any(m.role == "user" for m in path[:-1])
            derived = record.title in (DEFAULT_TITLE, derive_title(replacing.content))
        else:
            first = not any(m.role == "user" for m in self._store.messages(record.id))
            derived = record.title == DEFAULT_TITLE
        self._store.add_message(record.id, "user", text, stats=stats, parent_id=parent_id)
        if first and derived:
            try:
                self._store.rename(record.id, derive_title(text))
            except StoreError as error:  # a title is cosmetic: the message is stored
                log.warning("could not set the title of %s: %s", record.id, error)

    def _start_turn(
        self, leaf_before: int | None = None, documents: DocumentTurn | None = None
    ) -> TurnStream:
        record = self._conversation
        assert record is not None
        if self.model_path and record.model_path != self.model_path:
            self._store.set_model(record.id, self.model_path)
        self._reload_record()
        config = self.settings()
        path = self._store.messages(record.id)
        messages = engine_messages(config.system_prompt, path)
        if documents is not None and messages and messages[-1].role == "user":
            messages[-1] = replace(messages[-1], content=documents.prompt)
        stream = self._runner.chat(record.id, messages, config.generation)
        turn = TurnRecorder(
            self._store,
            record.id,
            stream,
            self._clock,
            dropped_before=self._dropped(record.id),
            parent_id=path[-1].id if path else None,
            leaf_before=leaf_before,
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
