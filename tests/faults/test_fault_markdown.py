"""Hostile Markdown in a reply and in a user message: raw HTML, <script>, remote images.

Nothing is fetched (a loopback HTTP server counts every request it gets), nothing runs, and
the text stays visible as text. Runs over the FakeEngine: rendering is the window's job.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.chat.values import Message
from app.engine.fake import FakeEngine
from app.settings import Settings
from tests.ui.window_helpers import FAKE_MODEL, build_window, close_built, send


class _Counting(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    _Counting.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Counting.hits
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def hostile(base: str) -> str:
    return (
        "Here you go.\n\n"
        f"<script>fetch('{base}/script')</script>\n\n"
        f'<img src="{base}/raw-img.png" onerror="alert(1)">\n\n'
        f'<link rel="stylesheet" href="{base}/style.css">\n\n'
        f"![tracker]({base}/markdown-img.png)\n\n"
        f"[click me](javascript:alert(2)) and [home]({base}/page)\n\n"
        f'<iframe src="{base}/frame"></iframe> <b>bold?</b>'
    )


def test_hostile_markdown_fetches_nothing_runs_nothing_and_stays_readable(
    qtbot: QtBot, server: tuple[str, list[str]]
) -> None:
    base, hits = server

    def reply(_messages: Sequence[Message]) -> str:
        return hostile(base)

    built = build_window(qtbot, lambda: FakeEngine(reply), FAKE_MODEL, Settings())
    try:
        window = built.window
        send(qtbot, window, hostile(base))  # the user's message has it too
        QApplication.processEvents()
        window.transcript.viewport().repaint()
        QApplication.processEvents()
        text = window.transcript.toPlainText()
        assert "<script>fetch(" in text, "raw HTML is shown as text"
        assert "tracker" in text, "an image becomes its alt text"
        document = window.transcript.document()
        for name in ("markdown-img.png", "raw-img.png", "style.css"):
            url = f"{base}/{name}"
            resource = document.resource(QTextDocument.ResourceType.ImageResource, url)
            assert resource is None, name
        html = document.toHtml()
        links = re.findall(r'href="([^"]*)"', html)
        assert f"{base}/page" in links
        assert all(link.startswith(("http://", "https://", "hearth:")) for link in links), links
        assert "<script" not in html.lower() and "<iframe" not in html.lower()
        assert [m.content for m in built.messages()] == [hostile(base), hostile(base)]
        assert hits == [], f"fetched: {hits}"
    finally:
        close_built(built)
