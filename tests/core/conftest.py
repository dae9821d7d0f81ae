"""Fixtures shared by the core tests: a chat store on a real SQLite file, a session over a
runner fed by hand."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.session import ChatSession
from app.settings import Settings
from app.store import ChatStore
from tests.core.session_helpers import Clock, ManualRunner


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "chats.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[ChatStore]:
    """A store whose clock ticks one second per write, so every write has a distinct time."""
    ticks = itertools.count(1000.0, 1.0)
    with ChatStore(db_path, clock=lambda: next(ticks)) as chat_store:
        yield chat_store


@pytest.fixture
def runner() -> ManualRunner:
    return ManualRunner()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session(store: ChatStore, runner: ManualRunner, clock: Clock) -> ChatSession:
    chat = ChatSession(store, runner, Settings(system_prompt="Be brief."), clock=clock)
    chat.new_conversation()
    return chat
