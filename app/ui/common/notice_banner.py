"""A one-line banner above the transcript: what happened, and a link to the folder.

Used for start-up news (a recovered database, reset settings), for writes the disk refused
(what failed and what to do) and for chats kept in memory only. Links open only on click.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

_COLORS = {"info": "#2d6cdf", "warning": "#b7791f", "error": "#c53030"}


class NoticeBanner(QFrame):
    folder_requested = Signal(str)  # a link to a folder was clicked (it is also opened)
    opener: Callable[[QUrl], object] = staticmethod(QDesktopServices.openUrl)  # tests replace it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self)
        self.label.setObjectName("notice_text")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.label.setOpenExternalLinks(False)
        self.label.linkActivated.connect(self._on_label_link_activated)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("notice_close")
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Dismiss")
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._lines: dict[str, tuple[str, str | None, str]] = {}
        self.hide()

    @property
    def text(self) -> str:
        """The banner as plain text (tests and screen readers)."""
        return "\n".join(line for line, _folder, _kind in self._lines.values())

    def show_notice(
        self, key: str, text: str, folder: Path | str | None = None, kind: str = "info"
    ) -> None:
        """Show (or replace) the line named `key`; `folder` adds an "Open folder" link."""
        self._lines[key] = (text, str(folder) if folder else None, kind)
        self._render()

    def clear_notice(self, key: str) -> None:
        if self._lines.pop(key, None) is not None:
            self._render()

    def dismiss(self) -> None:
        self._lines.clear()
        self._render()

    def _render(self) -> None:
        parts = []
        for text, folder, kind in self._lines.values():
            color = _COLORS.get(kind, _COLORS["info"])
            line = f'<span style="color:{color}">●</span> {html.escape(text)}'
            if folder:
                url = QUrl.fromLocalFile(folder).toString()
                line += f' <a href="{html.escape(url)}">Open folder</a>'
            parts.append(line)
        self.label.setText("<br>".join(parts))
        self.setVisible(bool(parts))

    def _on_label_link_activated(self, link: str) -> None:
        url = QUrl(link)
        if url.isLocalFile():
            self.folder_requested.emit(url.toLocalFile())
            self.opener(url)
