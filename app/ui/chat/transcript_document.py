"""Editing the transcript's QTextDocument: one frame per message, replaced piece by piece.

Every operation touches only the frame it is about, so the cost of streaming into the last
message does not depend on how much transcript lies above it.
"""

from __future__ import annotations

from PySide6.QtGui import (
    QColor,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrame,
    QTextFrameFormat,
)

FRAME_PADDING = 8
FRAME_MARGIN_BOTTOM = 6
READING_LINE_HEIGHT = 145  # percent, as the transcript's style sheet has for p and li
LINE_HEIGHT_PROPORTIONAL = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value


def _reading_block() -> QTextBlockFormat:
    """A new block for rendered text, with the transcript's leading (its first paragraph
    merges into this block, so the style sheet's line-height would not reach it)."""
    block = QTextBlockFormat()
    block.setLineHeight(READING_LINE_HEIGHT, LINE_HEIGHT_PROPORTIONAL)
    return block


class TranscriptDocument:
    """Message frames in a QTextDocument; positions are plain document offsets."""

    def __init__(self, document: QTextDocument) -> None:
        self.document = document

    def clear(self) -> None:
        self.document.clear()

    def insert_frame(
        self, html: str, background: str, before: QTextFrame | None = None
    ) -> QTextFrame:
        """A new message frame holding `html`, at the end or just before `before`."""
        cursor = QTextCursor(self.document)
        if before is None:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        else:
            cursor.setPosition(before.firstPosition() - 1)
        frame_format = QTextFrameFormat()
        frame_format.setBackground(QColor(background))
        frame_format.setPadding(FRAME_PADDING)
        frame_format.setBottomMargin(FRAME_MARGIN_BOTTOM)
        frame = cursor.insertFrame(frame_format)
        if html:
            cursor.insertHtml(html)
        return frame

    def insert_at_start(self, html: str) -> None:
        cursor = QTextCursor(self.document)
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        cursor.insertHtml(html)
        cursor.insertBlock()

    def remove_frame(self, frame: QTextFrame) -> None:
        cursor = QTextCursor(self.document)
        cursor.setPosition(frame.firstPosition() - 1)
        cursor.setPosition(frame.lastPosition() + 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()

    def set_frame_html(self, frame: QTextFrame, html: str) -> None:
        """Replace everything inside `frame`."""
        cursor = self._select_to_frame_end(frame, frame.firstPosition())
        cursor.removeSelectedText()
        cursor.setBlockFormat(QTextBlockFormat())
        cursor.insertHtml(html)

    def start_tail(self, frame: QTextFrame) -> int:
        """A clean new block at the end of `frame`; returns where it starts."""
        cursor = QTextCursor(self.document)
        cursor.setPosition(frame.lastPosition())
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        return cursor.position()

    def replace_tail(
        self, frame: QTextFrame, tail_start: int, done_html: str, tail_html: str
    ) -> int:
        """Replace the tail block(s) from `tail_start` with `done_html` (blocks that will not
        change again) and `tail_html`; returns where the new tail starts."""
        cursor = self._select_to_frame_end(frame, tail_start - 1)
        cursor.removeSelectedText()
        if done_html:
            cursor.insertBlock(_reading_block(), QTextCharFormat())
            cursor.insertHtml(done_html)
        cursor.insertBlock(_reading_block(), QTextCharFormat())
        start = cursor.position()
        if tail_html:
            cursor.insertHtml(tail_html)
        return start

    def _select_to_frame_end(self, frame: QTextFrame, start: int) -> QTextCursor:
        cursor = QTextCursor(self.document)
        cursor.setPosition(start)
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def set_first_block(self, frame: QTextFrame, inline_html: str) -> None:
        """Replace the content of the frame's first block (a message's header)."""
        cursor = QTextCursor(self.document)
        cursor.setPosition(frame.firstPosition())
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertHtml(inline_html)

    def append_block(self, frame: QTextFrame, inline_html: str) -> None:
        """A new last block in `frame` holding `inline_html` (a message's footer)."""
        cursor = QTextCursor(self.document)
        cursor.setPosition(frame.lastPosition())
        block_format = QTextBlockFormat()
        block_format.setTopMargin(2)
        cursor.insertBlock(block_format, QTextCharFormat())
        cursor.insertHtml(inline_html)

    def set_last_block(self, frame: QTextFrame, inline_html: str) -> None:
        """Replace the content of the frame's last block (a message's footer)."""
        cursor = QTextCursor(self.document)
        cursor.setPosition(frame.lastPosition())
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertHtml(inline_html)

    def frame_text(self, frame: QTextFrame) -> str:
        cursor = QTextCursor(self.document)
        cursor.setPosition(frame.firstPosition())
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        return cursor.selection().toPlainText()
