"""Plain words for a failed write: is the disk full or the folder read-only, how much is free."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
MIN_FREE_BYTES = 50 << 20  # what Hearth asks to be freed at least


@dataclass(frozen=True, slots=True)
class WriteProblem:
    """Why a write failed, and what the person can do about it."""

    kind: str  # "disk_full" | "read_only" | "other"
    folder: Path
    free_bytes: int | None
    needed_bytes: int
    detail: str

    def advice(self) -> str:
        if self.kind == "disk_full":
            free = "" if self.free_bytes is None else f" ({human_size(self.free_bytes)} free)"
            return (
                f"The disk holding {self.folder} is full{free}. Free at least "
                f"{human_size(self.needed_bytes)} there, then try again."
            )
        if self.kind == "read_only":
            return (
                f"Hearth cannot write to {self.folder}. Make that folder writable, then try again."
            )
        return f"Writing to {self.folder} failed ({self.detail})."


def human_size(count: int) -> str:
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"  # pragma: no cover


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def kind_of(error: BaseException) -> str:
    """ "disk_full", "read_only" or "other" for an OSError or an sqlite3 error."""
    if isinstance(error, OSError):
        if error.errno in _FULL_ERRNOS:
            return "disk_full"
        return "read_only" if error.errno in _READ_ONLY_ERRNOS else "other"
    if isinstance(error, sqlite3.Error):
        text = str(error).lower()
        if "disk is full" in text or "disk full" in text:
            return "disk_full"
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return "read_only"
    return "other"


def describe(error: BaseException, folder: Path, *, file_bytes: int = 0) -> WriteProblem:
    """A WriteProblem for `error` raised while writing into `folder`."""
    needed = max(MIN_FREE_BYTES, file_bytes // 10)
    return WriteProblem(kind_of(error), folder, free_bytes(folder), needed, str(error))
