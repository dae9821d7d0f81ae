"""The download list on disk: downloads.json in the data dir, written atomically."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from app import paths
from app.atomic import write_text_atomic
from app.hub.downloads.download_values import DownloadItem, item_from_json, item_to_json

log = logging.getLogger(__name__)
FORMAT_VERSION = 1


def downloads_path() -> Path:
    return paths.data_dir() / "downloads.json"


def load_items(path: Path | None = None) -> list[DownloadItem]:
    """The saved list; a missing file is empty, a broken entry is skipped (and logged)."""
    path = path or downloads_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        log.warning("download list %s unreadable (%s); starting empty", path, error)
        return []
    items = []
    for entry in raw.get("downloads", []) if isinstance(raw, dict) else []:
        try:
            items.append(item_from_json(entry))
        except (KeyError, TypeError, ValueError) as error:
            log.warning("skipping a broken download entry (%s)", error)
    return items


def save_items(items: Iterable[DownloadItem], path: Path | None = None) -> None:
    data = {"version": FORMAT_VERSION, "downloads": [item_to_json(item) for item in items]}
    write_text_atomic(path or downloads_path(), json.dumps(data, indent=2))
