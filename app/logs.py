"""The log file, and the hooks that make sure no exception ends in stderr alone.

`setup_logging()` writes to `hearth.log` in the platformdirs log folder (rotating, 1 MB x 5).
`install_exception_hooks(show)` logs every uncaught exception (the main thread, Qt slots,
which PySide hands to sys.excepthook, and other threads) and passes a copyable report to
`show`, which must be safe to call from any thread.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from app import paths

LOG_NAME = "hearth.log"
MAX_BYTES = 1 << 20
BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
log = logging.getLogger("hearth.errors")
ReportSink = Callable[[str], None]


def log_path() -> Path:
    return paths.log_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to the rotating file (and stderr for warnings); None when the folder is unwritable."""
    root = logging.getLogger()
    root.setLevel(min(root.level or level, level))
    path = log_path()
    try:
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError as error:
        print(f"Hearth cannot write its log to {path}: {error}", file=sys.stderr)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.set_name("hearth-file")
    for old in [h for h in root.handlers if h.get_name() == "hearth-file"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    return path


def error_report(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> str:
    """A short text a person can copy into a bug report (no conversation content)."""
    from app import __version__

    lines = traceback.format_exception(kind, error, trace)
    head = (
        f"Hearth {__version__} · Python {platform.python_version()} · "
        f"{platform.system()} {platform.release()}"
    )
    return head + "\n\n" + "".join(lines).rstrip()


class ExceptionHooks:
    """Installed hooks; `uninstall()` puts the previous ones back (tests)."""

    def __init__(self, show: ReportSink) -> None:
        self._show = show
        self._old_sys = sys.excepthook
        self._old_thread = threading.excepthook
        self.count = 0

    def handle(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._old_sys(kind, error, trace)
            return
        self.count += 1
        log.error("uncaught exception", exc_info=(kind, error, trace))
        try:
            self._show(error_report(kind, error, trace))
        except Exception:  # the report is a courtesy: never raise from the hook
            log.exception("could not show the error report")

    def handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def uninstall(self) -> None:
        sys.excepthook = self._old_sys
        threading.excepthook = self._old_thread


def install_exception_hooks(show: ReportSink) -> ExceptionHooks:
    hooks = ExceptionHooks(show)
    sys.excepthook = hooks.handle
    threading.excepthook = hooks.handle_thread
    return hooks
