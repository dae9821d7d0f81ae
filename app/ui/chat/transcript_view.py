"""TranscriptView: the conversation as rich text, with the reply streaming into its end.

Rendering cost per token does not grow with the transcript: text is appended to the reply
being written and only what changed in that reply is rendered, at most every
RENDER_INTERVAL_MS (see transcript_reply.py). Long conversations open with only their last
PAGE messages rendered ("Show earlier"); nothing is ever loaded from the network.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QResizeEvent,
    QTextDocument,
    QTextFrame,
)
from PySide6.QtWidgets import QWidget

from app.store import StoredMessage
from app.ui.chat import transcript_window as paging
from app.ui.chat.markdown_render import (
    COPY_ICON,
    MarkdownRenderer,
    RenderPalette,
)
from app.ui.chat.message_html import (
    actions_for,
    background_for,
    footer_inline_html,
    header_html,
    header_inline_html,
    message_html,
)
from app.ui.chat.thinking_block import LiveThinking, stored_thinking_html, thinking_summary
from app.ui.chat.transcript_document import TranscriptDocument
from app.ui.chat.transcript_hover import MessageHover
from app.ui.chat.transcript_interaction import TranscriptInteraction
from app.ui.chat.transcript_layout import FollowBottom, TranscriptLayout
from app.ui.chat.transcript_reply import StreamingReply
from app.ui.chat.transcript_welcome import WelcomePanel
from app.ui.common.icons import symbol
from app.ui.common.theme import LIGHT_COLORS, TranscriptColors

RENDER_INTERVAL_MS = 50
PAGE = paging.PAGE
WRITING = "writing…"
DOCUMENT_CSS = "p, li { line-height: 145%; }"  # generous leading for reading
READING_SIZE_STEP = 1.0  # the transcript's text a point larger than the window's


class TranscriptView(TranscriptInteraction):
    reply_completed = Signal()  # the reply is over and fully shown (footer included)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setAccessibleName("Conversation transcript")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self._doc = TranscriptDocument(self.document())
        self._colors = LIGHT_COLORS
        self._renderer = MarkdownRenderer()
        self._messages: list[StoredMessage] = []
        self._window = paging.TranscriptWindow()
        self._frames: dict[int, QTextFrame] = {}
        self._codes: dict[str, str] = {}
        self._reply: StreamingReply | None = None
        self._live: LiveThinking | None = None  # the reply's thinking while it streams
        self._thinking_frames: dict[int, QTextFrame] = {}
        self._expanded: set[int] = set()  # stored replies whose thinking is shown
        self.keep_thinking_open = False  # the setting: thinking stays open after it ends
        self.reply_status = ""  # the last wait shown in the reply's place (tests read it)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl
        self.render_count = 0  # render steps of replies so far (tests and the stall probe)
        self.reply_label = "Assistant"  # the loaded model's name heads its replies
        self._labels: dict[int, str] = {}  # reply id -> the model that wrote it (this run)
        self.empty_hint = WelcomePanel(self.viewport())
        self.document().setDefaultStyleSheet(DOCUMENT_CSS)
        reading = self.font()
        reading.setPointSizeF(reading.pointSizeF() + READING_SIZE_STEP)
        self.setFont(reading)
        self.document().setDefaultFont(reading)
        self._shape = TranscriptLayout(self.document())
        self._add_images()
        self.viewport().setMouseTracking(True)
        self.hover = MessageHover(self, self._ordered_frames, self._actions_of)
        self.hover.bar.triggered.connect(self._on_bar_triggered)

    # -- showing messages ----------------------------------------------------------------
    def set_theme(self, colors: TranscriptColors, code_style: str) -> None:
        self._colors = colors
        self._shape.bubble_color = QColor(colors.user_background)
        c = colors
        palette = RenderPalette(c.text, c.muted, c.link, c.code_background, c.border, code_style)
        self._renderer = MarkdownRenderer(palette)
        self._rebuild(keep_scroll=True)

    def _add_images(self) -> None:
        """The code blocks' copy icon, in the theme's muted colour."""
        image = symbol("copy", "muted").pixmap(28, 28).toImage()
        kind = QTextDocument.ResourceType.ImageResource
        self.document().addResource(kind, QUrl(COPY_ICON), image)

    def show_messages(self, messages: Sequence[StoredMessage]) -> None:
        """Show a conversation (its last PAGE messages); drops any reply in progress."""
        self._timer.stop()
        self._reply = None
        self._live = None
        self._messages = list(messages)
        self._window.newest(len(self._messages))
        self._rebuild(keep_scroll=False)
        self._update_hint()

    def _update_hint(self) -> None:
        """An empty chat says what to do; the hint goes with the first message."""
        empty = not self._messages and self._reply is None
        self.empty_hint.setVisible(empty)
        if empty:
            self.empty_hint.setGeometry(self.viewport().rect())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._shape.fit_column(self.viewport().width())
        self._update_hint()
        self.hover.refresh()

    def show_earlier(self) -> None:
        self._window.earlier()
        self._rebuild(keep_scroll=True)

    def show_later(self) -> None:
        value = self.verticalScrollBar().value()
        self._window.later(len(self._messages))
        self._rebuild(keep_scroll=False)
        self.verticalScrollBar().setValue(value)

    def _show_newest_page(self) -> None:
        """Before a message is added after an early hit was opened: back to the end."""
        if not self._window.following:
            self._window.newest(len(self._messages))
            self._rebuild(keep_scroll=False)

    def scroll_to_message(self, message_id: int, text: str = "") -> bool:
        """Bring a message to the top of the view (rendering PAGE messages either side of it
        if it is not shown) and select the first ``text`` in it; False if it is not here."""
        index = next((i for i, m in enumerate(self._messages) if m.id == message_id), None)
        if index is None:
            return False
        if not self._window.contains(index, len(self._messages)):
            self._window.around(index, len(self._messages), keep_end=self._reply is not None)
            self._rebuild(keep_scroll=False)
        paging.reveal(self, self._frames[message_id], text)
        return True

    @property
    def messages(self) -> list[StoredMessage]:
        return list(self._messages)

    @property
    def shown_count(self) -> int:
        return self._window.shown(len(self._messages))

    def add_message(self, message: StoredMessage) -> None:
        """Append a stored message (before the reply being written, if there is one)."""
        self._complete_reply()
        self._show_newest_page()
        previous_last = self._last_reply_id()
        self._messages.append(message)
        self._update_hint()
        reply = self._reply
        size = self.document().characterCount()
        with self._following():
            self._insert(message, reply.frame if reply else None)
        if reply is not None:  # the reply's positions moved down by what was inserted
            reply.shift(self.document().characterCount() - size)
        self._refresh_footer(previous_last)

    # -- the reply being written ---------------------------------------------------------
    def begin_reply(self) -> None:
        """An empty reply at the end; text arrives through append_reply_text."""
        self._complete_reply()
        self._show_newest_page()
        with self._following():
            self._reply = self._new_reply("")
        self.reply_status = ""
        self._update_hint()

    def append_reply_text(self, text: str, channel: str = "answer") -> None:
        """Cheap: the text is rendered on the next tick of the render timer."""
        reply = self._reply
        if reply is None or reply.final is not None:
            return
        if channel == "thinking":
            if self._live is None:
                self._live = self._new_live_thinking(reply)
            self._live.feed(text)
        else:
            if self._live is not None:
                self._live.answer_started()
            reply.feed(text)
        self._schedule(RENDER_INTERVAL_MS)

    @property
    def thinking_text(self) -> str | None:
        """The thinking of the reply being written (None: it has not thought)."""
        return self._live.text if self._live else None

    def _new_live_thinking(self, reply: StreamingReply) -> LiveThinking:
        size = self.document().characterCount()
        background = self._colors.code_background
        with self._following():
            frame = self._doc.insert_frame("", background, reply.frame)
        reply.shift(self.document().characterCount() - size)
        return LiveThinking(self._doc, frame, self.keep_thinking_open)

    def show_reply_status(self, text: str) -> None:
        """Say in the reply's place what it waits for (reading the prompt: 45%…)."""
        reply = self._reply
        if reply is None or reply.final is not None or reply.text:
            return
        self.reply_status = text
        with self._following():
            reply.show_status(f'<p style="color: gray;"><i>{html.escape(text)}</i></p>')

    @property
    def reply_text(self) -> str | None:
        return self._reply.text if self._reply else None

    def finish_reply(self, message: StoredMessage | None) -> None:
        """The reply is over: it becomes `message` (or goes, when nothing was generated)."""
        reply = self._reply
        live, self._live = self._live, None
        if reply is None or message is None:
            self._reply = None
            if live is not None:
                self._doc.remove_frame(live.frame)
            if reply is not None:
                self._doc.remove_frame(reply.frame)
            if message is not None:
                self.add_message(message)
            self.reply_completed.emit()
            return
        if live is not None:
            self._thinking_frames[message.id] = live.frame
            if live.keep_open:
                self._expanded.add(message.id)
        if message.content != reply.text:  # the engine's final text differs: start over
            self._doc.remove_frame(reply.frame)
            reply = self._reply = self._new_reply(message.content)
        reply.final = message
        self._messages.append(message)
        self._schedule(0)  # rendering of a backlog goes on in steps; then it is finalized

    def _new_reply(self, text: str) -> StreamingReply:
        frame = self._doc.insert_frame(
            header_html("assistant", self._colors, WRITING, self.reply_label),
            background_for("assistant", self._colors),
        )
        reply = StreamingReply(self._doc, frame, text)
        if text:
            self._schedule(0)
        return reply

    def _schedule(self, delay_ms: int) -> None:
        if not self._timer.isActive():
            self._timer.start(delay_ms)

    def _on_timer_timeout(self) -> None:
        reply = self._reply
        if reply is None:
            return
        with self._following():
            if self._live is not None:
                reply.shift(self._live.render(self._colors))
            more = reply.render_step(self._renderer, self._register_code)
        self.render_count += 1
        if more:
            self._timer.start(0)
        elif reply.final is not None:
            self._complete_reply()

    def _complete_reply(self) -> None:
        """Finish a reply that is over (at once, whatever is left to render)."""
        reply = self._reply
        if reply is None or reply.final is None:
            return
        self._timer.stop()
        self._reply = None
        message = reply.final
        self._frames[message.id] = reply.frame
        self._labels[message.id] = self.reply_label
        footer = footer_inline_html(message, self._colors, actions_for(message, True))
        with self._following():
            header = header_inline_html("assistant", self._colors, label=self.reply_label)
            reply.finalize(self._renderer, self._register_code, header, footer)
            self._show_thinking(message)
        self.reply_completed.emit()

    # -- rendering -----------------------------------------------------------------------
    def _html(self, message: StoredMessage) -> str:
        last = message.id == self._last_reply_id()
        label = self._labels.get(message.id)
        return message_html(message, self._renderer, self._colors, self._register_code, last, label)

    def _insert(self, message: StoredMessage, before: QTextFrame | None = None) -> None:
        background = background_for(message.role, self._colors)
        if message.thinking:
            self._thinking_frames[message.id] = self._doc.insert_frame(
                self._thinking_html(message), self._colors.code_background, before
            )
        if message.role == "user":
            background = "transparent"  # the bubble is painted under it (transcript_layout)
        frame = self._frames[message.id] = self._doc.insert_frame(
            self._html(message), background, before
        )
        if message.role == "user":
            self._shape.add_bubble(message.id, frame, message.content)

    def _thinking_html(self, message: StoredMessage) -> str:
        unfinished = not message.content and not message.complete
        summary = thinking_summary(message.stats, unfinished)
        expanded = message.id in self._expanded
        return stored_thinking_html(message.id, message.thinking, summary, expanded, self._colors)

    def _show_thinking(self, message: StoredMessage) -> None:
        frame = self._thinking_frames.get(message.id)
        if frame is not None and message.thinking:
            self._doc.set_frame_html(frame, self._thinking_html(message))

    def toggle_thinking(self, message_id: int) -> None:
        """Show or hide a stored reply's thinking."""
        self._expanded ^= {message_id}
        message = next((m for m in self._messages if m.id == message_id), None)
        if message is not None:
            self._show_thinking(message)

    def _rebuild(self, keep_scroll: bool) -> None:
        self._complete_reply()
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        self.hover.hide()
        self._frames.clear()  # first: clear() deletes the frames these point to
        self._shape.clear()
        self._doc.clear()
        self._add_images()  # clear() drops the document's resources
        self._shape.fit_column(self.viewport().width())
        self._thinking_frames.clear()
        self._codes.clear()
        window, total = self._window, len(self._messages)
        if window.first > 0:
            self._doc.insert_at_start(paging.earlier_link(window.first))
        for message in self._messages[window.first : window.stop(total)]:
            self._insert(message)
        if window.later_count(total):
            paging.append_link(self.document(), paging.later_link(window.later_count(total)))
        if self._reply is not None:
            live = self._live
            self._reply = self._new_reply(self._reply.text)
            if live is not None:
                self._live = self._new_live_thinking(self._reply)
                self._live.parts, self._live.started = live.parts, live.started
                self._live.ended = live.ended
        bar.setValue(bar.maximum() - from_bottom if keep_scroll else bar.maximum())
        if keep_scroll and from_bottom <= 4:  # was at the end: stay there once laid out
            QTimer.singleShot(0, self, lambda: bar.setValue(bar.maximum()))

    def _following(self) -> FollowBottom:
        return FollowBottom(self.verticalScrollBar())

    def _register_code(self, code: str) -> str:
        key = str(len(self._codes) + 1)
        self._codes[key] = code
        return key

    def _last_reply_id(self) -> int | None:
        for message in reversed(self._messages):
            if message.role == "user":
                return None
            if message.role == "assistant":
                return message.id
        return None

    def _refresh_footer(self, message_id: int | None) -> None:
        """A footer whose actions changed (Regenerate moves to the newest reply)."""
        frame = self._frames.get(message_id) if message_id is not None else None
        message = next((m for m in reversed(self._messages) if m.id == message_id), None)
        if frame is None or message is None:
            return
        actions = actions_for(message, message.id == self._last_reply_id())
        self._doc.set_last_block(frame, footer_inline_html(message, self._colors, actions))
