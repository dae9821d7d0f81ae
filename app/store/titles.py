"""A conversation's title, derived from its first user message."""

from __future__ import annotations

from app.store.records import DEFAULT_TITLE

TITLE_LIMIT = 48
ELLIPSIS = "…"


def derive_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """First non-blank line, whitespace collapsed, cut at a word boundary to at most ``limit``
    characters (ellipsis included); empty text gives "New chat"."""
    line = next((" ".join(raw.split()) for raw in text.splitlines() if raw.strip()), "")
    if not line:
        return DEFAULT_TITLE
    if len(line) <= limit:
        return line
    window = line[:limit]  # the character at limit-1 is dropped for the ellipsis
    space = window.rfind(" ")
    head = window[:space] if space >= limit // 2 else window[: limit - 1]
    return (head.rstrip(" ,.;:-–—") or head) + ELLIPSIS
