"""ChatController: drives a ChatSession from the composer and shows what it says.

It starts turns (send, regenerate, edit and resend), stops them, and hands each drained
batch of events to the transcript and the stats panel. The session decides what is saved;
this class only decides what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut

from app.chat.events import PromptEvaluated, PromptProgress, TokensReceived, TurnFinished
from app.chat.progress_text import prompt_progress_text
from app.documents.values import DocumentTurn
from app.drafts import DraftBook
from app.engine.runner import TurnStream
from app.session import (
    ChatSession,
    NoticeAdded,
    ReplySaved,
    SaveFailed,
    SaveRecovered,
    SessionEvent,
)
from app.store import StoredMessage, StoreError, StoreWriteError
from app.ui.chat.attachments_send import DocumentSender
from app.ui.chat.branch_nav import FORK, NEXT, PREVIOUS, SHOWN
from app.ui.chat.composer import Composer
from app.ui.chat.transcript_view import TranscriptView
from app.ui.common.engine_bridge import EngineBridge


class TurnStatsView(Protocol):
    """Where a turn's numbers are shown (the stats panel in app.ui.panels is one)."""

    def turn_started(self) -> None: ...
    def prompt_progress(self, event: PromptProgress) -> None: ...
    def prompt_evaluated(self, event: PromptEvaluated) -> None: ...
    def tokens_received(self, event: TokensReceived) -> None: ...
    def turn_finished(self, event: TurnFinished) -> None: ...


class ChatController(QObject):
    conversation_opened = Signal(object)  # the ConversationRecord now shown
    reply_started = Signal()
    reply_finished = Signal(object)  # ReplySaved of the open conversation
    conversations_changed = Signal()  # a title or the order of the list may have changed
    path_changed = Signal()  # the path shown was replaced (a branch switch, regenerate, edit)
    status = Signal(str)  # a short message for the status bar
    save_problem = Signal(str, str)  # what failed and what to do; the folder concerned
    save_recovered = Signal()  # everything the disk refused earlier is stored now

    RETRY_MS = 2000  # how often a reply the disk refused is written again

    def __init__(
        self,
        session: ChatSession,
        bridge: EngineBridge,
        transcript: TranscriptView,
        composer: Composer,
        stats: TurnStatsView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._bridge = bridge
        self._transcript = transcript
        self._composer = composer
        self._stats = stats
        self.batches = 0  # drained batches of events (tests read it)
        self.drafts = DraftBook()
        self._problem_shown = False
        self._retry = QTimer(self)
        self._retry.setInterval(self.RETRY_MS)
        self._retry.timeout.connect(self._on_retry_timeout)
        bridge.events_ready.connect(self._on_bridge_events_ready)
        composer.send_requested.connect(self._on_composer_send_requested)
        composer.stop_requested.connect(self.stop)
        transcript.action_requested.connect(self._on_transcript_action_requested)
        transcript.copied.connect(self.status)
        self.documents = DocumentSender(
            composer, lambda: self.session.conversation_id, self.status.emit, parent=self
        )
        SHOWN.clear()  # positions shown by an earlier window are not this one's
        for keys, step in (("Alt+Left", -1), ("Alt+Right", +1)):
            shortcut = QShortcut(QKeySequence(keys), transcript)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda step=step: self.step_last_branch(step))

    # -- conversations -------------------------------------------------------------------
    def open(self, conversation_id: str) -> None:
        """Show a conversation; a reply running in another one is stopped and saved there."""
        if conversation_id == self.session.conversation_id:
            return
        previous = self.keep_draft()
        messages = self.session.open(conversation_id)
        self._composer.cancel_edit()
        self._composer.set_generating(False)
        self._show_path(messages)
        self._show_draft(conversation_id, previous)
        self.conversation_opened.emit(self.session.conversation)

    def reveal_message(self, message_id: int, text: str) -> None:
        """Scroll the open conversation to a message, ``text`` in it selected (a search hit)."""
        self._transcript.scroll_to_message(message_id, text)

    def new_conversation(self) -> None:
        if self.session.conversation_id and not self.session.messages():
            self._composer.edit.setFocus()  # the open chat is still empty: reuse it
            return
        previous = self.keep_draft()
        self.session.new_conversation()
        self._composer.cancel_edit()
        self._composer.set_generating(False)
        self._show_path([])
        self._show_draft(self.session.conversation_id, previous)
        self._composer.edit.setFocus()
        self.conversation_opened.emit(self.session.conversation)
        self.conversations_changed.emit()

    def reload(self) -> None:
        """Show the open conversation again as stored (after edits from elsewhere)."""
        if not self.session.busy:
            self._show_path(self.session.messages())

    def _show_path(self, messages: list[StoredMessage]) -> None:
        """Show the open conversation's path, with "‹ 2 / 3 ›" where it has alternatives."""
        SHOWN.update(self.session.branch_positions(messages) if messages else {})
        self._transcript.show_messages(messages)
        self.path_changed.emit()

    # -- branches ------------------------------------------------------------------------
    def switch_branch(self, message_id: int, step: int) -> bool:
        """Show the alternative `step` places from a message (-1 previous, +1 next)."""
        if self.session.busy:
            self.status.emit("Stop the reply before switching to another branch.")
            return False
        try:
            path = self.session.switch_branch(message_id, step)
        except (ValueError, StoreError) as error:
            self.status.emit(str(error))
            return False
        if path is None:
            return False
        self._composer.cancel_edit()
        self._show_path(path)
        shown = (SHOWN.get(m.id) for m in path)
        position = next((p for p in shown if p and message_id in p.siblings), None)
        self.status.emit(f"Alternative {position.label}" if position else "Branch shown")
        return True

    def step_last_branch(self, step: int) -> bool:
        """Alt+Left / Alt+Right: move the deepest message with alternatives on the path."""
        path = self.session.messages()
        found = next((m for m in reversed(path) if SHOWN.get(m.id)), None)
        return found is not None and self.switch_branch(found.id, step)

    def fork(self, message_id: int) -> bool:
        """Copy the path down to a message into a new conversation and open it."""
        if self.session.busy:
            self.status.emit("Stop the reply before forking.")
            return False
        previous = self.keep_draft()
        try:
            self.session.fork(message_id)
        except (ValueError, StoreError) as error:
            self.status.emit(str(error))
            return False
        self._composer.cancel_edit()
        self._show_path(self.session.messages())
        self._show_draft(self.session.conversation_id, previous)
        self.conversation_opened.emit(self.session.conversation)
        self.conversations_changed.emit()
        self.status.emit("Forked to a new chat")
        return True

    # -- drafts --------------------------------------------------------------------------
    def keep_draft(self) -> str | None:
        """Remember the unsent text of the open conversation (on disk when possible);
        return that conversation's id."""
        cid = self.session.conversation_id
        if self._composer.editing_message_id is None and cid:
            self.drafts.put(cid, self._composer.edit.toPlainText())
            self.drafts.save()
        return cid

    def _show_draft(self, conversation_id: str | None, previous: str | None) -> None:
        """The opened conversation's draft; text typed before any conversation stays."""
        draft = self.drafts.get(conversation_id)
        if previous is not None or draft:
            self._composer.edit.setPlainText(draft)

    def unsaved_text(self) -> list[str]:
        """What closing now would lose: replies the disk refused, a draft it refused."""
        self._on_retry_timeout()
        lost = list(self.session.unsaved_replies)
        typed = self._composer.edit.toPlainText()
        self.keep_draft()
        if typed.strip() and self.drafts.save() is not None:
            lost.append(typed)
        return lost

    # -- turns ---------------------------------------------------------------------------
    def send(self, text: str) -> bool:
        if self.documents.wants():  # attachments or collections: retrieve first, off this thread
            return self.documents.send(text, self._send_now)
        return self._send_now(text, None)

    def _send_now(self, text: str, documents: DocumentTurn | None) -> bool:
        def begin() -> TurnStream:
            stream = self.session.send(text, documents)
            self._transcript.add_message(self.session.messages()[-1])
            return stream

        return self._start(begin)

    def regenerate(self) -> None:
        if self._start(self.session.regenerate, rebuild=True):
            self.status.emit("Writing a new reply…")

    def edit_and_resend(self, message_id: int, text: str) -> bool:
        return self._start(lambda: self.session.edit_and_resend(message_id, text), rebuild=True)

    def delete_message(self, message_id: int) -> None:
        if self.session.busy:
            self.status.emit("Stop the reply before deleting messages.")
            return
        self.session.delete_message(message_id)
        self._show_path(self.session.messages())
        self.status.emit("Message deleted")

    def stop(self) -> None:
        if self.session.busy:
            self.session.stop()
            self.status.emit("Stopping…")

    def _start(self, begin: Callable[[], TurnStream], rebuild: bool = False) -> bool:
        try:
            stream = begin()
        except StoreWriteError as error:
            self._problem_shown = True
            self.save_problem.emit(
                f"Your message was not sent: {error.problem.advice()} It is still in the box.",
                str(error.problem.folder),
            )
            return False
        except (RuntimeError, ValueError, KeyError, StoreError) as error:
            self.status.emit(str(error))
            return False
        if self._problem_shown and not self.session.unsaved_replies:
            self._problem_shown = False
            self.save_recovered.emit()
        if rebuild:
            self._show_path(self.session.messages())
        self._bridge.watch(stream)
        self._transcript.begin_reply()
        self._stats.turn_started()
        self._composer.finish_edit()
        self._composer.set_generating(True)
        self.reply_started.emit()
        self.conversations_changed.emit()
        return True

    # -- events --------------------------------------------------------------------------
    def pump(self) -> None:
        """Drain every stream now and show what the open conversation needs."""
        self.batches += 1
        for event in self.session.pump():
            self._show(event)

    def _on_bridge_events_ready(self) -> None:
        self.pump()

    def _show(self, event: SessionEvent) -> None:
        if isinstance(event, TokensReceived):
            self._transcript.append_reply_text(event.text, event.channel)
            self._stats.tokens_received(event)
        elif isinstance(event, PromptProgress):
            self._transcript.show_reply_status(prompt_progress_text(event))
            self._stats.prompt_progress(event)
        elif isinstance(event, PromptEvaluated):
            self._stats.prompt_evaluated(event)
        elif isinstance(event, NoticeAdded):
            self._transcript.add_message(event.message)
        elif isinstance(event, ReplySaved):
            self._finish(event)
        elif isinstance(event, SaveFailed):
            self._on_save_failed(event)
        elif isinstance(event, SaveRecovered):
            self._on_save_recovered(event)

    def _on_save_failed(self, failed: SaveFailed) -> None:
        self._problem_shown = True
        self._retry.start()
        going = "keeps streaming and " if failed.streaming else ""
        self.save_problem.emit(
            f"The reply could not be saved: {failed.advice} The reply {going}stays on screen; "
            "Hearth keeps it and retries saving every few seconds.",
            str(self.session.store_folder),
        )

    def _on_save_recovered(self, recovered: SaveRecovered) -> None:
        if self.session.unsaved_replies:
            return
        self._retry.stop()
        self._problem_shown = False
        self.save_recovered.emit()
        self.status.emit("Saved: the reply is stored now.")
        if recovered.conversation_id == self.session.conversation_id:
            self.reload()

    def _on_retry_timeout(self) -> None:
        for event in self.session.retry_saves():
            self._show(event)
        if not self.session.unsaved_replies:
            self._retry.stop()

    def _finish(self, saved: ReplySaved) -> None:
        if not saved.foreground:
            if not self.session.busy:
                self._stats.turn_finished(saved.finished)
            if saved.conversation_id == self.session.conversation_id:
                self.reload()  # the user came back before the old reply was saved
            self.conversations_changed.emit()
            return
        SHOWN.update(self.session.branch_positions())  # a regenerated reply shows "2 / 2"
        self._transcript.finish_reply(saved.message)
        if saved.error_notice is not None:
            self._transcript.add_message(saved.error_notice)
        self._stats.turn_finished(saved.finished)
        self._composer.set_generating(False)
        if saved.finished.reason == "cancelled":
            self.status.emit("Stopped; the partial reply was kept.")
        self.conversations_changed.emit()
        self.reply_finished.emit(saved)

    # -- gestures ------------------------------------------------------------------------
    def _on_composer_send_requested(self, text: str) -> None:
        self._on_retry_timeout()  # a reply waiting to be saved goes first
        editing = self._composer.editing_message_id
        cid = self.session.conversation_id
        started = self.edit_and_resend(editing, text) if editing is not None else self.send(text)
        if not started:  # nothing was sent: the text goes back in the box
            if not self._composer.edit.toPlainText():
                self._composer.edit.setPlainText(text)
        elif cid is not None:
            self.drafts.put(cid, "")

    def _on_transcript_action_requested(self, action: str, message_id: int) -> None:
        if action == "edit":
            found = next((m for m in self._transcript.messages if m.id == message_id), None)
            if found is not None and not self.session.busy:
                self._composer.start_edit(message_id, found.content)
        elif action == "regenerate":
            self.regenerate()
        elif action == "delete":
            self.delete_message(message_id)
        elif action == "source":
            found = next((m for m in self._transcript.messages if m.id == message_id), None)
            self.documents.show_sources(found)
        elif action in (PREVIOUS, NEXT):
            self.switch_branch(message_id, -1 if action == PREVIOUS else +1)
        elif action == FORK:
            self.fork(message_id)
