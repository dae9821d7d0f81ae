"""Check a downloaded file: its SHA-256 against the Hub's LFS hash, and a readable GGUF header.
A file that fails is deleted, and the error says why."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

from app.hub.local.gguf_header import GgufFormatError, read_gguf_metadata
from app.hub.remote.hub_errors import DownloadCancelledError, VerificationError

_BLOCK = 1 << 20


def sha256_of(path: Path, cancel: threading.Event | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            if cancel is not None and cancel.is_set():
                raise DownloadCancelledError()
            digest.update(block)
    return digest.hexdigest()


def verify_file(
    path: Path,
    expected_sha256: str | None,
    display_name: str,
    cancel: threading.Event | None = None,
    hasher: Callable[[Path, threading.Event | None], str] = sha256_of,
) -> None:
    """Raise VerificationError (after deleting `path`) unless the file is the published one."""
    if not expected_sha256:
        path.unlink(missing_ok=True)
        raise VerificationError(
            f"{display_name}: the Hub publishes no SHA-256 for this file, so it cannot be "
            "verified. It was not kept."
        )
    actual = hasher(path, cancel)
    if actual.lower() != expected_sha256.lower():
        path.unlink(missing_ok=True)
        raise VerificationError(
            f"{display_name} failed verification: its SHA-256 is {actual[:12]}…, but the Hub "
            f"publishes {expected_sha256[:12]}…. The file was damaged on the way and has been "
            "deleted; press Resume to download it again."
        )
    try:
        read_gguf_metadata(path)
    except GgufFormatError as error:
        path.unlink(missing_ok=True)
        raise VerificationError(
            f"{display_name} is not a usable GGUF file ({error.reason}); it has been deleted."
        ) from error
