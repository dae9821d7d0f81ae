"""What can go wrong opening or using the conversation store."""

from __future__ import annotations

from pathlib import Path

from app.disk import WriteProblem


class StoreError(Exception):
    """Base class for conversation-store failures."""


class SchemaTooNewError(StoreError):
    """The database was written by a newer Hearth; opening it would risk corrupting it."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"The conversation database {path} uses schema version {found}, but this version of "
            f"Hearth only understands up to version {supported}. It was written by a newer Hearth; "
            "update Hearth to open it. The file was left untouched."
        )
        self.path = path
        self.found = found
        self.supported = supported


class UnreadableDatabaseError(StoreError):
    """The file is not an SQLite database, or it is damaged beyond opening."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"Cannot open the conversation database {path}: {reason}")
        self.path = path
        self.reason = reason


class StoreWriteError(StoreError):
    """A write did not reach the disk (full disk, read-only folder, damaged file...).

    Nothing was changed: the caller keeps what it tried to write and may try again.
    """

    def __init__(self, problem: WriteProblem) -> None:
        super().__init__(f"Could not save: {problem.advice()}")
        self.problem = problem


class NotFoundError(StoreError, KeyError):
    """A conversation or message id that is not in the store."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""
