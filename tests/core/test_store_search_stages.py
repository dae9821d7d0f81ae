"""How a query reads the index: its rarest trigrams first (NEAR), more of them and the whole
phrase when those pick too many wrong rows, each stage carrying on where the last stopped;
a common word reads a conversation's rows once or twice, not all of them; the read-ahead
after start-up. Whatever the stages, the results are a plain scan's."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import ChatStore, search_candidates, search_terms, search_warm
from app.store.fts5_layout import doclist_pages
from app.store.search import SearchReader, find
from app.store.search_candidates import IndexCandidates
from app.store.search_terms import expressions
from app.store.search_text import fold

COMMON = ["alpha", "beta", "gamma", "delta", "kappa", "sigma"]
RARE = ["zebrafish", "quokka", "Straße"]
QUERIES = ["zebrafish alpha", "alpha beta gamma", "quokka sigma", "fish alp", "strasse beta",
           "gamma zebrafish quokka", "beta alpha", "zzzz alpha", "ta bet"]  # fmt: skip


def _text(rng: random.Random) -> str:
    words = rng.choices(COMMON, k=rng.randint(10, 30))
    if rng.random() < 0.05:
        words.insert(rng.randrange(len(words) + 1), rng.choice(RARE))
    return " ".join(words)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChatStore]:
    """8,000 messages of six common words (each word's trigrams span several index pages),
    a rare word in one in twenty; 40 conversations, one of them in the trash."""
    rng = random.Random(17)
    store = ChatStore(tmp_path_factory.mktemp("stages") / "history.sqlite3")
    store._conn.execute("BEGIN")
    ids = []
    for number in range(40):
        chat = store.create_conversation(f"chat {number} {rng.choice(COMMON + RARE)}")
        ids.append(chat.id)
        store._conn.executemany(
            "INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?,?,?,0)",
            [(chat.id, "user", _text(rng)) for _ in range(200)],
        )
    store._conn.execute("COMMIT")
    store.delete_conversation(ids[-1])
    yield store
    store.close()


def _scan(store: ChatStore, query: str) -> set[str]:
    needle = fold(query)
    return {
        record.id
        for record in store.list_conversations()
        if needle in fold(record.title)
        or any(needle in fold(m.content) for m in store.all_messages(record.id))
    }


def _phrase_rows(db: sqlite3.Connection, needle: str) -> list[int]:
    sql = "SELECT rowid FROM message_search WHERE message_search MATCH ? ORDER BY rowid DESC"
    return [row[0] for row in db.execute(sql, (search_terms.phrase(needle),))]


def test_rare_trigrams_are_asked_first_and_the_whole_phrase_last(history: ChatStore) -> None:
    db = history._conn
    rare, common = ({w[i : i + 3] for i in range(len(w) - 2)} for w in ("zebrafish", "alpha"))
    pages = doclist_pages(db, "message_search", rare | common)
    assert pages is not None and 2 * min(pages[t] for t in rare) < min(pages[t] for t in common)
    stages = expressions(db, "message_search", "zebrafish alpha")
    assert stages[0].expression.startswith("NEAR(")
    assert not any(t in stages[0].expression for t in ("alp", "lph", "pha", " al"))
    assert stages[-1].expression == '"zebrafish alpha"'
    assert stages[0].pages < stages[-1].pages


def test_a_short_needle_or_an_unexpected_index_asks_for_the_phrase(
    history: ChatStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = history._conn
    assert [s.expression for s in expressions(db, "message_search", "beta")] == ['"beta"']
    monkeypatch.setattr(search_terms, "doclist_pages", lambda *_args: None)
    assert [s.expression for s in expressions(db, "message_search", "zebrafish")] == ['"zebrafish"']

    def broken(*_args: object) -> None:
        raise sqlite3.OperationalError("no such table: message_search_idx")

    monkeypatch.setattr(search_terms, "doclist_pages", broken)
    assert len(expressions(db, "message_search", "zebrafish")) == 1


def _switch_at_every_reject(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_candidates, "REJECTS_PER_STAGE", 1)
    monkeypatch.setattr(search_candidates, "PAGES_PER_REJECT", 10**9)


def test_each_stage_carries_on_right_after_the_row_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _switch_at_every_reject(monkeypatch)
    with ChatStore(tmp_path / "dense.sqlite3") as store:
        chat = store.create_conversation("dense")
        for _ in range(30):  # every stage matches every message
            store.add_message(chat.id, "user", "beta gamma delta")
        ids = [m.id for m in store.messages(chat.id)]
        db = store._conn
        candidates = IndexCandidates(
            db, "message_search", "beta gamma delta", extent=max(ids), newest_first=True
        )
        assert len(candidates.stages) == 3  # NEAR of 3, NEAR of more, the phrase
        seen = []
        for (rowid,) in candidates:
            seen.append(rowid)
            candidates.reject()  # each moves on to the next stage at once
    assert seen == sorted(ids, reverse=True)  # none skipped, none twice, newest first


@pytest.mark.parametrize("switch", [False, True], ids=["default", "switch at every reject"])
def test_results_are_a_scans_whichever_stage_answers(
    history: ChatStore, monkeypatch: pytest.MonkeyPatch, switch: bool
) -> None:
    if switch:
        _switch_at_every_reject(monkeypatch)
    for query in QUERIES:
        found = find(history._conn, query, limit=10_000)
        assert {hit.conversation.id for hit in found.hits} == _scan(history, query), query


def test_a_common_word_reads_a_row_or_two_per_conversation(history: ChatStore) -> None:
    db = history._conn
    reads: list[str] = []
    db.set_trace_callback(lambda sql: reads.append(sql) if "content FROM messages" in sql else None)
    found = find(db, "alpha", limit=10_000)
    db.set_trace_callback(None)
    live = history.list_conversations()
    assert len(found.hits) == len(live) == 39  # every live one, none from the trash
    newest = {r.id: max(m.id for m in history.all_messages(r.id)) for r in live}
    # every message has a common word; alpha is in most: the newest with it is near the top
    for hit in found.hits:
        assert hit.message_id is not None and hit.message_id > newest[hit.conversation.id] - 20
        assert hit.message_id in _phrase_rows(db, "alpha")
    assert len(reads) <= 2 * 40  # not 8,000 (all their messages)


def test_read_ahead_runs_and_gives_way_to_a_query(history: ChatStore) -> None:
    reader = SearchReader(history.path)
    assert reader.warm()
    reader.interrupt()  # a query is waiting
    assert not reader.warm()
    reader.allow()
    assert reader.warm()
    reader.close()
    assert not search_warm.read_ahead(history.path, lambda: True)  # stopped on its way


def test_read_ahead_stops_at_its_budget(
    history: ChatStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = history._conn
    monkeypatch.setattr(search_warm, "WARM_CHUNK", 500)
    chunks: list[str] = []
    db.set_trace_callback(lambda sql: chunks.append(sql) if "CAST(content" in sql else None)
    for budget, expected in ((1, 1), (10**9, 16)):  # 8,000 messages: 16 chunks in all
        chunks.clear()
        monkeypatch.setattr(search_warm, "WARM_MESSAGE_BYTES", budget)
        search_warm.warm_caches(db)
        assert len(chunks) == expected
    db.set_trace_callback(None)


def test_read_ahead_of_an_empty_history(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    ChatStore(path).close()
    reader = SearchReader(path)
    assert reader.warm()
    reader.close()
