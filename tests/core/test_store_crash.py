"""Crash safety: what was handed to the store survives a hard exit; streaming autosave."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import app
from app.store import ChatStore, ReplyAutosaver, StoredMessage

PROJECT_ROOT = Path(app.__file__).resolve().parent.parent

CRASHING_SCRIPT = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from app.store import ChatStore

    store = ChatStore(Path(sys.argv[1]))
    chat = store.create_conversation("Before the crash")
    store.add_message(chat.id, "user", "Tell me a story")
    reply = store.add_message(chat.id, "assistant", "Once", complete=False)
    store.update_message(reply.id, "Once upon", complete=False)
    store.update_message(reply.id, "Once upon a time", complete=False)
    print(chat.id, flush=True)
    os._exit(1)  # no close(), no checkpoint, no atexit
    """
)


def test_hard_exit_without_close_loses_nothing_saved(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_SCRIPT, str(path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    chat_id = done.stdout.strip()
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the data lives only in the WAL

    with ChatStore(path) as store:
        assert [c.title for c in store.list_conversations()] == ["Before the crash"]
        assert [(m.role, m.content, m.complete) for m in store.messages(chat_id)] == [
            ("user", "Tell me a story", True),
            ("assistant", "Once upon a time", False),
        ]
        assert store.integrity_check() == "ok"


def _saved(store: ChatStore, message_id: int) -> StoredMessage:
    message = store.message(message_id)
    assert message is not None
    return message


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_autosaver_writes_at_most_once_per_interval(store: ChatStore) -> None:
    chat = store.create_conversation()
    clock = _Clock()
    saver = ReplyAutosaver(store, chat.id, interval=1.0, clock=clock)

    assert saver.update("") is False and saver.message_id is None
    assert saver.update("Hel") is True  # first text: inserted at once
    message_id = saver.message_id
    assert message_id is not None
    clock.now = 0.4
    assert saver.update("Hello") is False
    assert _saved(store, message_id).content == "Hel"
    clock.now = 1.0
    assert saver.update("Hello, wor") is True
    assert saver.update("Hello, wor") is False  # nothing new
    clock.now = 2.5
    assert saver.update("Hello, wor") is False
    assert (_saved(store, message_id).content, _saved(store, message_id).complete) == (
        "Hello, wor",
        False,
    )

    final = saver.finish("Hello, world!", stats={"generated_tokens": 4})
    assert (final.id, final.content, final.complete, final.stats) == (
        message_id,
        "Hello, world!",
        True,
        {"generated_tokens": 4},
    )
    assert len(store.messages(chat.id)) == 1


def test_autosaver_finish_without_updates_inserts_once(store: ChatStore) -> None:
    chat = store.create_conversation()
    saver = ReplyAutosaver(store, chat.id, clock=_Clock())
    final = saver.finish("cut", complete=False)
    assert saver.message_id == final.id
    assert [(m.content, m.complete) for m in store.messages(chat.id)] == [("cut", False)]
