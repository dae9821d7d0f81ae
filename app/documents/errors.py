"""The one error extraction raises: the file cannot be read, with a kind and a sentence."""

from __future__ import annotations

from app.documents.values import Unreadable, UnreadableKind


class UnreadableFile(Exception):
    def __init__(self, kind: UnreadableKind, reason: str) -> None:
        super().__init__(reason)
        self.kind: UnreadableKind = kind
        self.reason = reason

    def describe(self, path: str) -> Unreadable:
        return Unreadable(path, self.kind, self.reason)
