"""PromptTokensView: the rendered prompt, split into its tokens (alternating shades)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QTextBrowser, QWidget

MAX_PIECES = 20_000  # beyond this the view shows the count and the last pieces only
SHADES = ("rgba(47, 129, 247, 0.22)", "rgba(217, 130, 43, 0.22)")


def piece_html(piece: str) -> str:
    """One token as HTML: spaces, tabs and newlines made visible."""
    text = html.escape(piece).replace(" ", "·").replace("\t", "→")
    return text.replace("\n", "↵<br>")


def pieces_html(pieces: Sequence[str]) -> str:
    shown = list(pieces[-MAX_PIECES:])
    skipped = len(pieces) - len(shown)
    spans = [
        f'<span style="background-color: {SHADES[i % 2]};">{piece_html(p)}</span>'
        for i, p in enumerate(shown, start=skipped)
    ]
    head = f"<p><i>… {skipped:,} earlier tokens not shown</i></p>" if skipped else ""
    return f"{head}<p>{''.join(spans)}</p>"


class PromptTokensView(QTextBrowser):
    """objectName "insp_tokens". Read-only; one coloured span per token."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("insp_tokens")
        self.setAccessibleName("Prompt tokens")
        self.setToolTip(
            "The prompt exactly as the model reads it, each shaded block one token (·=space)."
        )
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setMinimumHeight(120)
        self._pieces: tuple[str, ...] = ()

    def pieces(self) -> tuple[str, ...]:
        return self._pieces

    def set_pieces(self, pieces: Sequence[str]) -> None:
        self._pieces = tuple(pieces)
        self.setHtml(pieces_html(self._pieces))
