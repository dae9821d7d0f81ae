"""Opening a search hit early in a long chat renders a window around it, not everything
after it: PAGE messages either side, "Show later" below, and writing a message brings the
transcript back to its newest page."""

from __future__ import annotations

import time

from PySide6.QtCore import QUrl

from app.store import StoredMessage
from app.ui.chat.transcript_view import TranscriptView
from app.ui.chat.transcript_window import EARLIER, LATER, PAGE, TranscriptWindow

TOTAL = 3_000


def _chat(count: int) -> list[StoredMessage]:
    return [
        StoredMessage(
            i, "c", "user" if i % 2 else "assistant", f"line {i} of the chat", 0.0, True, None
        )
        for i in range(1, count + 1)
    ]


def test_window_arithmetic() -> None:
    window = TranscriptWindow()
    window.newest(100)
    assert (window.first, window.end, window.shown(100)) == (100 - PAGE, None, PAGE)
    window.around(4, 100)
    assert (window.first, window.end, window.later_count(100)) == (0, 4 + PAGE + 1, 55)
    assert window.contains(4, 100) and not window.contains(4 + PAGE + 1, 100)
    window.later(100)
    assert window.end == 4 + 2 * PAGE + 1
    window.later(100)
    assert window.following and window.shown(100) == 100
    window.around(90, 100)
    assert (window.first, window.end) == (90 - PAGE, None)  # near the end: follows it
    window.around(50, 100, keep_end=True)
    assert window.following
    window.earlier()
    assert window.first == 0  # 50 - 2 * PAGE, clamped


def test_an_early_hit_opens_with_a_window_around_it(view: TranscriptView) -> None:
    messages = _chat(TOTAL)
    view.show_messages(messages)
    began = time.perf_counter()
    assert view.scroll_to_message(messages[4].id, "of the")
    print(f"opening message 5 of {TOTAL}: {time.perf_counter() - began:.3f} s")
    assert view.shown_count == 4 + PAGE + 1  # not the 2,996 messages after it
    assert view.textCursor().selectedText() == "of the"
    assert "line 5 of the chat" in view.textCursor().block().text()
    text = view.toPlainText()
    assert f"line {4 + PAGE + 1} of" in text and f"line {4 + PAGE + 2} of" not in text
    assert f"Show {TOTAL - PAGE - 5} later messages" in text
    assert "earlier messages" not in text
    view.anchorClicked.emit(QUrl(LATER))
    assert view.shown_count == 4 + 2 * PAGE + 1
    assert f"line {4 + 2 * PAGE + 1} of" in view.toPlainText()
    assert f"Show {TOTAL - 2 * PAGE - 5} later messages" in view.toPlainText()


def test_a_hit_in_the_middle_shows_both_links_and_earlier_works(view: TranscriptView) -> None:
    messages = _chat(TOTAL)
    view.show_messages(messages)
    view.scroll_to_message(messages[1500].id, "line 1501")
    assert view.shown_count == 2 * PAGE + 1
    text = view.toPlainText()
    assert f"Show {1500 - PAGE} earlier messages" in text
    assert f"Show {TOTAL - 1501 - PAGE} later messages" in text
    assert view.textCursor().selectedText() == "line 1501"
    view.anchorClicked.emit(QUrl(EARLIER))
    assert view.shown_count == 3 * PAGE + 1
    assert f"line {1501 - 2 * PAGE} of" in view.toPlainText()
    assert view.scroll_to_message(messages[1430].id)  # already shown: no new window
    assert view.shown_count == 3 * PAGE + 1


def test_a_new_message_after_an_early_hit_brings_back_the_newest_page(
    view: TranscriptView,
) -> None:
    messages = _chat(TOTAL)
    view.show_messages(messages)
    view.scroll_to_message(messages[4].id)
    view.add_message(StoredMessage(TOTAL + 1, "c", "user", "a new question", 0.0, True, None))
    assert view.shown_count == PAGE + 1
    text = view.toPlainText()
    assert "a new question" in text and "later messages" not in text
    assert text.rstrip().endswith("a new question") or "a new question" in text[-200:]
    view.begin_reply()  # the reply goes at the end as usual
    view.append_reply_text("an answer")
    assert view.reply_text == "an answer"
