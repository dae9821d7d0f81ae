"""Take the README's screenshots of the real window with the real default model.

Run under Xvfb (model work: never beside other model work):
    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py
Writes docs/screenshot-main-window.png (mid-reply) and docs/screenshot-inspector.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
os.environ["HEARTH_HOME"] = tempfile.mkdtemp(prefix="hearth-shots-")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import paths  # noqa: E402
from app.chat.values import GenerationParams, LoadOptions  # noqa: E402
from app.default_model import default_model_path  # noqa: E402
from app.engine.llama_engine import LlamaEngine  # noqa: E402
from app.engine.runner import EngineRunner  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.store import ChatStore  # noqa: E402
from app.ui.common.icons import app_icon  # noqa: E402
from app.ui.common.theme import apply_system_theme  # noqa: E402
from app.ui.shell.main_window import MainWindow  # noqa: E402


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition, timeout_ms: int = 120_000) -> None:  # type: ignore[no-untyped-def]
    waited = 0
    while not condition() and waited < timeout_ms:
        spin(50)
        waited += 50


def send(window: MainWindow, text: str) -> None:
    window.composer.edit.setPlainText(text)
    window.composer.submit()
    wait_until(lambda: not window.session.busy)
    spin(300)


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    apply_system_theme(app)
    store = ChatStore(paths.database_path())
    for title in ("Packing list for a weekend hike", "Sourdough starter troubleshooting"):
        record = store.create_conversation(title)
        store.add_message(record.id, "user", title)
        store.add_message(record.id, "assistant", "…")
    settings = Settings(
        generation=GenerationParams(temperature=0.2, top_k=40, max_tokens=400, seed=3),
        load=LoadOptions(n_ctx=4096, n_threads=2),
        welcome_done=True,
    )
    runner = EngineRunner(LlamaEngine)
    model = str(default_model_path())
    window = MainWindow(
        runner, store, settings, default_model=model, persist_settings=lambda _s: None
    )
    window.resize(1360, 860)
    window.show()
    window.start()
    window.chat.new_conversation()
    wait_until(lambda: window.models.info is not None)
    send(window, "Write a Python function that reverses a string.")
    send(window, "What are three tips for better sleep?")
    window.composer.edit.setPlainText("Explain how a fireplace heats a room, step by step.")
    window.composer.submit()
    wait_until(lambda: len((window.transcript.reply_text or "").split()) >= 45)
    window.grab().save(str(ROOT / "docs" / "screenshot-main-window.png"))
    wait_until(lambda: not window.session.busy)
    spin(500)
    window.side_tabs.setCurrentWidget(window.inspector)
    spin(800)
    window.grab().save(str(ROOT / "docs" / "screenshot-inspector.png"))
    window.close()
    runner.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
