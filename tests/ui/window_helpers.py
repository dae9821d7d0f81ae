"""Building a MainWindow for tests: over the FakeEngine, or the real default model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from pytestqt.qtbot import QtBot

from app import paths
from app.chat.values import GenerationParams, LoadOptions
from app.engine.fake import FakeEngine
from app.engine.protocol import ChatEngine
from app.engine.runner import EngineRunner
from app.settings import Settings
from app.store import ChatStore, StoredMessage
from app.ui.shell.main_window import MainWindow

FAKE_MODEL = "/models/fake-135M.Q4_0.gguf"
GREEDY = GenerationParams(temperature=0.0, top_k=1, max_tokens=48, seed=7)
SMALL_CONTEXT = LoadOptions(n_ctx=2048, n_threads=2)


@dataclass
class Built:
    window: MainWindow
    runner: EngineRunner
    store: ChatStore
    saved_settings: list[Settings] = field(default_factory=list)

    def messages(self, conversation_id: str | None = None) -> list[StoredMessage]:
        cid = conversation_id or self.window.session.conversation_id
        assert cid is not None
        return self.store.messages(cid)


WindowFactory = Callable[..., Built]


def build_window(
    qtbot: QtBot,
    engine_factory: Callable[[], ChatEngine],
    model: str,
    settings: Settings | None = None,
    start: bool = True,
    load_timeout_ms: int = 60_000,
) -> Built:
    runner = EngineRunner(engine_factory)
    store = ChatStore(paths.database_path())
    saved: list[Settings] = []
    window = MainWindow(
        runner, store, settings or Settings(), default_model=model, persist_settings=saved.append
    )
    qtbot.addWidget(window)
    window.show()
    if start:
        with qtbot.waitSignal(window.models.loaded, timeout=load_timeout_ms):
            window.start()
    return Built(window, runner, store, saved)


def close_built(built: Built) -> None:
    built.window.close()
    built.runner.shutdown()
    built.store.close()


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[WindowFactory]:
    """make_window(engine=FakeEngine(...), settings=..., start=True) -> Built."""
    made: list[Built] = []

    def make(
        engine: FakeEngine | None = None, settings: Settings | None = None, start: bool = True
    ) -> Built:
        fake = engine or FakeEngine()
        built = build_window(qtbot, lambda: fake, FAKE_MODEL, settings, start)
        made.append(built)
        return built

    yield make
    for built in made:
        close_built(built)


def send(qtbot: QtBot, window: MainWindow, text: str, timeout_ms: int = 30_000) -> None:
    """Type `text`, press Enter, wait until the reply is saved and fully rendered."""
    with qtbot.waitSignal(window.transcript.reply_completed, timeout=timeout_ms):
        type_and_enter(qtbot, window, text)


def type_and_enter(qtbot: QtBot, window: MainWindow, text: str) -> None:
    from PySide6.QtCore import Qt

    window.composer.edit.setPlainText(text)
    qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
