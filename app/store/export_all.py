"""Every conversation to one JSON Lines file and back, streamed: one conversation in memory
at a time, progress after each, stoppable between conversations."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from app.store.chat_store import ChatStore, ImportedMessage
from app.store.export import EXPORT_FORMAT, export_document

PAGE = 200  # conversations read per query
Progress = Callable[[int, int], None]


class ExportStopped(Exception):
    """``should_stop`` asked to stop; the partial file was removed."""


@contextmanager
def _replacing(path: Path) -> Iterator[IO[str]]:
    """A temp file beside ``path`` that replaces it only if the block finishes."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_all(
    store: ChatStore,
    path: Path,
    *,
    progress: Progress = lambda _done, _total: None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Write every conversation not in the trash, newest first, one JSON document per line
    (the single-conversation JSON export's document); return how many. Raises ExportStopped
    when stopped, leaving no file behind."""
    total = store.count_conversations()
    written = 0
    with _replacing(path) as out:
        for offset in range(0, total, PAGE):
            for record in store.conversation_page(offset, PAGE):
                if should_stop():
                    raise ExportStopped(str(path))
                document = export_document(record, store.messages(record.id))
                out.write(json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n")
                written += 1
                progress(written, total)
    return written


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _messages(document: dict[str, Any]) -> list[ImportedMessage]:
    return [
        ImportedMessage(
            m["role"], m["content"], _seconds(m["created_at"]), bool(m["complete"]), m["stats"]
        )
        for m in document["messages"]
    ]


def import_all(store: ChatStore, path: Path, *, progress: Progress = lambda _d, _t: None) -> int:
    """Read a file written by ``export_all`` line by line; each conversation is added in
    one transaction (the search index follows through its triggers). Return how many."""
    with path.open(encoding="utf-8") as counting:
        total = sum(1 for line in counting if line.strip())
    done = 0
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
                if document.get("format") != EXPORT_FORMAT:
                    raise ValueError(f"not a {EXPORT_FORMAT} document")
                messages = _messages(document)
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path} line {number}: {error}") from error
            try:
                store.add_conversation_with_messages(
                    document["title"], _seconds(document["created_at"]), messages,
                    settings=document.get("settings") or {},
                )  # fmt: skip
            except sqlite3.IntegrityError as error:
                raise ValueError(f"{path} line {number}: {error}") from error
            done += 1
            progress(done, total)
    return done
