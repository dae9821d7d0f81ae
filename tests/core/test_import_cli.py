"""`hearth --import FILE [--json]`: one JSON line on success, a one-line error and a
non-zero exit on a bad file, nothing imported twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.paths import database_path
from app.store import ChatStore
from tests.core.transfer_samples import chatgpt_export, write_json

ROOT = Path(__file__).resolve().parents[2]


def _hearth(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HEARTH_HOME=str(home), PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env,
        timeout=60, cwd=ROOT,
    )  # fmt: skip


def test_import_json_line_then_already_imported_then_bad_file(
    tmp_path: Path, hearth_home: Path
) -> None:
    source = write_json(tmp_path / "conversations.json", chatgpt_export())
    done = _hearth("--import", str(source), "--json", home=hearth_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert json.loads(done.stdout) == {
        "conversations": 2,
        "messages": 11,
        "branches": 1,
        "skipped": ["1 hidden message", "1 empty message"],
    }
    again = _hearth("--import", str(source), home=hearth_home)
    assert again.returncode == 0
    assert again.stdout == ("Nothing new to import (skipped: 2 conversations already imported).\n")
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "an export"}', encoding="utf-8")
    refused = _hearth("--import", str(bad), "--json", home=hearth_home)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("error: bad.json: item 1 is not a ChatGPT")
    assert refused.stderr.count("\n") == 1
    with ChatStore(database_path()) as store:  # the same HEARTH_HOME as the subprocess
        assert store.count_conversations() == 2
