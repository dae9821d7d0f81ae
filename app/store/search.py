"""Searching the history: the full-text index for queries of 3+ characters, a scan for
shorter ones; newest matches first, one hit per conversation, each verified and shown with
a snippet. ``SearchReader`` runs queries on its own read connection so another thread can
cancel one (``interrupt``) when a newer query arrives."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from app.store.errors import StoreError, UnreadableDatabaseError
from app.store.records import ConversationRecord
from app.store.rows import CONVERSATION_COLUMNS, conversation_from_row
from app.store.search_text import Snippet, fold, snippet

DEFAULT_LIMIT = 50
TRIGRAM = 3  # the index answers queries at least this long (after folding)
SHORT_SCAN = 2_000  # newest messages a 1-2 character query looks through, in the window
SHORT_TITLES = 1_000  # and the titles of this many most recently updated conversations
READER_CACHE_KIB = 32 * 1024  # the search reader's page cache (SQLite's default: 2 MiB)


class SearchCancelled(StoreError):
    """A newer query replaced this one before it finished."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    conversation: ConversationRecord
    message_id: int | None  # None when only the title matched
    snippet: Snippet | None


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...]
    complete_index: bool  # False while older messages are still being indexed
    recent_only: bool = False  # a 1-2 character query looked at the newest messages only
    scanned: tuple[int, int] = (0, 0)  # then: (messages, titles) it looked through, at most

    @property
    def notice(self) -> str:
        """What this result leaves out, in words for the status bar ("" when nothing)."""
        if self.recent_only:
            messages, titles = self.scanned
            return (
                f"Showing matches in recent messages only (the newest {messages:,} messages"
                f" and {titles:,} titles): type 3 or more characters to search everything"
            )
        if not self.complete_index:
            return "Older messages are still being indexed; some may be missing"
        return ""


def _phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'


def _contains(column: str) -> str:
    """SQL: ``column`` folded contains ``:needle`` (folded). ASCII text (as many characters
    as bytes) is folded by SQLite's lower(), in C; only other text calls Python's fold."""
    return (
        f"CASE WHEN length({column}) = length(CAST({column} AS BLOB))"
        f" THEN instr(lower({column}), :needle) > 0 ELSE hearth_contains({column}, :needle) END"
    )


def _candidates(db: sqlite3.Connection, needle: str, short_scan: int) -> sqlite3.Cursor:
    """Rows of (message id, conversation id), newest message first; a needle too short for
    the index scans the newest ``short_scan`` messages (-1: all of them)."""
    if len(needle) >= TRIGRAM:
        sql = (
            "SELECT m.id, m.conversation_id FROM message_search f"
            " JOIN messages m ON m.id = f.rowid WHERE message_search MATCH ?"
            " ORDER BY f.rowid DESC"
        )
        return db.execute(sql, (_phrase(needle),))
    sql = (
        "SELECT id, conversation_id FROM messages WHERE id > :above AND role != 'notice'"
        f" AND {_contains('content')} ORDER BY id DESC"
    )
    return db.execute(sql, {"above": _scan_floor(db, short_scan), "needle": needle})


def _scan_floor(db: sqlite3.Connection, short_scan: int) -> int:
    """The id above which a short query scans (a rowid range, read lazily); 0: all."""
    if short_scan < 0:
        return 0
    newest = int(db.execute("SELECT coalesce(max(id), 0) FROM messages").fetchone()[0])
    return max(0, newest - short_scan)


def _title_matches(db: sqlite3.Connection, needle: str, limit: int, titles: int) -> list[str]:
    """Conversations whose title contains the needle; a short needle looks at the titles of
    the ``titles`` most recently updated conversations (-1: all of them)."""
    if len(needle) >= TRIGRAM:
        sql = "SELECT conversation_id FROM title_search WHERE title_search MATCH ? LIMIT ?"
        return [row[0] for row in db.execute(sql, (_phrase(needle), limit))]
    sql = (
        "SELECT id FROM (SELECT id, title FROM conversations WHERE deleted_at IS NULL"
        f" ORDER BY updated_at DESC LIMIT :titles) WHERE {_contains('title')} LIMIT :limit"
    )
    rows = db.execute(sql, {"titles": titles, "needle": needle, "limit": limit})
    return [row[0] for row in rows]


def _left_out(db: sqlite3.Connection, floor: int, titles: int) -> bool:
    """Whether a short query's scan left anything out: older messages or titles."""
    older = db.execute("SELECT 1 FROM messages WHERE id <= ? LIMIT 1", (floor,)).fetchone()
    count = "SELECT count(*) FROM (SELECT 1 FROM conversations WHERE deleted_at IS NULL LIMIT ?)"
    return older is not None or int(db.execute(count, (titles + 1,)).fetchone()[0]) > titles


def _live(db: sqlite3.Connection, conversation_id: str) -> ConversationRecord | None:
    row = db.execute(
        f"SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ? AND deleted_at IS NULL",
        (conversation_id,),
    ).fetchone()
    return conversation_from_row(row) if row else None


def index_complete(db: sqlite3.Connection) -> bool:
    """False while older or imported messages are still being indexed."""
    row = db.execute(
        "SELECT unindexed_upto = 0 AND NOT EXISTS (SELECT 1 FROM search_pending)"
        " FROM search_backlog"
    ).fetchone()
    return bool(row[0])


def _message_hits(
    db: sqlite3.Connection, candidates: sqlite3.Cursor, needle: str, limit: int
) -> dict[str, SearchHit]:
    """The newest verified hit of each conversation (trashed ones left out), up to ``limit``."""
    hits: dict[str, SearchHit] = {}
    skipped: set[str] = set()
    for message_id, conversation_id in candidates:
        if len(hits) >= limit:
            break
        if conversation_id in hits or conversation_id in skipped:
            continue
        content = db.execute("SELECT content FROM messages WHERE id = ?", (message_id,))
        shown = snippet(content.fetchone()[0], needle)
        if shown is None:
            continue  # an index entry older than the text: never shown
        record = _live(db, conversation_id)
        if record is None:
            skipped.add(conversation_id)
            continue
        hits[conversation_id] = SearchHit(record, message_id, shown)
    return hits


def find(
    db: sqlite3.Connection,
    query: str,
    limit: int = DEFAULT_LIMIT,
    short_scan: tuple[int, int] | None = None,
) -> SearchResult:
    """Conversations whose title or (non-notice) message text contains ``query`` literally,
    ignoring case and accents; at most ``limit``, most recently updated first. A query of
    one or two characters looks at the newest ``short_scan`` = (messages, titles) only and
    says so in the result (None: at everything, a scan). ``db`` needs ``row_factory =
    sqlite3.Row`` and the functions of ``connection.add_functions``."""
    needle = fold(query.strip())
    if not needle:
        return SearchResult(query, (), index_complete(db))
    short = len(needle) < TRIGRAM
    messages, titles = (-1, -1) if short_scan is None else short_scan
    with closing(_candidates(db, needle, messages)) as candidates:
        hits = _message_hits(db, candidates, needle, limit)
    for conversation_id in _title_matches(db, needle, limit, titles):
        if conversation_id not in hits and len(hits) < limit:
            record = _live(db, conversation_id)
            if record is not None and needle in fold(record.title):
                hits[conversation_id] = SearchHit(record, None, None)
    ordered = tuple(sorted(hits.values(), key=lambda hit: -hit.conversation.updated_at))
    if short and short_scan is not None and _left_out(db, _scan_floor(db, messages), titles):
        return SearchResult(query, ordered, index_complete(db), True, short_scan)
    return SearchResult(query, ordered, index_complete(db))


class SearchReader:
    """Queries on a read-only connection of their own; safe to ``interrupt`` from any thread."""

    def __init__(self, path: Path) -> None:
        from app.store.connection import add_functions

        try:
            self._db = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as error:
            raise UnreadableDatabaseError(path, str(error)) from error
        self._db.row_factory = sqlite3.Row
        # the pages of a query's doclists stay cached for the next keystroke's query
        self._db.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB:d}")
        add_functions(self._db)
        self._lock = threading.Lock()  # one query at a time
        self._cancel = threading.Event()
        # SQLite asks every 1,000 steps; a true answer aborts the statement ("interrupted")
        self._db.set_progress_handler(self._cancel.is_set, 1000)

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> SearchResult:
        """Run a query; raise SearchCancelled if ``interrupt`` was called (since the last
        ``allow``), even just before it started."""
        with self._lock:
            if self._cancel.is_set():
                raise SearchCancelled(query)
            try:
                return find(self._db, query, limit, (SHORT_SCAN, SHORT_TITLES))
            except sqlite3.OperationalError as error:
                if "interrupt" in str(error):
                    raise SearchCancelled(query) from error
                raise

    def interrupt(self) -> None:
        """Cancel the query running now and any started before the next ``allow``."""
        self._cancel.set()
        self._db.interrupt()

    def allow(self) -> None:
        """Let queries run again after ``interrupt``."""
        self._cancel.clear()

    def close(self) -> None:
        with self._lock:
            self._db.close()
