"""Searching the history: the full-text index for queries of 3+ characters, a scan for
shorter ones; newest matches first, one hit per conversation, each verified and shown with
a snippet. The index is asked for the query's rarest trigrams first and each candidate is
checked against the message's text (``search_candidates``, ``search_terms``), so the
results are always a plain scan's. ``SearchReader`` runs queries on its own read
connection so another thread can cancel one (``interrupt``) when a newer query arrives,
and reads ahead what a first search needs (``warm``)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from app.store.errors import StoreError, UnreadableDatabaseError
from app.store.records import ConversationRecord
from app.store.rows import CONVERSATION_COLUMNS, conversation_from_row
from app.store.search_candidates import IndexCandidates
from app.store.search_terms import TRIGRAM
from app.store.search_text import Snippet, fold, snippet
from app.store.search_warm import read_ahead

DEFAULT_LIMIT = 50
SHORT_SCAN = 2_000  # newest messages a 1-2 character query looks through, in the window
SHORT_TITLES = 1_000  # and the titles of this many most recently updated conversations
READER_CACHE_KIB = 32 * 1024  # the search reader's page cache (SQLite's default: 2 MiB)
OLDER_IDS = 256  # message ids of a conversation already found, read ahead to skip its other hits


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


def _contains(column: str) -> str:
    """SQL: ``column`` folded contains ``:needle`` (folded; ``:pattern`` is ``_like(needle)``).
    ASCII text (as many characters as bytes) is compared by SQLite's LIKE, in C, which
    ignores ASCII case (the needle is lower case already) and copies nothing; only other
    text calls Python's fold."""
    return (
        f"CASE WHEN length({column}) = length(CAST({column} AS BLOB))"
        f" THEN {column} LIKE :pattern ESCAPE '\\' ELSE hearth_contains({column}, :needle) END"
    )


def _like(needle: str) -> str:
    """A LIKE pattern for text containing ``needle`` literally (escape: backslash)."""
    literal = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def _recent_scan(db: sqlite3.Connection, needle: str, short_scan: int) -> sqlite3.Cursor:
    """Ids of the newest ``short_scan`` messages (-1: all) that contain a needle too short
    for the index, newest first."""
    sql = (
        "SELECT id FROM messages WHERE id > :above AND role != 'notice'"
        f" AND {_contains('content')} ORDER BY id DESC"
    )
    above = _scan_floor(db, short_scan)
    return db.execute(sql, {"above": above, "needle": needle, "pattern": _like(needle)})


def _first(cursor: sqlite3.Cursor) -> int:
    """The first column of a query's first row as a number (0: no row, or NULL)."""
    row = cursor.fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0


def _scan_floor(db: sqlite3.Connection, short_scan: int) -> int:
    """The id above which a short query scans (a rowid range, read lazily); 0: all."""
    if short_scan < 0:
        return 0
    return max(0, _first(db.execute("SELECT max(id) FROM messages")) - short_scan)


def _title_matches(db: sqlite3.Connection, needle: str, limit: int, titles: int) -> list[str]:
    """Conversations whose title contains the needle; a short needle looks at the titles of
    the ``titles`` most recently updated conversations (-1: all of them)."""
    if len(needle) >= TRIGRAM:
        newest = db.execute("SELECT rowid FROM title_search ORDER BY rowid DESC LIMIT 1")
        candidates = IndexCandidates(
            db,
            "title_search",
            needle,
            ("conversation_id", "body"),
            newest_first=False,
            extent=_first(newest),
        )
        found: list[str] = []
        with closing(iter(candidates)) as rows:
            for _rowid, conversation_id, body in rows:
                if len(found) >= limit:
                    break
                if needle in body:  # the folded title
                    found.append(conversation_id)
                else:
                    candidates.reject()
        return found
    sql = (
        "SELECT id FROM (SELECT id, title FROM conversations WHERE deleted_at IS NULL"
        f" ORDER BY updated_at DESC LIMIT :titles) WHERE {_contains('title')} LIMIT :limit"
    )
    scanned = db.execute(
        sql, {"titles": titles, "needle": needle, "pattern": _like(needle), "limit": limit}
    )
    return [row[0] for row in scanned]


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


def _older_ids(db: sqlite3.Connection, conversation_id: str, below: int) -> list[int]:
    """The ids of the conversation's next ``OLDER_IDS`` messages below ``below`` (its index)."""
    sql = "SELECT id FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?"
    return [row[0] for row in db.execute(sql, (conversation_id, below, OLDER_IDS))]


def _message_hits(
    db: sqlite3.Connection,
    candidates: Iterable[sqlite3.Row],
    needle: str,
    limit: int,
    reject: Callable[[], None],
) -> dict[str, SearchHit]:
    """The newest verified hit of each conversation (trashed ones left out), up to ``limit``;
    ``reject`` is told of each candidate not in its message's text. A common word is in most
    messages of every conversation: once a second candidate of a decided conversation comes
    up, the ids of its older messages are read ahead from its index and skipped, not read
    row by row (not before: that is a page read per conversation, for nothing if the
    conversation has one match)."""
    hits: dict[str, SearchHit] = {}
    decided: set[str] = set()  # conversations with a hit, or trashed
    skip: set[int] = set()  # message ids of decided conversations, read ahead
    for (message_id,) in candidates:
        if len(hits) >= limit:
            break
        if message_id in skip:
            continue
        row = db.execute(
            "SELECT conversation_id, content FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
        if row is None:
            continue
        conversation_id, content = row
        if conversation_id not in decided:
            shown = snippet(content, needle)
            if shown is None:
                reject()  # a candidate only (or an index entry older than the text)
                continue
            decided.add(conversation_id)
            record = _live(db, conversation_id)
            if record is not None:
                hits[conversation_id] = SearchHit(record, message_id, shown)
        else:
            skip.update(_older_ids(db, conversation_id, message_id))
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
    if short:
        with closing(_recent_scan(db, needle, messages)) as scanned:
            hits = _message_hits(db, scanned, needle, limit, lambda: None)
    else:
        newest = db.execute("SELECT max(id) FROM messages")
        index = IndexCandidates(
            db, "message_search", needle, newest_first=True, extent=_first(newest)
        )
        with closing(iter(index)) as candidates:
            hits = _message_hits(db, candidates, needle, limit, index.reject)
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
        from app.store.connection import add_functions, read_only_uri

        try:
            self._db = sqlite3.connect(
                read_only_uri(path), uri=True, check_same_thread=False, isolation_level=None
            )
        except sqlite3.Error as error:
            raise UnreadableDatabaseError(path, str(error)) from error
        self._path = path
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

    def warm(self) -> bool:
        """Read ahead what a first search is likely to need (``search_warm``); False if
        ``interrupt`` stopped it (a query is waiting)."""
        with self._lock:
            return not self._cancel.is_set() and read_ahead(self._path, self._cancel.is_set)

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
