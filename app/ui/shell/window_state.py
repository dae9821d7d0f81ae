"""Window size, splitter positions and panel visibility, remembered between runs.

A small JSON file next to the settings (saved atomically). It is read field by field: a bad
field falls back to its default and is named in the report, the original is kept as a backup.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app import paths
from app.atomic import write_text_atomic
from app.state_check import StateReport, backup, missing, read_json

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WindowState:
    geometry: bytes = b""
    splitter: bytes = b""
    stats_visible: bool = True


def window_state_path() -> Path:
    return paths.window_state_path()


def _blob(value: Any) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _fields(raw: Any) -> tuple[dict[str, Any], list[str]]:
    data = raw if isinstance(raw, dict) else {}
    good: dict[str, Any] = {}
    bad: list[str] = [] if isinstance(raw, dict) else ["window state"]
    for name in ("geometry", "splitter"):
        if name in data:
            blob = _blob(data[name])
            if blob is None:
                bad.append(name)
            else:
                good[name] = blob
    if "stats_visible" in data:
        if isinstance(data["stats_visible"], bool):
            good["stats_visible"] = data["stats_visible"]
        else:
            bad.append("stats_visible")
    return good, bad


def read_window_state(path: Path | None = None) -> tuple[WindowState, StateReport]:
    path = path or window_state_path()
    raw, unreadable = read_json(path)
    if missing(raw):
        if unreadable is not None:
            log.warning("window state %s unreadable (%s); using defaults", path, unreadable)
            return WindowState(), StateReport(path, unreadable=unreadable, backup=backup(path))
        return WindowState(), StateReport(path)
    good, bad = _fields(raw)
    if not bad:
        return WindowState(**good), StateReport(path)
    log.warning("window state %s: reset invalid fields %s", path, ", ".join(bad))
    return WindowState(**good), StateReport(path, tuple(bad), backup=backup(path))


def load_window_state(path: Path | None = None) -> WindowState:
    return read_window_state(path)[0]


def save_window_state(state: WindowState, path: Path | None = None) -> None:
    data = asdict(state)
    data["geometry"] = base64.b64encode(state.geometry).decode("ascii")
    data["splitter"] = base64.b64encode(state.splitter).decode("ascii")
    write_text_atomic(path or window_state_path(), json.dumps(data, indent=2))
