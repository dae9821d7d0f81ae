"""Child processes in sandbox folders (home, user-home, tmp, cwd under a test's tmp_path),
for the privacy audits: a clean environment, HOME and the working directory empty."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import app

ROOT = Path(app.__file__).resolve().parent.parent
FOLDERS = ("home", "user-home", "tmp", "cwd")


def sandbox_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "HF_", "HEARTH_"))}
    return env | {
        "HEARTH_HOME": str(tmp_path / "home"),
        "HOME": str(tmp_path / "user-home"),
        "TMPDIR": str(tmp_path / "tmp"),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "QT_QPA_PLATFORM": "offscreen",
    }


def run_child(tmp_path: Path, module: str, *args: str) -> list[dict[str, Any]]:
    """Run `python -m module args` in the sandbox folders; its JSON lines."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=tmp_path / "cwd",
        env=sandbox_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
