"""Runs the real app (`run_gui`, offscreen) and sends one message through the composer.

    python -m tests.faults.app_driver MODEL TEXT [--close-after-chars N] [--new-conversation]

Prints one JSON line per thing that happens (with time.monotonic()): "loaded", "sent",
"text" (each batch shown, with its delta), "finished", and with --close-after-chars or
--close-when-finished: "closing" right before it closes the window the way a user does;
with --audit, "audit" at the very end (network attempts and files written, see audit.py).
The parent kills it or waits for it to exit; see test_fault_crash.py.
"""

from __future__ import annotations

import sys

if "--audit" in sys.argv:  # first thing: record network attempts and file writes
    from tests.faults import audit

    audit.install()

import argparse
import json
import os
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def emit(event: str, **data: Any) -> None:
    print(json.dumps({"ev": event, "t": time.monotonic(), **data}), flush=True)


def hook(args: argparse.Namespace) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.shell.main_window import MainWindow

    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    state = {"shown": "", "sent": False, "closing": False}

    def on_loaded(_info: object) -> None:
        emit("loaded")
        if not state["sent"]:
            state["sent"] = True
            if args.new_conversation:
                window.conversations.new()
            window.composer.edit.setPlainText(args.text)
            window.composer.submit()
            emit("sent", conversation=window.session.conversation_id)
            if args.close_when_sent is not None:
                QTimer.singleShot(args.close_when_sent, close_now)

    def close_now() -> None:
        emit("closing", reply=window.transcript.reply_text or "")
        window.close()

    def on_events() -> None:
        shown = window.transcript.reply_text or ""
        previous = str(state["shown"])
        if shown != previous and shown.startswith(previous):
            emit("text", delta=shown[len(previous) :], length=len(shown))
            state["shown"] = shown
        close_after = args.close_after_chars
        if close_after is not None and len(shown) > close_after and not state["closing"]:
            state["closing"] = True
            emit("closing")
            QTimer.singleShot(0, window.close)

    def on_finished(saved: Any) -> None:
        emit("finished", text=saved.finished.text, stats=saved.finished.stats.as_json())
        if args.close_when_finished:
            emit("closing")
            QTimer.singleShot(0, window.close)

    emit("started")
    window.models.loaded.connect(on_loaded)
    window.models.load_failed.connect(lambda path, message: emit("load_failed", message=message))
    window.bridge.events_ready.connect(on_events)
    window.chat.reply_finished.connect(on_finished)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("text")
    parser.add_argument("--close-after-chars", type=int, default=None)
    parser.add_argument("--new-conversation", action="store_true")
    parser.add_argument("--close-when-finished", action="store_true")
    parser.add_argument(
        "--close-when-sent", type=int, default=None, metavar="MS", help="close MS after sending"
    )
    parser.add_argument("--max-tokens", default="150")
    parser.add_argument("--ctx", default="1024")
    parser.add_argument("--audit", action="store_true", help="print the audit report at exit")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.main import parse_args
    from app.ui.shell.app import run_gui

    app = QApplication(sys.argv[:1])
    QTimer.singleShot(0, lambda: hook(args))
    options = ["--model", args.model, "--ctx", args.ctx, "--threads", "2"]
    options += ["--max-tokens", args.max_tokens, "--temperature", "0", "--seed", "7"]
    code = run_gui(parse_args(options), exit_if_engine_stuck=True)  # as `hearth` does
    emit("exit", code=code)
    del app
    if args.audit:
        emit("audit", hub_client_loaded="huggingface_hub" in sys.modules, **audit.report())
    return code


if __name__ == "__main__":
    raise SystemExit(main())
