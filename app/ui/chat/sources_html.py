"""The sources a reply used, listed under it: "Sources: [1] notes.md — Setup · [2] …".

Each is a `hearth:source/<message id>` link; clicking one opens the sources dialog (the
passages, and Open file). An attachment list is shown under the person's message."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from app.documents.values import DOCUMENT_SOURCES
from app.store import StoredMessage
from app.ui.common.theme import TranscriptColors

SOURCE_ACTION = "source"


def _name(entry: dict[str, object]) -> str:
    location = str(entry.get("location") or "")
    name = Path(str(entry.get("file", ""))).name
    return f"{name} — {location}" if location else name


def document_sources(message: StoredMessage | None) -> list[dict[str, Any]]:
    """The passages a reply used (its stats' "document_sources"), [] for any other message."""
    if message is None or message.role != "assistant":
        return []
    found = (message.stats or {}).get(DOCUMENT_SOURCES)
    if not isinstance(found, list):
        return []
    return [entry for entry in found if isinstance(entry, dict) and "file" in entry]


def sources_inline_html(message: StoredMessage, colors: TranscriptColors) -> str:
    """Inline HTML ending in a line break (it goes before the footer's actions, which are
    replaced in place), or "" when the message used no documents."""
    stats = message.stats or {}
    if message.role == "user" and stats.get("attachments"):
        names = ", ".join(
            html.escape(Path(str(a.get("file", ""))).name) for a in stats["attachments"]
        )
        return f'<span style="color:{colors.muted};font-size:small;">📎 {names}</span><br>'
    sources = document_sources(message)
    if not sources:
        return ""
    link = f"hearth:{SOURCE_ACTION}/{message.id}"
    items = [
        f'<a href="{link}" style="color:{colors.link};">[{n}] {html.escape(_name(entry))}</a>'
        for n, entry in enumerate(sources, 1)
    ]
    return (
        f'<span style="font-size:small;color:{colors.muted};">Sources: '
        + " &nbsp;·&nbsp; ".join(items)
        + "</span><br>"
    )
