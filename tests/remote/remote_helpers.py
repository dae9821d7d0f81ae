"""Small shared values of the remote-model tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import app
from app.engine.remote.client import Timeouts
from tests.values_factory import turn_stats

FAST = Timeouts(connect_s=2.0, read_s=1.0)  # "never answers" becomes an error in a second


def free_port() -> int:
    """A port nothing listens on (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ROOT = Path(app.__file__).resolve().parent.parent
LOCAL_KEYS = set(turn_stats().as_json())


def hearth_cli(*args: str, stdin: str = "Hello\n") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "app", "--cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def json_lines(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
