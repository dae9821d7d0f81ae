"""Take the README's screenshots of the real window with the real default model.

`--fake` takes them over a scripted engine instead (layout work; no model, no lock).
Run under Xvfb and the model lock (model work: never beside other model work):
    flock /tmp/hearth-model.lock xvfb-run -a -s "-screen 0 1400x900x24" \
        .venv/bin/python scripts/screenshots.py
Writes into docs/: screenshot-main-window.png (light, mid-reply, a reply's action bar
shown), screenshot-main-window-dark.png (dark, mid-reply), screenshot-welcome.png (a new
chat), screenshot-download.png (the download dialog), screenshot-settings.png and
screenshot-inspector.png.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
os.environ["HEARTH_HOME"] = tempfile.mkdtemp(prefix="hearth-shots-")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import paths  # noqa: E402
from app.chat.values import GenerationParams, LoadOptions, Message  # noqa: E402
from app.default_model import default_model_path  # noqa: E402
from app.engine.llama_engine import LlamaEngine  # noqa: E402
from app.engine.runner import EngineRunner  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.store import ChatStore  # noqa: E402
from app.ui.common.icons import app_icon  # noqa: E402
from app.ui.common.theme import apply_system_theme, theme_notifier  # noqa: E402
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


def shoot(widget: QWidget, name: str) -> None:
    spin(200)
    widget.grab().save(str(ROOT / "docs" / name))


def show_actions(window: MainWindow) -> None:
    """The last finished reply's action bar, as the mouse over it would show it."""
    replies = [m for m in window.transcript.messages if m.role == "assistant"]
    if replies:
        window.transcript.hover.show(replies[-1].id)


def seed_history() -> None:
    """Older chats, so the list shows its date groups."""
    for title, days_ago in (
        ("Sourdough starter troubleshooting", 1),
        ("Packing list for a weekend hike", 3),
        ("Notes on the history of the hearth", 20),
    ):
        when = time.time() - days_ago * 86400
        with ChatStore(paths.database_path(), clock=lambda when=when: when) as seed:
            record = seed.create_conversation(title)
            seed.add_message(record.id, "user", title)
            seed.add_message(record.id, "assistant", "…")


FAKE_REPLIES = {
    "Write": "Here is one way:\n\n```python\ndef reverse_string(s: str) -> str:\n"
    "    return s[::-1]\n```\n\nSlicing with a step of -1 walks the string backwards.",
    "What": "Three habits that help most people:\n\n1. **Keep a schedule.** Go to bed and "
    "wake up at the same time, weekends too.\n2. **Dim the evening.** Screens and bright "
    "light an hour before bed push sleep later.\n3. **Keep it cool.** A cool, dark, quiet "
    "room helps you fall and stay asleep.",
}
FAKE_LONG = (
    "A fire heats a room in three ways. **Radiation** carries heat in straight lines from "
    "the flames and the glowing embers to everything they can see: you, the floor, the "
    "walls. **Convection** moves warm air: it rises, spreads along the ceiling and sinks as "
    "it cools. **Conduction** warms the hearth stones, which give the heat back for hours."
    "\n\n1. **Light the fire.** Dry, seasoned wood burns hot and clean.\n"
    "2. **Let the chimney draw.** Warm gases rise and pull fresh air in at the grate.\n"
    "3. **Close the damper when cold.** Otherwise the chimney drains the room's warm air."
)


def engine_and_model() -> tuple[EngineRunner, str]:
    """The real default model; with --fake, a scripted engine (a look at the layout only,
    no model loaded, so no model lock needed)."""
    if "--fake" not in sys.argv:
        return EngineRunner(LlamaEngine), str(default_model_path())
    from app.engine.fake import FakeEngine

    def reply(messages: Sequence[Message]) -> str:
        text = messages[-1].content
        return next((r for k, r in FAKE_REPLIES.items() if text.startswith(k)), FAKE_LONG)

    runner = EngineRunner(lambda: FakeEngine(reply=reply, token_delay=0.03))
    return runner, "/models/SmolLM2-135M-Instruct.Q4_1.gguf"


def main() -> int:
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    apply_system_theme(app, "light")
    seed_history()
    store = ChatStore(paths.database_path())
    settings = Settings(
        generation=GenerationParams(temperature=0.2, top_k=40, max_tokens=400, seed=3),
        load=LoadOptions(n_ctx=4096, n_threads=2),
        welcome_done=True,
        theme="light",
    )
    runner, model = engine_and_model()
    window = MainWindow(
        runner, store, settings, default_model=model, persist_settings=lambda _s: None
    )
    window.resize(1360, 860)
    window.show()
    window.start()
    window.chat.new_conversation()
    wait_until(lambda: window.models.info is not None)
    spin(500)
    shoot(window, "screenshot-welcome.png")
    send(window, "Write a Python function that reverses a string.")
    send(window, "What are three tips for better sleep?")
    show_actions(window)
    window.composer.edit.setPlainText("Explain how a fireplace heats a room, step by step.")
    window.composer.submit()
    wait_until(lambda: len((window.transcript.reply_text or "").split()) >= 45)
    shoot(window, "screenshot-main-window.png")
    window.transcript.hover.hide()
    wait_until(lambda: not window.session.busy)
    spin(500)
    if "--fake" not in sys.argv:  # the Inspector's figures need the real model
        window.side_tabs.setCurrentWidget(window.inspector)
        spin(800)
        shoot(window, "screenshot-inspector.png")
    window.side_tabs.setCurrentWidget(window.stats_panel)
    theme_notifier(app).set_mode("dark")
    window.composer.edit.setPlainText("And how does a chimney draw the smoke out?")
    window.composer.submit()
    wait_until(lambda: len((window.transcript.reply_text or "").split()) >= 30)
    shoot(window, "screenshot-main-window-dark.png")
    wait_until(lambda: not window.session.busy)
    theme_notifier(app).set_mode("light")
    spin(300)
    settings_dialog = window.window_actions.open_settings()
    spin(500)
    shoot(settings_dialog, "screenshot-settings.png")
    settings_dialog.reject()
    downloads = window.window_actions.open_downloads()
    downloads.resize(900, 620)
    spin(1500)
    shoot(downloads, "screenshot-download.png")
    downloads.close()
    window.close()
    runner.shutdown()
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
