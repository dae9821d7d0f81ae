"""Unsent text per conversation, kept across switching conversations and restarts.

One small JSON file in the data folder ({conversation id: text}), written atomically when a
draft changes hands (switching, closing). A broken file or entry costs only that entry.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from app import paths
from app.atomic import write_text_atomic
from app.state_check import StateReport, backup, missing, read_json

log = logging.getLogger(__name__)


def drafts_path() -> Path:
    return paths.data_dir() / "drafts.json"


class DraftBook:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or drafts_path()
        self._drafts: dict[str, str] = {}
        self.report = self._load()

    def _load(self) -> StateReport:
        raw, unreadable = read_json(self.path)
        if missing(raw):
            kept = backup(self.path) if unreadable else None
            return StateReport(self.path, unreadable=unreadable, backup=kept)
        entries = raw.get("drafts") if isinstance(raw, dict) else None
        bad = [] if isinstance(entries, dict) else ["drafts"]
        for key, text in (entries or {}).items() if isinstance(entries, dict) else ():
            if isinstance(key, str) and isinstance(text, str):
                self._drafts[key] = text
            else:
                bad.append(f"drafts.{key}")
        return StateReport(self.path, tuple(bad), backup=backup(self.path) if bad else None)

    def get(self, conversation_id: str | None) -> str:
        return self._drafts.get(conversation_id or "", "")

    def put(self, conversation_id: str | None, text: str) -> None:
        key = conversation_id or ""
        if text.strip():
            self._drafts[key] = text
        else:
            self._drafts.pop(key, None)

    def save(self) -> OSError | None:
        """Write the file; the error (logged, drafts kept in memory) when that fails."""
        try:
            write_text_atomic(self.path, json.dumps({"version": 1, "drafts": self._drafts}))
        except OSError as error:
            log.warning("could not save drafts to %s: %s", self.path, error)
            return error
        return None
