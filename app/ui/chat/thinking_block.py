"""The thinking block of a reasoning model's reply: its own frame above the answer.

While the model thinks, the block streams live ("Thinking… 14 s" and the latest thinking);
when the answer starts it collapses to one line ("Thought for 14 s · 312 tokens ▸ Show")
unless the setting keeps it open. Stored replies show the same block, with Show/Hide and
its own Copy (links `hearth:thinking/ID`, `hearth:copythinking/ID`).
"""

from __future__ import annotations

import html
import time

from PySide6.QtGui import QTextFrame

from app.ui.chat.transcript_document import TranscriptDocument
from app.ui.common.format import format_rate, format_seconds
from app.ui.common.theme import TranscriptColors

LIVE_TAIL_CHARS = 1500  # while streaming only the latest thinking is drawn (constant cost)


def _text_html(text: str, colors: TranscriptColors) -> str:
    escaped = html.escape(text.strip()).replace("\n", "<br>")
    return f'<p style="color:{colors.muted}; font-style:italic;">{escaped}</p>'


def thinking_summary(stats: dict[str, object] | None, unfinished: bool) -> str:
    """E.g. "Thought for 14 s · 312 tokens · 22 tok/s"."""
    stats = stats or {}
    seconds = stats.get("thinking_s")
    tokens = stats.get("thinking_tokens")
    head = "Thinking did not finish" if unfinished else "Thought"
    parts = [f"{head} for {format_seconds(float(str(seconds)))}" if seconds else head]
    if tokens:
        parts.append(f"{int(str(tokens)):,} tokens")
    if stats.get("thinking_tps"):
        parts.append(format_rate(float(str(stats["thinking_tps"]))))
    return " · ".join(parts)


def stored_thinking_html(
    message_id: int,
    thinking: str,
    summary: str,
    expanded: bool,
    colors: TranscriptColors,
) -> str:
    toggle = "▾ Hide" if expanded else "▸ Show"
    links = (
        f'<a href="hearth:thinking/{message_id}" style="color:{colors.link};">{toggle}</a>'
        f' &nbsp;·&nbsp; <a href="hearth:copythinking/{message_id}" '
        f'style="color:{colors.link};">Copy thinking</a>'
    )
    head = (
        f'<p style="margin-bottom:2px;"><span style="color:{colors.muted};">'
        f'{html.escape(summary)}</span> &nbsp;<span style="font-size:small;">{links}</span></p>'
    )
    return head + (_text_html(thinking, colors) if expanded else "")


class LiveThinking:
    """The thinking frame of the reply being written."""

    def __init__(self, doc: TranscriptDocument, frame: QTextFrame, keep_open: bool) -> None:
        self._doc = doc
        self.frame = frame
        self.keep_open = keep_open
        self.parts: list[str] = []
        self.started = time.monotonic()
        self.ended: float | None = None
        self.dirty = True

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def feed(self, text: str) -> None:
        self.parts.append(text)
        self.dirty = True

    def answer_started(self) -> None:
        if self.ended is None:
            self.ended = time.monotonic()
            self.dirty = True

    @property
    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def html(self, colors: TranscriptColors) -> str:
        text = self.text
        if self.ended is None:
            head = f"Thinking… {int(self.seconds)} s"
            tail = text[-LIVE_TAIL_CHARS:]
            shown = ("…" if len(text) > len(tail) else "") + tail
        else:
            head = f"Thought for {format_seconds(self.seconds)}"
            shown = text if self.keep_open else ""
        first = f'<p style="margin-bottom:2px; color:{colors.muted};"><b>{head}</b></p>'
        return first + (_text_html(shown, colors) if shown.strip() else "")

    def render(self, colors: TranscriptColors) -> int:
        """Redraw the frame if needed; returns how much the document grew (or shrank)."""
        if not self.dirty:
            return 0
        size = self._doc.document.characterCount()
        self._doc.set_frame_html(self.frame, self.html(colors))
        self.dirty = False
        return self._doc.document.characterCount() - size
