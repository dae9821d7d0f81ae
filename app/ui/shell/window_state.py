"""Window size, splitter positions and panel visibility, remembered between runs.

A small JSON file next to the settings (saved atomically); a missing or broken file gives
the defaults.
"""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from app import paths
from app.atomic import write_text_atomic

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WindowState:
    geometry: bytes = b""
    splitter: bytes = b""
    stats_visible: bool = True


def window_state_path() -> Path:
    return paths.window_state_path()


def load_window_state(path: Path | None = None) -> WindowState:
    path = path or window_state_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
        return WindowState(
            geometry=base64.b64decode(raw.get("geometry", "")),
            splitter=base64.b64decode(raw.get("splitter", "")),
            stats_visible=bool(raw.get("stats_visible", True)),
        )
    except FileNotFoundError:
        return WindowState()
    except (OSError, ValueError, TypeError, AttributeError) as error:
        log.warning("window state %s unreadable (%s); using defaults", path, error)
        return WindowState()


def save_window_state(state: WindowState, path: Path | None = None) -> None:
    data = asdict(state)
    data["geometry"] = base64.b64encode(state.geometry).decode("ascii")
    data["splitter"] = base64.b64encode(state.splitter).decode("ascii")
    write_text_atomic(path or window_state_path(), json.dumps(data, indent=2))
