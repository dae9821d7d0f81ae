"""Which messages of a conversation the transcript renders, and bringing one into view.

A conversation opens with its newest PAGE messages ("Show earlier" adds PAGE above). Opening
a search hit renders PAGE messages either side of it, with "Show later" below when the chat
goes on, so opening a hit costs the same in a 50- or a 3,000-message chat. While the window
reaches the end (``end is None``) new messages join it; a message written while it does not
(after opening an early hit) first brings the transcript back to its newest page.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QTextCursor, QTextDocument, QTextFrame
from PySide6.QtWidgets import QTextBrowser

from app.ui.chat.message_html import ACTION_SCHEME

PAGE = 40
EARLIER = f"{ACTION_SCHEME}:earlier"
LATER = f"{ACTION_SCHEME}:later"


@dataclass(slots=True)
class TranscriptWindow:
    """The slice ``[first, end)`` of the messages that is rendered."""

    first: int = 0
    end: int | None = None  # None: up to the newest message, following new ones
    page: int = PAGE

    @property
    def following(self) -> bool:
        return self.end is None

    def stop(self, total: int) -> int:
        return total if self.end is None else min(self.end, total)

    def shown(self, total: int) -> int:
        return self.stop(total) - self.first

    def later_count(self, total: int) -> int:
        return total - self.stop(total)

    def contains(self, index: int, total: int) -> bool:
        return self.first <= index < self.stop(total)

    def newest(self, total: int) -> None:
        """The last ``page`` messages, following new ones."""
        self.first = max(0, total - self.page)
        self.end = None

    def around(self, index: int, total: int, keep_end: bool = False) -> None:
        """``page`` messages either side of ``index`` (to the end if ``keep_end``: a reply is
        being written there)."""
        self.first = max(0, index - self.page)
        end = index + self.page + 1
        self.end = None if keep_end or end >= total else end

    def earlier(self) -> None:
        self.first = max(0, self.first - self.page)

    def later(self, total: int) -> None:
        if self.end is not None:
            end = self.end + self.page
            self.end = None if end >= total else end


def earlier_link(count: int) -> str:
    return f'<p align="center"><a href="{EARLIER}">Show {count} earlier messages</a></p>'


def later_link(count: int) -> str:
    return f'<p align="center"><a href="{LATER}">Show {count} later messages</a></p>'


def append_link(document: QTextDocument, html: str) -> None:
    """A paragraph after the last message frame (the "Show later" link)."""
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertBlock()
    cursor.insertHtml(html)


def reveal(view: QTextBrowser, frame: QTextFrame, text: str) -> None:
    """Scroll ``frame`` to the top of ``view`` and select the first ``text`` inside it."""
    document = view.document()
    start = QTextCursor(document)
    start.setPosition(frame.firstPosition())
    found = document.find(text, start) if text else QTextCursor()
    cursor = found if not found.isNull() and found.position() <= frame.lastPosition() else start
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + view.cursorRect(start).top())
    view.setTextCursor(cursor)
