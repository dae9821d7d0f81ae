"""StreamingReply: the reply being written at the end of the transcript.

Each render step renders the Markdown blocks that finished since the last step (at most a
budget of characters, so a backlog is spread over several steps) and the unfinished tail;
nothing else in the document is touched. When the reply is over, `finalize` turns the
frame into an ordinary message (header without "writing…", a footer with its actions)
without rendering the reply again.
"""

from __future__ import annotations

from PySide6.QtGui import QTextFrame

from app.store import StoredMessage
from app.ui.chat.markdown_render import CodeSink, MarkdownRenderer
from app.ui.chat.markdown_stream import BlockSplitter
from app.ui.chat.transcript_document import TranscriptDocument

RENDER_BUDGET_CHARS = 2000
"""Finished Markdown rendered per step; more waits for the next step."""


class StreamingReply:
    def __init__(self, doc: TranscriptDocument, frame: QTextFrame, text: str = "") -> None:
        self._doc = doc
        self.frame = frame
        self._tail_start = doc.start_tail(frame)
        self.splitter = BlockSplitter()
        self.dirty = False  # text arrived that the document does not show yet
        self.final: StoredMessage | None = None  # set when the reply is over
        self.feed(text)

    @property
    def text(self) -> str:
        return self.splitter.text

    def shift(self, delta: int) -> None:
        """Something of `delta` characters was inserted above the reply."""
        self._tail_start += delta

    def show_status(self, html: str) -> None:
        """Before the first text: a line saying what the reply waits for (the text replaces it)."""
        if self.splitter.text or self.final is not None:
            return
        self._tail_start = self._doc.replace_tail(self.frame, self._tail_start, "", html)

    def feed(self, text: str) -> None:
        if text:
            self.splitter.feed(text)
            self.dirty = True

    def render_step(
        self, renderer: MarkdownRenderer, sink: CodeSink, budget: int | None = RENDER_BUDGET_CHARS
    ) -> bool:
        """Bring the document closer to the text; True when more steps are needed."""
        if not self.dirty:
            return False
        splitter = self.splitter
        done = splitter.take_finished(budget)
        pending = splitter.has_finished
        done_html = renderer.render(done, sink) if done else ""
        tail_html = "" if pending or not splitter.tail else renderer.render(splitter.tail)
        self._tail_start = self._doc.replace_tail(
            self.frame, self._tail_start, done_html, tail_html
        )
        self.dirty = pending
        return pending

    def finalize(
        self, renderer: MarkdownRenderer, sink: CodeSink, header: str, footer: str
    ) -> None:
        """Render what is left (the tail with Copy links for its code), header and footer."""
        done = self.splitter.take_finished()
        tail = self.splitter.tail
        self._doc.replace_tail(
            self.frame,
            self._tail_start,
            renderer.render(done, sink) if done else "",
            renderer.render(tail, sink) if tail else "",
        )
        self.dirty = False
        self._doc.set_first_block(self.frame, header)
        self._doc.append_block(self.frame, footer)
