"""The fault suite's summary: one row per case (and per referenced core test) at the end.

Each case may attach numbers with pytest's `record_property` (name, value); they show in the
table's last column. Cases covered elsewhere are listed in REFERENCED and shown with their
real result from the same run (or "not run" when that file was not part of it).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Core tests that already cover a fault-suite case: node id prefix -> what they cover.
REFERENCED: dict[str, str] = {
    "tests/core/test_engine_kv_restore.py::test_damaged_or_foreign_state_is_ignored": (
        "KV state truncated / corrupted / other settings: ignored, history re-evaluated"
    ),
    "tests/core/test_engine_bad_models.py::": "bad model files at engine level",
    "tests/core/test_store_crash.py::test_hard_exit_without_close": (
        "hard exit without close: nothing saved is lost"
    ),
    "tests/core/test_store_recovery.py::": "damaged database at store level: kept, rows salvaged",
    "tests/core/test_store_disk_full.py::": "full disk at session level: not sent, kept, retried",
    "tests/core/test_state_files.py::": "hand-edited settings and drafts: field by field",
}

_ORDER = {"failed": 0, "error": 1, "passed": 2, "skipped": 3, "xfailed": 4, "xpassed": 5}


def _is_listed(nodeid: str) -> bool:
    return nodeid.startswith("tests/faults/") or any(nodeid.startswith(p) for p in REFERENCED)


def _case_name(nodeid: str) -> str:
    if nodeid.startswith("tests/faults/"):
        return nodeid.removeprefix("tests/faults/").replace(".py::", ": ")
    return "(core) " + nodeid.removeprefix("tests/").replace(".py::", ": ")


def _result_of(report: Any) -> str | None:
    if report.failed:
        return "failed" if report.when == "call" else "error"
    if report.skipped:
        return "xfailed" if hasattr(report, "wasxfail") else "skipped"
    return "passed" if report.when == "call" else None


def _results(reports: Iterable[Any]) -> dict[str, tuple[str, str]]:
    """nodeid -> (worst result over its phases, details). A failing teardown is an error."""
    rows: dict[str, tuple[str, str]] = {}
    for report in reports:
        nodeid = getattr(report, "nodeid", "")
        if not nodeid or getattr(report, "when", None) is None or not _is_listed(nodeid):
            continue
        result = _result_of(report)
        if result is None:
            continue
        props = getattr(report, "user_properties", [])
        details = "; ".join(f"{k}={v}" for k, v in props).replace("|", "\\|")
        old_result, old_details = rows.get(nodeid, (result, ""))
        worst = min(result, old_result, key=_ORDER.__getitem__)
        rows[nodeid] = (worst, details or old_details)
    return rows


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    reports = [r for group in terminalreporter.stats.values() for r in group]
    rows = _results(reports)
    if not any(nodeid.startswith("tests/faults/") for nodeid in rows):
        return
    terminalreporter.write_sep("=", "fault suite summary")
    terminalreporter.write_line("| case | result | details |")
    terminalreporter.write_line("|---|---|---|")
    for nodeid in sorted(rows, key=lambda n: (not n.startswith("tests/faults/"), n)):
        result, details = rows[nodeid]
        terminalreporter.write_line(f"| {_case_name(nodeid)} | {result} | {details} |")
    for prefix, what in REFERENCED.items():
        if not any(nodeid.startswith(prefix) for nodeid in rows):
            terminalreporter.write_line(f"| (core) {prefix} ({what}) | not run | |")
    counts = {r for r, _ in rows.values()}
    summary = ", ".join(
        f"{sum(1 for r, _ in rows.values() if r == name)} {name}"
        for name in sorted(counts, key=_ORDER.__getitem__)
    )
    terminalreporter.write_line(f"fault suite: {len(rows)} cases: {summary}")


# -- running the real app in a subprocess ----------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent.parent


class Driver:
    """`python -m tests.faults.startup_driver` (or any `-m` module) with its JSON events."""

    def __init__(self, home: Path, module: str, *args: str) -> None:
        env = {**os.environ, "HEARTH_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
        env["PYTHONPATH"] = str(ROOT)
        self.stderr_path = home.parent / f"stderr-{module}-{time.monotonic_ns()}.txt"
        self._stderr = self.stderr_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self.seen: list[dict[str, Any]] = []
        self._events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self._events.put(json.loads(line))
        self._events.put(None)

    def until(self, name: str, timeout: float = 180.0) -> dict[str, Any]:
        """The next event called `name` (fails on exit first or after `timeout` s)."""
        deadline = time.monotonic() + timeout
        while True:
            event = self._events.get(timeout=max(0.1, deadline - time.monotonic()))
            if event is None:
                raise AssertionError(f"exited before {name!r}; saw {self.seen}; {self.stderr()}")
            self.seen.append(event)
            if event["ev"] == name:
                return event

    def wait(self, timeout: float = 60.0) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._stderr.close()
        return code

    def stderr(self) -> str:
        return self.stderr_path.read_text("utf-8", "replace")[-3000:]


@pytest.fixture
def start_driver() -> Iterator[Callable[..., Driver]]:
    """start_driver(home, module, *args) -> Driver; killed at the end if still running."""
    started: list[Driver] = []

    def start(home: Path, module: str, *args: str) -> Driver:
        driver = Driver(home, module, *args)
        started.append(driver)
        return driver

    yield start
    for driver in started:
        if driver.proc.poll() is None:
            driver.proc.kill()
        if not driver._stderr.closed:
            driver.wait()
