"""One- and two-character queries (below the trigram index): they look at the newest
messages and titles only, say so in the result, and agree with a plain scan of just those."""

from __future__ import annotations

import random
from pathlib import Path

from app.store import ChatStore
from app.store.search import SHORT_SCAN, SHORT_TITLES, SearchReader, find
from app.store.search_text import fold

SCOPE = (12, 3)  # (newest messages, newest titles) in these tests


def _store_with_old_and_new(path: Path) -> tuple[ChatStore, str, str]:
    store = ChatStore(path)
    old = store.create_conversation("zq in an old title")
    store.add_message(old.id, "user", "an old zq message")
    for index in range(5):
        filler = store.create_conversation(f"filler {index}")
        for turn in range(4):
            store.add_message(filler.id, "user", f"nothing {turn}")
    new = store.create_conversation("newest")
    store.add_message(new.id, "assistant", "Straße and ZQ here")
    return store, old.id, new.id


def test_short_query_looks_at_recent_messages_and_says_so(tmp_path: Path) -> None:
    store, old, new = _store_with_old_and_new(tmp_path / "short.sqlite3")
    recent = find(store._conn, "zq", short_scan=SCOPE)
    assert [hit.conversation.id for hit in recent.hits] == [new]
    assert recent.recent_only and recent.scanned == SCOPE
    assert "recent messages only" in recent.notice and "3 or more characters" in recent.notice
    everything = find(store._conn, "zq")  # no scope: a scan of everything
    assert {hit.conversation.id for hit in everything.hits} == {old, new}
    assert not everything.recent_only and everything.notice == ""
    long_query = find(store._conn, "zq message", short_scan=SCOPE)  # 3+: the whole index
    assert [hit.conversation.id for hit in long_query.hits] == [old]
    assert not long_query.recent_only
    folded = find(store._conn, "SS", short_scan=SCOPE)  # Straße folds to strasse (Python)
    assert [hit.conversation.id for hit in folded.hits] == [new]
    store.close()


def test_a_small_history_is_searched_whole_and_not_flagged(tmp_path: Path) -> None:
    with ChatStore(tmp_path / "small.sqlite3") as store:
        chat = store.create_conversation("tiny")
        store.add_message(chat.id, "user", "a b")
        result = find(store._conn, "b", short_scan=SCOPE)
        assert [hit.conversation.id for hit in result.hits] == [chat.id]
        assert not result.recent_only and result.notice == ""


def test_the_window_reader_uses_the_recent_scope(tmp_path: Path) -> None:
    path = tmp_path / "reader.sqlite3"
    with ChatStore(path) as store:
        chat = store.create_conversation("many")
        store._conn.executemany(
            "INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?,?,?,0)",
            [(chat.id, "user", "zq old" if i == 0 else "row") for i in range(SHORT_SCAN + 5)],
        )
    reader = SearchReader(path)
    result = reader.search("zq")
    assert result.hits == () and result.recent_only
    assert result.scanned == (SHORT_SCAN, SHORT_TITLES)
    assert reader.search("zq old").hits[0].conversation.id == chat.id  # the index finds it
    reader.close()


WORDS = ["ab", "Äb", "straße", "x_y", "100%", "мир", "q", "zz", "é"]


def _recent_scan(store: ChatStore, needle: str) -> set[str]:
    """A plain scan of the newest SCOPE[0] messages (by id) and SCOPE[1] titles."""
    rows = store._conn.execute(
        "SELECT conversation_id, content FROM messages WHERE role != 'notice'"
        " AND id > (SELECT max(id) FROM messages) - ?",
        (SCOPE[0],),
    )
    live = {record.id: record for record in store.list_conversations()}
    found = {cid for cid, text in rows if cid in live and needle in fold(text)}
    newest = sorted(live.values(), key=lambda r: -r.updated_at)[: SCOPE[1]]
    return found | {r.id for r in newest if needle in fold(r.title)}


def test_short_queries_agree_with_a_scan_of_the_recent_rows(tmp_path: Path) -> None:
    rng = random.Random(7)
    with ChatStore(tmp_path / "random.sqlite3") as store:
        chats = [store.create_conversation(" ".join(rng.choices(WORDS, k=2))) for _ in range(8)]
        for _ in range(60):
            chat = rng.choice(chats)
            role = rng.choice(["user", "assistant", "notice"])
            store.add_message(chat.id, role, " ".join(rng.choices(WORDS, k=3)))
        store.delete_conversation(chats[0].id)
        for query in ["ab", "A", "ss", "_", "%", "мИ", "e", "zz", "q"]:
            found = find(store._conn, query, limit=1000, short_scan=SCOPE)
            assert {h.conversation.id for h in found.hits} == _recent_scan(store, fold(query))
            assert found.recent_only
