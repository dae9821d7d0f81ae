"""The download list on disk: downloads.json in the data dir, written atomically."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app import paths
from app.atomic import write_text_atomic
from app.hub.downloads.download_values import DownloadItem, item_from_json, item_to_json
from app.state_check import StateReport, backup, missing, read_json

log = logging.getLogger(__name__)
FORMAT_VERSION = 1


def downloads_path() -> Path:
    return paths.data_dir() / "downloads.json"


# Optional fields of an entry and what a hand-edited value must be to be kept.
_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "quantization": (str, type(None)),
    "parameter_count": (int, type(None)),
    "state": str,
    "downloaded_bytes": int,
    "message": (str, type(None)),
    "path": (str, type(None)),
}


def _clean_entry(entry: Any, index: int) -> tuple[DownloadItem | None, list[str]]:
    """The entry with bad optional fields dropped (defaults), or None when it is unusable."""
    name = f"downloads[{index}]"
    if not isinstance(entry, dict):
        return None, [name]
    data, bad = dict(entry), []
    for key, kinds in _OPTIONAL.items():
        value = data.get(key)
        wrong = isinstance(value, bool) or not isinstance(value, kinds)
        negative = isinstance(value, int) and value < 0
        if key in data and (wrong or negative):
            del data[key]
            bad.append(f"{name}.{key}")
    try:
        return item_from_json(data), bad
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        log.warning("skipping a broken download entry (%s)", error)
        return None, [name]


def read_items(path: Path | None = None) -> tuple[list[DownloadItem], StateReport]:
    """The saved list, entry by entry and field by field; the report names what was reset."""
    path = path or downloads_path()
    raw, unreadable = read_json(path)
    if missing(raw):
        if unreadable is not None:
            log.warning("download list %s unreadable (%s); starting empty", path, unreadable)
            return [], StateReport(path, unreadable=unreadable, backup=backup(path))
        return [], StateReport(path)
    entries = raw.get("downloads") if isinstance(raw, dict) else None
    items: list[DownloadItem] = []
    bad: list[str] = [] if isinstance(entries, list) else ["downloads"]
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        item, wrong = _clean_entry(entry, index)
        bad += wrong
        if item is not None:
            items.append(item)
    if not bad:
        return items, StateReport(path)
    log.warning("download list %s: reset %s", path, ", ".join(bad))
    return items, StateReport(path, tuple(bad), backup=backup(path))


def load_items(path: Path | None = None) -> list[DownloadItem]:
    """The saved list; a missing file is empty, a broken entry or field costs only itself."""
    return read_items(path)[0]


def save_items(items: Iterable[DownloadItem], path: Path | None = None) -> None:
    data = {"version": FORMAT_VERSION, "downloads": [item_to_json(item) for item in items]}
    write_text_atomic(path or downloads_path(), json.dumps(data, indent=2))
