"""Where Hearth keeps its files (platformdirs), overridable as one root for tests.

Set ``HEARTH_HOME`` to put every directory under one folder (tests do; so can portable
installs). Nothing else in the app builds a user-data path by hand.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "Hearth"
_DIRS = PlatformDirs(APP_NAME, appauthor=False)
log = logging.getLogger(__name__)


def _root() -> Path | None:
    home = os.environ.get("HEARTH_HOME")
    return Path(home) if home else None


def _ensure(path: Path) -> Path:
    """Create the folder if it can be; one that cannot is reported when it is written to."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning("cannot create %s (%s)", path, error)
    return path


def data_dir() -> Path:
    """Conversations database and downloads list."""
    root = _root()
    return _ensure(root / "data" if root else Path(_DIRS.user_data_dir))


def config_dir() -> Path:
    """Settings."""
    root = _root()
    return _ensure(root / "config" if root else Path(_DIRS.user_config_dir))


def cache_dir() -> Path:
    """KV-state snapshots and other things that can be rebuilt."""
    root = _root()
    return _ensure(root / "cache" if root else Path(_DIRS.user_cache_dir))


def models_dir() -> Path:
    """GGUF files the user downloaded through Hearth or dropped in by hand."""
    return _ensure(data_dir() / "models")


def kv_state_dir() -> Path:
    return _ensure(cache_dir() / "kv-states")


def database_path() -> Path:
    return data_dir() / "conversations.sqlite3"


def settings_path() -> Path:
    return config_dir() / "settings.json"


def window_state_path() -> Path:
    return config_dir() / "window-state.json"


def log_dir() -> Path:
    root = _root()
    return _ensure(root / "logs" if root else Path(_DIRS.user_log_dir))
