"""Import speed and peak memory on a generated ChatGPT export.

    PYTHONPATH=$PWD .venv/bin/python bench/transfer_import.py [MESSAGES] [--zip]

Writes a conversations.json of MESSAGES messages (50 per conversation, every fifth reply
regenerated once, so the trees branch), imports it into an empty database in this process,
and prints messages/s and the process's peak RSS growth. No model is loaded.

Meanwhile a probe on another thread and connection writes a row to the same database every
20 ms, as the window does when it saves a reply: `longest_write_wait_s` is the longest one
of those writes waited for the import's write lock (the import's merge transaction).
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from app.store import ChatStore
from app.transfer import import_file

PER_CONVERSATION = 50
TEXT = "Lorem ipsum dolor sit amet, consectetur adipiscing elit 🙂 مرحبا. " * 6


def _node(key: str, parent: str | None, role: str | None, when: float) -> dict[str, Any]:
    message = None
    if role is not None:
        message = {
            "id": key,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": when,
            "content": {"content_type": "text", "parts": [f"{key}: {TEXT}"]},
            "status": "finished_successfully",
            "metadata": {},
        }
    return {"id": key, "message": message, "parent": parent, "children": []}


def conversation(number: int) -> dict[str, Any]:
    mapping = {"root": _node("root", None, None, 0)}
    parent, t = "root", 1_700_000_000.0 + number * 1000
    made = 0
    while made < PER_CONVERSATION:
        role = "user" if made % 2 == 0 else "assistant"
        key = f"c{number}-m{made}"
        mapping[key] = _node(key, parent, role, t + made)
        mapping[parent]["children"].append(key)
        made += 1
        if role == "assistant" and made % 10 == 0 and made < PER_CONVERSATION:
            alt = f"{key}-alt"
            mapping[alt] = _node(alt, parent, "assistant", t + made + 0.5)
            mapping[parent]["children"].append(alt)
            made += 1
        parent = key
    return {
        "id": f"conv-{number}",
        "conversation_id": f"conv-{number}",
        "title": f"Chat {number}",
        "create_time": t,
        "update_time": t + 100,
        "mapping": mapping,
        "current_node": parent,
    }


class WriteProbe:
    """Writes a row every `every_s` from its own connection; keeps the longest wait."""

    def __init__(self, database: Path, every_s: float = 0.02) -> None:
        self.longest_s, self.writes = 0.0, 0
        self._database, self._every_s = database, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="write-probe", daemon=True)

    def __enter__(self) -> WriteProbe:
        with sqlite3.connect(self._database, isolation_level=None) as db:
            db.execute("CREATE TABLE IF NOT EXISTS bench_probe (at REAL)")
        db.close()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        db = sqlite3.connect(self._database, timeout=600, isolation_level=None)
        try:
            while not self._stop.wait(self._every_s):
                start = time.perf_counter()
                db.execute("INSERT INTO bench_probe VALUES (?)", (start,))
                self.longest_s = max(self.longest_s, time.perf_counter() - start)
                self.writes += 1
        finally:
            db.close()


def main() -> None:
    messages = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10_000
    folder = Path(tempfile.mkdtemp(prefix="hearth-import-bench-"))
    source = folder / "conversations.json"
    with source.open("w", encoding="utf-8") as out:
        out.write("[")
        for n in range(messages // PER_CONVERSATION):
            out.write(("," if n else "") + json.dumps(conversation(n), ensure_ascii=False))
        out.write("]")
    if "--zip" in sys.argv:
        archive = folder / "export.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(source, "conversations.json")
        source = archive
    size = source.stat().st_size
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with ChatStore(folder / "chats.sqlite3") as store, WriteProbe(store.path) as probe:
        start = time.perf_counter()
        report = import_file(store, source)
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "file_mb": round(size / 2**20, 1),
                "messages": report.messages,
                "conversations": report.conversations,
                "branches": report.branches,
                "seconds": round(seconds, 2),
                "messages_per_s": round(report.messages / seconds),
                "peak_rss_mb": round(peak / 1024, 1),
                "rss_growth_mb": round((peak - before) / 1024, 1),
                "probe_writes": probe.writes,
                "longest_write_wait_s": round(probe.longest_s, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
