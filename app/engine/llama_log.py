"""Capture llama.cpp's own log lines, which hold the real reason a model failed to load.

llama-cpp-python only raises "Failed to load model from file"; llama.cpp logs *why*
(unknown architecture, truncated tensor data, bad magic...). We replace the bindings' log
callback with one that keeps recent lines in memory and forwards them to `logging`.
"""

from __future__ import annotations

import ctypes
import logging
import re
import threading
from collections import deque
from typing import Any

log = logging.getLogger("llama.cpp")
log.addHandler(logging.NullHandler())  # quiet unless the app configures logging

# ggml_log_level: NONE 0, DEBUG 1, INFO 2, WARN 3, ERROR 4, CONT 5 (continues the last line)
ERROR_LEVEL = 4
_CONTINUE = 5
_LEVELS = {
    0: logging.CRITICAL,
    1: logging.DEBUG,
    2: logging.INFO,
    3: logging.WARNING,
    4: logging.ERROR,
}


class LlamaLogCapture:
    """Installed once per process; `recent()` returns lines since the last `mark()`."""

    _instance: LlamaLogCapture | None = None
    _guard = threading.Lock()

    def __init__(self) -> None:
        import llama_cpp

        self._lines: deque[tuple[int, str]] = deque(maxlen=400)
        self._partial = ""
        self._last_level = 2
        self._lock = threading.Lock()

        @llama_cpp.llama_log_callback  # type: ignore[untyped-decorator]
        def _callback(level: int, text: bytes, _user: Any) -> None:
            self._on_text(level, text.decode("utf-8", errors="replace"))

        self._callback = _callback  # keep a reference: ctypes must not free it
        llama_cpp.llama_log_set(_callback, ctypes.c_void_p(0))

    @classmethod
    def install(cls) -> LlamaLogCapture:
        with cls._guard:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _on_text(self, level: int, text: str) -> None:
        with self._lock:
            if level == _CONTINUE:
                level = self._last_level
            self._last_level = level
            self._partial += text
            while "\n" in self._partial:
                line, self._partial = self._partial.split("\n", 1)
                if line.strip():
                    self._lines.append((level, line.strip()))
                    log.log(_LEVELS.get(level, logging.DEBUG), "%s", line.strip())

    def mark(self) -> None:
        with self._lock:
            self._lines.clear()
            self._partial = ""

    def recent(self) -> list[tuple[int, str]]:
        with self._lock:
            lines = list(self._lines)
            if self._partial.strip():
                lines.append((self._last_level, self._partial.strip()))
            return lines


_PREFIX = re.compile(
    r"^(llama_model_load|llama_load_model_from_file|gguf_init_from_file\w*|"
    r"llama_model_load_from_file\w*|load_tensors|llama_init_from_model|"
    r"\w+):\s*"
)


_GENERIC = ("failed to load model", "error loading model:", "failed to load model from")
_DAMAGED = (
    "failed to read",
    "not within the file bounds",
    "truncated",
    "unexpected end",
    "invalid",
    "failed to load model from",
)


def failure_reason(lines: list[tuple[int, str]]) -> str | None:
    """The most telling line of a failed load, without llama.cpp's function prefixes."""
    errors = [
        _PREFIX.sub("", line)
        for level, line in lines
        if level == ERROR_LEVEL or "error" in line.lower() or "failed" in line.lower()
    ]
    specific = [line for line in errors if not _is_generic(line)]
    if not errors:
        return None
    reason = (specific or errors)[0]
    reason = reason.replace("error loading model architecture: ", "")
    reason = reason.replace("error loading model: ", "")
    if "unknown model architecture" in reason:
        return f"{reason}: this build of llama.cpp does not support that model type"
    if any(word in reason.lower() for word in _DAMAGED):
        return f"the file is truncated or damaged ({reason})"
    return reason


def _is_generic(line: str) -> bool:
    lowered = line.lower()
    return lowered.endswith("failed to load model") or "failed to load model from" in lowered
