"""A heavy user's history (issue 17): search, launch, opening a chat, GUI stall, RSS and
file size at 1k, 10k, 100k and 1M messages, against an empty history in the same run; and,
once per run, opening a search hit at message 5 of a 3,000-message chat.

    python bench/history.py --sizes 1000,10000,100000,1000000 --out tmp/bench/after.json
    python bench/history.py --compare tmp/bench/before.json tmp/bench/after.json

Search: 20 queries on the reader the window uses, each run once, after the file's pages
were dropped from the OS cache (posix_fadvise), like the first searches after a reboot:
3+ characters that hit and that miss (the index), 1-2 characters (recent messages only).
The reader first does what the window's does before the first keystroke: its read-ahead
("ahead", timed; code that has one) and one query (it is long-lived). "cold" is a first
query on a new reader with neither, right after the drop.

It measures whichever ``app`` is first on PYTHONPATH, so the same file measures main's code
(a checkout in another worktree) and this branch's. Histories are generated once in today's
(version 1) schema with executemany in one transaction and cached under tmp/bench/; each run
works on a copy. When the code under test has the search index, the copy is migrated and
indexed first (timed: "index build").
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / "tmp" / "bench"
PER_CONVERSATION = 50
SEED = 17
GOALS = "search <= 30 ms at 1M; launch(1M) <= 1.3x launch(empty); stall <= 50 ms; RSS +<= 100 MB"

V1_SCHEMA = """
CREATE TABLE conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at REAL NOT NULL,
    updated_at REAL NOT NULL, model_path TEXT, settings TEXT NOT NULL DEFAULT '{}',
    deleted_at REAL);
CREATE INDEX conversations_by_update ON conversations (deleted_at, updated_at);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'notice')),
    content TEXT NOT NULL, created_at REAL NOT NULL,
    complete INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)), stats TEXT);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
PRAGMA user_version = 1;
"""

# Words made of letters drawn with English frequencies, used with Zipf frequencies: text
# whose trigrams spread like a natural language's (a tiny alphabet of syllables would make
# every trigram common, which no language does).
LETTERS = "etaoinshrdlcumwfgypbvkjxqz"
LETTER_WEIGHTS = [12.7, 9.1, 8.2, 7.5, 7.0, 6.7, 6.3, 6.1, 6.0, 4.3, 4.0, 2.8, 2.8, 2.4, 2.4,
                  2.2, 2.0, 2.0, 1.9, 1.5, 1.0, 0.8, 0.15, 0.15, 0.1, 0.07]  # fmt: skip
ACCENTED = ["café", "Straße", "naïve", "Ärger", "crème", "façade"]
SPECIAL = [*ACCENTED, "lighthouse", "keeper", "story", "saturn"]
HIT_QUERIES = ["lighthouse", "keeper", "Strasse", "CAFE", "story", "saturn", "naive", "creme"]
MISS_QUERIES = ["zqxj", "xylophone", "wqwq", "qqqzzz", "jjxx", "vvqq", "kkkk", "fjord bay"]


def _vocabulary(rng: random.Random) -> list[str]:
    words = {
        "".join(rng.choices(LETTERS, LETTER_WEIGHTS, k=rng.choice((2, 3, 3, 4, 4, 5, 6, 7, 8))))
        for _ in range(30_000)
    }
    ordered = sorted(words)
    rng.shuffle(ordered)
    return ordered[:500] + SPECIAL + ordered[500:]


def _queries(words: list[str]) -> list[str]:
    """Hits, then misses: common words, a common two-word phrase, short queries."""
    common = [w for w in words[:60] if len(w) >= 3]
    return [*HIT_QUERIES, common[0], f"{words[0]} {words[1]}", words[2][:2], "e",
            *MISS_QUERIES[:6], "xq", f"{common[1]} {common[2]} {common[3]}"]  # fmt: skip


def _message_text(rng: random.Random, words: list[str], weights: list[float]) -> str:
    return " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(10, 110)))


def generate(path: Path, messages: int, seed: int = SEED) -> None:
    """A v1 database of ``messages`` messages, 50 per conversation, in one transaction."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(V1_SCHEMA)
    db.execute("BEGIN")
    now = 1.7e9
    for start in range(0, messages, PER_CONVERSATION):
        cid = f"{start // PER_CONVERSATION:032x}"
        count = min(PER_CONVERSATION, messages - start)
        times = [now + start * 60 + i * 60 for i in range(count)]
        title = " ".join(rng.choices(words[:2000], k=3)).capitalize()
        db.execute(
            "INSERT INTO conversations VALUES (?, ?, ?, ?, NULL, '{}', NULL)",
            (cid, title, times[0], times[-1]),
        )
        db.executemany(
            "INSERT INTO messages (conversation_id, role, content, created_at) VALUES (?,?,?,?)",
            [
                (cid, "user" if i % 2 == 0 else "assistant", _message_text(rng, words, weights), t)
                for i, t in enumerate(times)
            ],
        )
    db.execute("COMMIT")
    db.close()


def history(messages: int) -> Path:
    """The cached v1 history of this size (generated on first use)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"history-v2-{messages}.sqlite3"
    if not path.exists():
        partial = path.with_suffix(".partial")
        if messages:
            generate(partial, messages)
        else:
            db = sqlite3.connect(partial)
            db.executescript(V1_SCHEMA)
            db.close()
        partial.replace(path)
    return path


def _has_index() -> bool:
    try:
        import app.store.search  # noqa: F401
    except ImportError:
        return False
    return True


def prepare(messages: int, home: Path) -> tuple[Path, float]:
    """A HEARTH_HOME holding a copy of the history, migrated and indexed; return the DB
    path and the seconds the index took to build (0 on code without one)."""
    os.environ["HEARTH_HOME"] = str(home)
    from app import paths
    from app.store import ChatStore

    target = paths.database_path()
    shutil.copyfile(history(messages), target)
    began = time.perf_counter()
    ChatStore(target).close()  # migrate
    if _has_index():
        from app.store.search_backfill import run_backfill

        run_backfill(target, chunk=5000)
    return target, time.perf_counter() - began


def _drop_from_os_cache(path: Path) -> None:
    """Evict the database's pages from the OS page cache (this file only; no root needed)."""
    for file in path.parent.glob(path.name + "*"):
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _searcher(path: Path, read_ahead: bool = False) -> Iterator[tuple[Callable[[str], int], float]]:
    """The code's own search path: the window's reader, or ChatStore.search before it; and
    the seconds its read-ahead took (0: not asked for, or code without one). Closed after."""
    if _has_index():
        from app.store.search import SearchReader

        reader = SearchReader(path)
        try:
            ahead = 0.0
            if read_ahead and hasattr(reader, "warm"):
                began = time.perf_counter()
                reader.warm()
                ahead = time.perf_counter() - began
            yield (lambda q: len(reader.search(q).hits)), ahead
        finally:
            reader.close()
        return
    from app.store import ChatStore

    store = ChatStore(path)
    try:
        yield (lambda q: len(store.search(q))), 0.0
    finally:
        store.close()


def _timed(run: Callable[[str], int], query: str) -> tuple[float, int]:
    began = time.perf_counter()
    found = run(query)
    return time.perf_counter() - began, found


def _first_runs(path: Path, queries: list[str]) -> tuple[list[tuple[str, float, int]], float]:
    """Each query run once on a new reader, after its read-ahead and one query (what the
    window's reader has done before the first keystroke); and the read-ahead's seconds."""
    with _searcher(path, read_ahead=True) as (run, ahead):
        run("warm up")  # the app's reader is long-lived: its first query is not the one typed
        return [(query, *_timed(run, query)) for query in queries], ahead


def _search_times(path: Path, passes: int = 1) -> dict[str, Any]:
    """Median and worst of 20 queries (hits and misses, 3+ and 1-2 characters), and a cold
    first query, on the code's own path. With ``passes`` > 1 the file's pages are dropped
    from the OS cache again before each further pass, and each query counts its fastest
    first run (a slower one measured a busy machine, not the code)."""
    queries = _queries(_vocabulary(random.Random(SEED)))
    _drop_from_os_cache(path)
    with _searcher(path) as (run, _ahead):
        cold, _found = _timed(run, queries[0])
    measured, ahead = _first_runs(path, queries)
    for _ in range(passes - 1):
        _drop_from_os_cache(path)
        again, _ahead = _first_runs(path, queries)
        measured = [min(a, b, key=lambda m: m[1]) for a, b in zip(measured, again, strict=True)]
    times = [t for _q, t, _n in measured]
    hit = [t for q, t, n in measured if n and len(q.strip()) >= 3]
    miss = [t for q, t, n in measured if not n and len(q.strip()) >= 3]
    short = [t for q, t, _n in measured if len(q.strip()) < 3]
    return {
        "slowest_query": max(measured, key=lambda m: m[1])[0],
        "search_cold_s": cold,
        "read_ahead_s": ahead,
        "search_median_s": statistics.median(times),
        "search_worst_s": max(times),
        "search_worst_indexed_s": max(hit + miss),  # 3+ characters: what the index answers
        "search_worst_short_s": max(short),  # 1-2 characters: recent messages only
        "hit_median_s": statistics.median(hit),
        "hit_worst_s": max(hit),
        "miss_median_s": statistics.median(miss),
        "miss_worst_s": max(miss),
        "queries_with_hits": sum(1 for _q, _t, n in measured if n),
    }


def _sizes(path: Path) -> dict[str, float]:
    """MB of the file by part (SQLite's dbstat table): messages, search index, free pages."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        free = (
            db.execute("PRAGMA freelist_count").fetchone()[0]
            * db.execute("PRAGMA page_size").fetchone()[0]
        )
    finally:
        db.close()
    index = sum(size for name, size in rows if name.startswith(("message_search", "title_search")))
    return {"index_mb": index / 2**20, "free_mb": free / 2**20}


def launch_once(home: Path) -> dict[str, float]:
    """One launch of the window on ``home`` (a new process)."""
    env = dict(os.environ, HEARTH_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # launch like an installed app: cached bytecode
    env["HEARTH_BENCH_SPAWNED"] = repr(time.time())
    return child_result([str(HERE / "history_child.py")], env, "the window did not start")


def launch_summary(runs: list[dict[str, float]]) -> dict[str, float]:
    """The median of each figure over the launches, and the fastest launch ("launch min":
    what the code costs, without the spikes a shared machine adds to single launches)."""
    summary = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    summary["launch_min_s"] = min(run["launch_s"] for run in runs)
    return summary


def launch(homes: list[Path], repeats: int) -> list[dict[str, float]]:
    """``repeats`` launches of the window on each home, taken in turn (home 1, home 2, ...,
    home 1, ...) so that every home sees the same load; a summary per home."""
    runs: list[list[dict[str, float]]] = [[] for _ in homes]
    for _ in range(repeats):
        for home, done in zip(homes, runs, strict=True):
            done.append(launch_once(home))
    return [launch_summary(done) for done in runs]


def measure_many(
    sizes: list[int], repeats: int, search_passes: int = 1, report: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """A row per history size: search, file sizes, then the launches of all sizes
    interleaved (``launch``)."""
    with contextlib.ExitStack() as stack:
        rows: list[dict[str, Any]] = []
        homes: list[Path] = []
        for messages in sizes:
            home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hearth-history-")))
            path, build = prepare(messages, home)
            row: dict[str, Any] = {"messages": messages, "index_build_s": build}
            if messages:
                row.update(_search_times(path, search_passes))
            row["db_mb"] = sum(f.stat().st_size for f in path.parent.glob(path.name + "*")) / 2**20
            row.update(_sizes(path))
            report(f"{messages} messages: prepared and searched")
            rows.append(row)
            homes.append(home)
        for row, launched in zip(rows, launch(homes, repeats), strict=True):
            row.update(launched)
        return rows


def measure(messages: int, repeats: int, search_passes: int = 1) -> dict[str, Any]:
    """One size's row (``measure_many``)."""
    return measure_many([messages], repeats, search_passes, report=lambda _line: None)[0]


def open_hit() -> dict[str, Any]:
    """Opening a hit at message 5 of a 3,000-message chat (bench/history_open.py)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return child_result([str(HERE / "history_open.py")], env, "opening the hit failed")


def child_result(
    args: list[str], env: dict[str, str], failure: str, prefix: str = "RESULT ", timeout: int = 600
) -> dict[str, Any]:
    """Run a Python script in a child process; return the JSON of its ``prefix`` line."""
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith(prefix)), None)
    if line is None:
        raise RuntimeError(f"{failure}:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(line[len(prefix) :])
    return result


COLUMNS = (  # (heading, key, format): times in ms unless the key says otherwise
    ("messages", "messages", "d"),
    ("hit med", "hit_median_s", "ms"),
    ("hit max", "hit_worst_s", "ms"),
    ("miss med", "miss_median_s", "ms"),
    ("miss max", "miss_worst_s", "ms"),
    ("short max", "search_worst_short_s", "ms"),
    ("all med", "search_median_s", "ms"),
    ("all max", "search_worst_s", "ms"),
    ("cold", "search_cold_s", "ms"),
    ("ahead", "read_ahead_s", "ms"),
    ("launch s", "launch_s", ".2f"),
    ("launch min", "launch_min_s", ".2f"),
    ("open new", "start_s", "ms"),
    ("stall", "stall_s", "ms"),
    ("RSS MB", "rss_mb", ".0f"),
    ("DB MB", "db_mb", ".1f"),
    ("index MB", "index_mb", ".1f"),
    ("build s", "index_build_s", ".1f"),
)


def _cell(row: dict[str, Any], key: str, kind: str) -> str:
    if key not in row:
        return "-"
    return f"{row[key] * 1000:.1f}" if kind == "ms" else format(row[key], kind)


def table(label: str, rows: list[dict[str, Any]], opened: dict[str, Any] | None = None) -> str:
    """The report's table: search times and stall in ms (open new = start(): the list and
    the newest conversation), launch in seconds."""
    lines = [label, " ".join(f"{head:>9}" for head, _k, _f in COLUMNS)]
    for row in rows:
        lines.append(" ".join(f"{_cell(row, key, kind):>9}" for _h, key, kind in COLUMNS))
    if opened:
        lines.append(
            f"opening a hit at message 5 of 3,000: {opened['open_hit_s'] * 1000:.0f} ms"
            f" ({opened['open_hit_rendered']} messages rendered); the chat's newest page:"
            f" {opened['open_chat_s'] * 1000:.0f} ms"
        )
    return "\n".join(lines)


def _fastest_launch(row: dict[str, Any]) -> float:
    """The fastest launch of a row (the median in reports written before it was kept)."""
    return float(row.get("launch_min_s", row["launch_s"]))


def checks(rows: list[dict[str, Any]]) -> dict[str, bool]:
    """The issue's goals, as ratios within this run, at the biggest size measured."""
    empty = next(r for r in rows if r["messages"] == 0)
    sized = sorted((r for r in rows if r["messages"]), key=lambda r: r["messages"])
    big = sized[-1]
    base = sized[0] if len(sized) > 1 else empty
    return {
        "search_ok": big["search_worst_s"] <= 0.030,  # all 20 queries, short ones included
        "launch_ok": _fastest_launch(big) <= 1.3 * _fastest_launch(empty),
        "stall_ok": all(r["stall_s"] <= 0.050 for r in rows),
        "rss_ok": big["rss_mb"] - base["rss_mb"] <= 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--label", default="this code")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--one", type=int, help="measure one size, print it (history_ab.py)")
    parser.add_argument("--open-hit", action="store_true", help="only open the hit, print it")
    args = parser.parse_args()
    if args.one is not None or args.open_hit:
        row = open_hit() if args.open_hit else measure(args.one, args.repeats)
        print("ROW " + json.dumps(row), flush=True)
        return
    if args.compare:
        for path in args.compare:
            report = json.loads(path.read_text())
            print(table(report["label"], report["rows"], report.get("open_hit")))
            print(report["checks"], "\n")
        return
    opened = open_hit()
    print(json.dumps(opened), flush=True)
    sizes = [0] + [int(s) for s in args.sizes.split(",")]
    rows = measure_many(sizes, args.repeats, report=lambda line: print(line, flush=True))
    report = {
        "label": args.label,
        "rows": rows,
        "open_hit": opened,
        "checks": checks(rows),
        "goals": GOALS,
    }
    print(table(args.label, rows, opened), "\n", report["checks"])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
