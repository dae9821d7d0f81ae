"""The application icon: resources/icons/hearth-<size>.png, from the source tree or a bundle.

In a PyInstaller bundle the icons lie under `<_MEIPASS>/resources/icons`; from a source
checkout under `<repo>/resources/icons`. A missing folder gives an empty icon, never an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def icons_dir() -> Path | None:
    """The folder holding the icon files, or None when this install has none."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    base = Path(bundle_root) if bundle_root else Path(__file__).resolve().parents[3]
    folder = base / "resources" / "icons"
    return folder if folder.is_dir() else None


def app_icon() -> QIcon:
    """Hearth's icon in every size there is a PNG for (empty when none is installed)."""
    icon = QIcon()
    folder = icons_dir()
    if folder is None:
        return icon
    for size in ICON_SIZES:
        file = folder / f"hearth-{size}.png"
        if file.is_file():
            icon.addFile(str(file), QSize(size, size))
    return icon


def action_icon(theme: QIcon.ThemeIcon, fallback: QStyle.StandardPixmap) -> QIcon:
    """The desktop theme's icon for an action, else the Qt style's own (never empty)."""
    icon = QIcon.fromTheme(theme)
    if icon.isNull():
        icon = QApplication.style().standardIcon(fallback)
    return icon
