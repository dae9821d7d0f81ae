"""Building a MainWindow for tests: over the FakeEngine, or the real default model."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from pytestqt.qtbot import QtBot

from app import paths
from app.chat.events import TurnEvent
from app.chat.values import LoadOptions
from app.engine.fake import FakeEngine
from app.engine.protocol import ChatEngine
from app.engine.runner import EngineRunner
from app.engine.token_counter import TokenCounter
from app.settings import Settings
from app.store import ChatStore, StoredMessage
from app.ui.shell.main_window import MainWindow

FAKE_MODEL = "/models/fake-135M.Q4_0.gguf"
SMALL_CONTEXT = LoadOptions(n_ctx=2048, n_threads=2)
LONG_REPLY = " ".join(f"word{i}" for i in range(400))
PARAGRAPH = "Here is a sentence with **bold**, `code` and a [link](https://example.org). " * 3
BLOCK = PARAGRAPH + "\n\n- item one\n- item two\n\n```python\ndef f(x):\n    return x * 2\n```\n\n"


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
    token_counter: TokenCounter | None = None,
) -> Built:
    runner = EngineRunner(engine_factory)
    store = ChatStore(paths.database_path())
    saved: list[Settings] = []
    window = MainWindow(
        runner,
        store,
        settings or Settings(),
        default_model=model,
        persist_settings=saved.append,
        token_counter=token_counter,
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
        engine: FakeEngine | None = None,
        settings: Settings | None = None,
        start: bool = True,
        token_counter: TokenCounter | None = None,
    ) -> Built:
        fake = engine or FakeEngine()
        built = build_window(
            qtbot, lambda: fake, FAKE_MODEL, settings, start, token_counter=token_counter
        )
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


class GatedEngine(FakeEngine):
    """A FakeEngine whose replies wait at a gate after their first few words."""

    def __init__(self, reply: str = LONG_REPLY, words_before_gate: int = 5) -> None:
        super().__init__(reply=lambda _m: reply)
        self.gate = threading.Event()
        self._before = words_before_gate

    def chat(self, conversation_id, messages, params, cancel) -> Iterator[TurnEvent]:  # type: ignore[no-untyped-def]
        for count, event in enumerate(super().chat(conversation_id, messages, params, cancel)):
            if count == self._before + 1:
                self.gate.wait(10)
            yield event


def fill(store: ChatStore, turns: int) -> str:
    """A conversation of `turns` question/answer pairs (about 100 words each)."""
    record = store.create_conversation("A long chat")
    for index in range(turns):
        store.add_message(record.id, "user", f"Question {index}: tell me more.")
        store.add_message(record.id, "assistant", BLOCK)
    return record.id
