"""Runs the real start-up (`run_gui`, offscreen) and reports what the window shows.

    python -m tests.faults.startup_driver MODEL|- [--send TEXT] [--fresh-if-newer]
                                                [--wait-activation]

One JSON line per event: "ready" once a model is loaded (banner text, title, conversations,
whether the composer can send), "load_failed", "finished" after --send, "activated" when a
second `hearth` handed over (--wait-activation), then "exit". The window then closes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def emit(event: str, **data: Any) -> None:
    print(json.dumps({"ev": event, "t": time.monotonic(), **data}), flush=True)


def _ready(window: Any) -> dict[str, Any]:
    return {
        "banner": window.banner.text,
        "banner_html": window.banner.label.text(),
        "banner_visible": window.banner.isVisible(),
        "title": window.windowTitle(),
        "conversations": len(window.store.list_conversations()),
        "model": window.models.info.path if window.models.info else None,
        "visible": window.isVisible(),
        "in_memory": window.store.in_memory,
    }


def hook(args: argparse.Namespace) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.shell.main_window import MainWindow

    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    state = {"ready": False}

    def confirm_discard(unsaved: list[str]) -> bool:
        emit("close_asked", texts=len(unsaved))
        return True

    window.confirm_discard = confirm_discard

    def on_loaded(info: Any) -> None:
        if state["ready"]:
            emit("loaded_again", model=info.path)
            QTimer.singleShot(0, window.close)
            return
        state["ready"] = True
        emit("ready", **_ready(window))
        if args.send:
            window.composer.edit.setPlainText(args.send)
            window.composer.submit()
            emit("sent", composer=window.composer.edit.toPlainText())
        elif args.wait_activation:
            emit("waiting")
        else:
            QTimer.singleShot(0, window.close)

    def on_finished(saved: Any) -> None:
        emit("finished", text=saved.finished.text, saved=saved.saved)
        QTimer.singleShot(0, window.close)

    window.models.loaded.connect(on_loaded)
    window.models.load_failed.connect(
        lambda path, message: (emit("load_failed", message=message), window.close())
    )
    window.chat.reply_finished.connect(on_finished)
    window.activated.connect(lambda model: emit("activated", model=model))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--send", default=None)
    parser.add_argument("--fresh-if-newer", action="store_true")
    parser.add_argument("--wait-activation", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.main import parse_args
    from app.ui.shell.app import run_gui

    app = QApplication(sys.argv[:1])
    QTimer.singleShot(0, lambda: hook(args))
    options = [] if args.model == "-" else ["--model", args.model]  # "-": the last model
    options += ["--ctx", "1024", "--threads", "2"]
    options += ["--max-tokens", "24", "--temperature", "0", "--seed", "7"]

    def answer(_error: object) -> bool:
        return bool(args.fresh_if_newer)

    code = run_gui(parse_args(options), use_fresh_database=answer)
    emit("exit", code=code)
    del app
    return code


if __name__ == "__main__":
    raise SystemExit(main())
