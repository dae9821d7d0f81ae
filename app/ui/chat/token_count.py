"""ComposerTokenCount: the message's token count and what it does to the context, as typed.

"312 tokens; 1,240 of 4,096 after this message" under the composer. Counting runs on the
TokenCounter's own thread (the engine thread is busy while a reply streams) with a
vocab-only copy of the loaded model's tokenizer; typing restarts a short timer, so a burst
of keys costs one count, and only the newest request is counted. Typing never waits.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from app.chat.progress_text import token_count_text
from app.chat.values import ModelInfo
from app.engine.token_counter import TokenCounter
from app.session import ReplySaved
from app.store import StoredMessage
from app.ui.chat.chat_controller import ChatController
from app.ui.chat.composer import Composer
from app.ui.common.operation import Operation

DEBOUNCE_MS = 200


def context_used_by(messages: Sequence[StoredMessage]) -> int:
    """The context the conversation filled at its last reply (0 for a new chat)."""
    for message in reversed(messages):
        stats = message.stats or {}
        used = stats.get("context_used")
        if isinstance(used, int) and used > 0:
            return used
    return 0


class ComposerTokenCount(QObject):
    counted = Signal(int)  # the token count now shown (tests wait on it)

    def __init__(
        self,
        composer: Composer,
        counter: TokenCounter,
        chat: ChatController,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._composer = composer
        self._counter = counter
        self._chat = chat
        self._context_used = 0
        self._context_size = 0
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._count)
        composer.edit.textChanged.connect(self._timer.start)
        chat.reply_finished.connect(self._on_chat_reply_finished)
        chat.conversation_opened.connect(self._on_chat_conversation_opened)

    @property
    def counter(self) -> TokenCounter:
        return self._counter

    def set_model(self, info: ModelInfo | None) -> None:
        """Count with this model's tokenizer, against its context size (the shell calls it)."""
        self._counter.set_model(info.path if info else None)
        self._context_size = info.context_size if info else 0
        self._timer.start()

    def close(self, timeout: float | None = None) -> None:
        """Stop counting and end the counter's thread (the window is closing)."""
        self._timer.stop()
        self._closed = True
        self._counter.close(timeout)

    def _on_chat_reply_finished(self, saved: ReplySaved) -> None:
        used = saved.finished.stats.context_used
        self._context_used = used or context_used_by(self._chat.session.messages())
        self._timer.start()

    def _on_chat_conversation_opened(self, _record: object) -> None:
        self._context_used = context_used_by(self._chat.session.messages())
        self._timer.start()

    def _count(self) -> None:
        text = self._composer.edit.toPlainText()
        if self._closed:
            return
        if not text.strip() or not self._context_size:
            self._composer.show_token_count("")
            return
        counting: Operation[int] = Operation(
            parent=self,
            success=lambda tokens: self._show(text, tokens),
            failure=lambda _error: self._composer.show_token_count(""),
        )
        counting.follow(self._counter.count(text))

    def _show(self, text: str, tokens: int) -> None:
        if text != self._composer.edit.toPlainText():
            return  # typed on meanwhile: the timer asks again
        used, size = self._context_used, self._context_size
        self._composer.show_token_count(token_count_text(tokens, used, size))
        self.counted.emit(tokens)
