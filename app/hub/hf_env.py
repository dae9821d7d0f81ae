"""huggingface_hub set-up: offline and no telemetry everywhere, online only inside `online()`.

huggingface_hub reads HF_HUB_OFFLINE, HF_ENDPOINT, HF_HOME ... once, at import time, into
`huggingface_hub.constants`. Every request it makes passes a hook that asks
`constants.is_offline_mode()`. So Hearth:

* sets HF_HUB_OFFLINE=1 and HF_HUB_DISABLE_TELEMETRY=1 before the library is imported,
* replaces `constants.is_offline_mode` with a check of a context variable that only
  `online()` turns on; the download dialog's worker threads call the Hub inside it, and any
  other thread (or code path) stays offline even while a download runs (a context variable
  starts unset in every new thread),
* reads HF_ENDPOINT / HF_HOME / HF_HUB_CACHE at call time and passes them explicitly, so
  changing them (tests do, per test) takes effect without re-importing the library.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType

DEFAULT_ENDPOINT = "https://huggingface.co"
DOWNLOAD_CHUNK_BYTES = 256 * 1024  # progress and cancel granularity of a download

# Set inside `online()`: the cancel flag of the work in progress (None: offline).
_online: ContextVar[threading.Event | None] = ContextVar("hearth_hub_online", default=None)
_setup_lock = threading.Lock()
_patched = False


def configure_environment() -> None:
    """Call before anything imports huggingface_hub (app start-up does; idempotent)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")


def _is_offline_mode() -> bool:
    permit = _online.get()
    return permit is None or permit.is_set()


def hub_library() -> ModuleType:
    """Import huggingface_hub (lazily) with Hearth's offline rule installed."""
    global _patched
    if not _patched:
        configure_environment()
        with _setup_lock:
            if not _patched:
                from huggingface_hub import constants

                constants.is_offline_mode = _is_offline_mode
                constants.HF_HUB_OFFLINE = True
                constants.HF_HUB_DISABLE_TELEMETRY = True
                constants.DOWNLOAD_CHUNK_SIZE = DOWNLOAD_CHUNK_BYTES
                _patched = True
    import huggingface_hub

    return huggingface_hub


@contextmanager
def online(cancel: threading.Event | None = None) -> Iterator[None]:
    """Allow Hub requests made by this thread (context) until the block ends.

    Once `cancel` is set, the next request (a retry after a stall, say) is refused with
    huggingface_hub's OfflineModeIsEnabled, which ends the work promptly.
    """
    hub_library()
    token = _online.set(cancel or threading.Event())
    try:
        yield
    finally:
        _online.reset(token)


def is_online() -> bool:
    return not _is_offline_mode()


def hub_endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def hf_home() -> Path:
    home = os.environ.get("HF_HOME")
    if home:
        return Path(os.path.expandvars(home)).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache).expanduser() / "huggingface"


def hf_hub_cache_dir() -> Path:
    """Where huggingface_hub keeps downloaded repos, honouring HF_HUB_CACHE and HF_HOME now."""
    explicit = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if explicit:
        return Path(os.path.expandvars(explicit)).expanduser()
    return hf_home() / "hub"
