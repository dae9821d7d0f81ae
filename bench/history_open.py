"""Opening a search hit early in a long chat (run by bench/history.py in its own process):
a real TranscriptView (offscreen) shows a 3,000-message conversation, then is asked to
scroll to its 5th message, as the window does when a search hit is clicked.

Prints one JSON line: the median seconds of showing the chat (its newest page) and of
showing it and opening the hit, and how many messages the hit left rendered. Works on the
old and the new code: it only uses names both have.
"""

from __future__ import annotations

import json
import os
import statistics
import time

MESSAGES = 3_000
HIT = 4  # the 5th message
REPEATS = 5
WORDS = ["the", "lighthouse", "keeper", "wrote", "a", "**long**", "letter", "about",
         "`code`,", "storms", "and", "ships"]  # fmt: skip


def _chat() -> list[object]:
    from app.store import StoredMessage

    return [
        StoredMessage(
            i,
            "c",
            "user" if i % 2 else "assistant",
            f"Message {i}: " + " ".join(WORDS[(i + k) % len(WORDS)] for k in range(60)),
            0.0,
            True,
            None,
        )
        for i in range(1, MESSAGES + 1)
    ]


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.ui.chat.transcript_view import TranscriptView

    app = QApplication([])
    view = TranscriptView()
    view.resize(800, 700)
    view.show()
    messages = _chat()
    newest: list[float] = []
    hit: list[float] = []
    while len(hit) < REPEATS and sum(hit) < 10:  # the old code took over a minute a time
        began = time.perf_counter()
        view.show_messages(messages)  # type: ignore[arg-type]
        app.processEvents()
        newest.append(time.perf_counter() - began)
        began = time.perf_counter()
        view.show_messages(messages)  # type: ignore[arg-type]
        view.scroll_to_message(messages[HIT].id, "Message")  # type: ignore[attr-defined]
        app.processEvents()
        hit.append(time.perf_counter() - began)
    result = {
        "open_chat_s": statistics.median(newest),
        "open_hit_s": statistics.median(hit),
        "open_hit_rendered": view.shown_count,
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
