"""Text and times from foreign files, made safe to store.

Text is kept as text (HTML and scripts included: the transcript escapes them and nothing
is ever executed); control characters other than newline and tab are removed, and a
carriage return becomes a newline, so nothing invisible or terminal-steering is stored.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
_LINE_ENDS = re.compile(r"\r\n?")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may spell half a pair; SQLite refuses it


def clean_text(value: object) -> str:
    """A string with newlines normalised and control characters (except \\n, \\t) removed;
    a lone surrogate becomes U+FFFD; anything that is not a string gives ""."""
    if not isinstance(value, str):
        return ""
    if "\r" in value:
        value = _LINE_ENDS.sub("\n", value)
    value = _LONE_SURROGATE.sub("\ufffd", value)
    return _CONTROL.sub("", value)


def clean_title(value: object, fallback: str) -> str:
    title = " ".join(clean_text(value).split())
    return title[:300] or fallback


def seconds(value: Any) -> float | None:
    """Unix seconds from a number or an ISO 8601 string ("Z" accepted); None if absent or
    unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) and number >= 0 else None
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    return None
