"""A heavy user's history (issue 17): search, launch, opening a chat, GUI stall, RSS and
file size at 1k, 10k, 100k and 1M messages, against an empty history in the same run.

    python bench/history.py --sizes 1000,10000,100000,1000000 --out tmp/bench/after.json
    python bench/history.py --compare tmp/bench/before.json tmp/bench/after.json

It measures whichever ``app`` is first on PYTHONPATH, so the same file measures main's code
(a checkout in another worktree) and this branch's. Histories are generated once in today's
(version 1) schema with executemany in one transaction and cached under tmp/bench/; each run
works on a copy. When the code under test has the search index, the copy is migrated and
indexed first (timed: "index build").
"""

from __future__ import annotations

import argparse
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


def _search_times(path: Path) -> dict[str, float]:
    """Median and worst of 20 queries (12 that hit, 8 that miss), on the code's own path."""
    times: list[float] = []
    hits = 0
    if _has_index():
        from app.store.search import SearchReader

        reader = SearchReader(path)
        run = lambda q: len(reader.search(q).hits)  # noqa: E731
    else:
        from app.store import ChatStore

        store = ChatStore(path)
        run = lambda q: len(store.search(q))  # noqa: E731
    run("warm up")  # the app's reader is long-lived: its first query is not the one typed
    queries = _queries(_vocabulary(random.Random(SEED)))
    for query in queries:
        began = time.perf_counter()
        hits += run(query) > 0
        times.append(time.perf_counter() - began)
    slowest = max(range(len(times)), key=times.__getitem__)
    short = [t for q, t in zip(queries, times, strict=True) if len(q.strip()) < 3]
    indexed = [t for q, t in zip(queries, times, strict=True) if len(q.strip()) >= 3]
    return {
        "slowest_query": queries[slowest],
        "search_median_s": statistics.median(times),
        "search_worst_s": max(times),
        "search_worst_indexed_s": max(indexed),  # 3+ characters: what the index answers
        "search_worst_short_s": max(short),  # 1-2 characters: a bounded scan
        "queries_with_hits": hits,
    }


def launch(home: Path, repeats: int) -> dict[str, float]:
    """Median over ``repeats`` launches of the window (a new process each)."""
    runs = []
    for _ in range(repeats):
        env = dict(os.environ, HEARTH_HOME=str(home), QT_QPA_PLATFORM="offscreen")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # launch like an installed app: cached bytecode
        env["HEARTH_BENCH_SPAWNED"] = repr(time.time())
        done = subprocess.run(
            [sys.executable, str(HERE / "history_child.py")],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            raise RuntimeError(f"the window did not start:\n{done.stdout}\n{done.stderr}")
        runs.append(json.loads(line[7:]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def measure(messages: int, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hearth-history-") as tmp:
        path, build = prepare(messages, Path(tmp))
        row: dict[str, Any] = {"messages": messages, "index_build_s": build}
        if messages:
            row.update(_search_times(path))
        row.update(launch(Path(tmp), repeats))
        row["db_mb"] = sum(f.stat().st_size for f in path.parent.glob(path.name + "*")) / 2**20
        return row


def _ms(row: dict[str, Any], key: str) -> str:
    return f"{row[key] * 1000:.1f}" if key in row else "-"


def table(label: str, rows: list[dict[str, Any]]) -> str:
    head = (
        f"{label}\n{'messages':>9} {'search med':>10} {'worst':>8} {'launch':>7} "
        f"{'start()':>8} {'stall':>7} {'RSS MB':>7} {'DB MB':>7} {'index':>7}"
    )
    lines = [head]
    for r in rows:
        lines.append(
            f"{r['messages']:>9} {_ms(r, 'search_median_s'):>10} {_ms(r, 'search_worst_s'):>8} "
            f"{r['launch_s']:>7.2f} {_ms(r, 'start_s'):>8} {_ms(r, 'stall_s'):>7} "
            f"{r['rss_mb']:>7.0f} {r['db_mb']:>7.1f} {r['index_build_s']:>6.1f}s"
        )
    return "\n".join(lines)


def checks(rows: list[dict[str, Any]]) -> dict[str, bool]:
    """The issue's goals, as ratios within this run, at the biggest size measured."""
    empty = next(r for r in rows if r["messages"] == 0)
    sized = sorted((r for r in rows if r["messages"]), key=lambda r: r["messages"])
    big = sized[-1]
    base = sized[0] if len(sized) > 1 else empty
    return {
        "search_ok": big.get("search_worst_indexed_s", big["search_worst_s"]) <= 0.030,
        "launch_ok": big["launch_s"] <= 1.3 * empty["launch_s"],
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
    args = parser.parse_args()
    if args.compare:
        for path in args.compare:
            report = json.loads(path.read_text())
            print(table(report["label"], report["rows"]), "\n", report["checks"], "\n")
        return
    rows = []
    for size in [0] + [int(s) for s in args.sizes.split(",")]:
        rows.append(measure(size, args.repeats))
        print(json.dumps(rows[-1]), flush=True)
    report = {"label": args.label, "rows": rows, "checks": checks(rows), "goals": GOALS}
    print(table(args.label, rows), "\n", report["checks"])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
