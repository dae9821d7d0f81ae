"""Search in the window: off the GUI thread, a newer query cancels an older one, hits show
their snippet and open scrolled to the message; the list reads the store a page at a time;
the trash and the search index are looked after in the background."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from app import paths
from app.store import ChatStore
from app.store.search import SearchResult
from app.store.search_backfill import unindexed_upto
from app.ui.chat.transcript_window import PAGE as TRANSCRIPT_PAGE
from app.ui.conversations.conversation_item_model import PAGE, SNIPPET_ROLE
from app.ui.conversations.search_runner import SearchRunner
from app.ui.shell.maintenance_task import MaintenanceTask
from tests.ui.window_helpers import WindowFactory


def _fill(path: Path, conversations: int, messages: int = 2, text: str = "row {i}") -> list[str]:
    ids = []
    with ChatStore(path) as store:
        store._conn.execute("BEGIN")
        for c in range(conversations):
            record = store.create_conversation(f"chat {c}")
            ids.append(record.id)
            store._conn.executemany(
                "INSERT INTO messages (conversation_id, role, content, created_at)"
                " VALUES (?, 'user', ?, ?)",
                [(record.id, text.format(i=i, c=c), c + i / 1000) for i in range(messages)],
            )
            store._conn.execute(
                "UPDATE conversations SET updated_at = ? WHERE id = ?", (float(c), record.id)
            )
        store._conn.execute("COMMIT")
    return ids


def test_a_newer_query_cancels_the_one_running(qtbot: QtBot) -> None:
    path = paths.database_path()
    _fill(path, 1, 60_000, "row {i} of many rows")
    runner = SearchRunner(path, read_ahead_after_s=None)  # only the queries use the reader
    reader = runner._reader
    held, release = threading.Event(), threading.Event()

    def progress() -> bool:  # the first query waits here until the newer one has been asked
        if not held.is_set():
            held.set()
            release.wait(10)
        return reader._cancel.is_set()

    reader._db.set_progress_handler(progress, 1000)
    results: list[SearchResult] = []
    runner.finished.connect(results.append)
    runner.search("qz")  # two characters: a scan of the recent messages
    assert held.wait(10) and runner.running.is_set()
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        runner.search("rows")
        release.set()
    assert runner.cancelled == 1
    assert [r.query for r in results] == ["rows"]
    assert [h.conversation.title for h in results[0].hits] == ["chat 0"]
    runner.close()


def test_the_search_thread_reads_ahead_when_idle_and_a_query_comes_first(
    qtbot: QtBot,
) -> None:
    path = paths.database_path()
    _fill(path, 3, 50)
    idle = SearchRunner(path, read_ahead_after_s=0.0)
    qtbot.waitUntil(lambda: idle.warmed, timeout=5000)
    with qtbot.waitSignal(idle.finished, timeout=5000) as found:
        idle.search("row 7")
    assert len(found.args[0].hits) == 3
    idle.close()
    busy = SearchRunner(path, read_ahead_after_s=60.0)
    with qtbot.waitSignal(busy.finished, timeout=5000):  # not after the minute
        busy.search("row 7")
    assert not busy.warmed
    busy.close()


def test_hit_shows_its_snippet_and_opens_scrolled_to_the_message(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    path = paths.database_path()
    ids = _fill(path, 3, 120, "message {i} of chat {c}")
    with ChatStore(path) as store:
        target = store.messages(ids[0])[4]
        store.update_message(target.id, "the Lighthouse keeper wrote this", complete=True)
    window = make_window().window
    assert window.session.conversation_id == ids[0]  # touched last, so newest
    window.conversations.new()
    box = window.conversation_list
    with qtbot.waitSignal(window.conversations.search_runner.finished, timeout=5000):
        box.search.setText("LIGHTHOUSE")
    assert box.ids() == [ids[0]]
    assert box.model.index(0).data(SNIPPET_ROLE) == ("the ", "Lighthouse", " keeper wrote this")
    box.list.viewport().repaint()  # the delegate draws the hit (no error, two lines)
    assert box.list.sizeHintForRow(0) >= 2 * box.list.fontMetrics().height()
    box.list.setCurrentRow(0)
    assert window.session.conversation_id == ids[0]
    assert window.transcript.textCursor().selectedText() == "Lighthouse"
    assert window.transcript.shown_count == 4 + TRANSCRIPT_PAGE + 1  # a window around the hit
    assert f"Show {120 - 5 - TRANSCRIPT_PAGE} later messages" in window.transcript.toPlainText()
    assert window.transcript.verticalScrollBar().value() > 0  # the hit, not the top


def test_list_reads_the_store_a_page_at_a_time(qtbot: QtBot, make_window: WindowFactory) -> None:
    _fill(paths.database_path(), PAGE * 2 + 10, 1)
    window = make_window().window
    model = window.conversation_list.model
    assert model.rowCount() == PAGE
    assert window.conversation_list.titles()[:2] == [f"chat {PAGE * 2 + 9}", f"chat {PAGE * 2 + 8}"]
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == PAGE * 2 + 10
    assert window.conversation_list.titles()[-1] == "chat 0"


def test_upkeep_empties_old_trash_and_indexes_old_messages(qtbot: QtBot) -> None:
    path = paths.database_path()
    ids = _fill(path, 5, 20)
    with ChatStore(path) as store:
        store.delete_conversation(ids[1])
        store._conn.execute("UPDATE search_backlog SET unindexed_upto = 100")  # as if migrated
        store._conn.execute("INSERT INTO message_search (message_search) VALUES ('delete-all')")
    task = MaintenanceTask(path)
    statuses: list[str] = []
    task.status.connect(statuses.append)
    with qtbot.waitSignal(task.finished, timeout=20_000):
        task.start()
    QCoreApplication.processEvents()
    with ChatStore(path) as store:
        assert store.conversation(ids[1], include_trashed=True) is None
        assert unindexed_upto(store._conn) == 0
        assert [c.id for c in store.search("row 19")] == [ids[4], ids[3], ids[2], ids[0]]
    assert statuses[-1] == "Search index ready"
    assert any(s.startswith("Indexing messages for search") for s in statuses)
