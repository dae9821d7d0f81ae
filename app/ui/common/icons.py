"""The application icon: resources/icons/hearth-<size>.png, from the source tree or a bundle.

In a PyInstaller bundle the icons lie under `<_MEIPASS>/resources/icons`; from a source
checkout under `<repo>/resources/icons`. A missing folder gives an empty icon, never an error.
"""

from __future__ import annotations

import sys
import weakref
from pathlib import Path
from typing import Any

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


# -- symbols: qtawesome's Material Design icons, coloured for the theme in force -------------
SYMBOLS = {
    "send": "mdi6.arrow-up",
    "stop": "mdi6.stop",
    "settings": "mdi6.cog-outline",
    "stats": "mdi6.chart-box-outline",
    "new_chat": "mdi6.square-edit-outline",
    "copy": "mdi6.content-copy",
    "edit": "mdi6.pencil-outline",
    "regenerate": "mdi6.refresh",
    "delete": "mdi6.delete-outline",
    "download": "mdi6.download-outline",
    "search": "mdi6.magnify",
    "rename": "mdi6.form-textbox",
    "export": "mdi6.export-variant",
    "model": "mdi6.cube-outline",
    "attach": "mdi6.paperclip",
    "documents": "mdi6.bookshelf",
    "close": "mdi6.close",
}
_bound: list[tuple[weakref.ref[Any], str, str]] = []  # (widget or action, symbol, tone)


def symbol(name: str, tone: str = "text") -> QIcon:
    """The icon for `name` (a key of SYMBOLS) in the palette colour `tone` (a Palette field)."""
    import qtawesome  # lazily: it loads its fonts on first use

    from app.ui.common.theme import current_palette

    palette = current_palette()
    color = getattr(palette, tone, palette.text)
    icon: QIcon = qtawesome.icon(SYMBOLS[name], color=color, color_disabled=palette.disabled_text)
    return icon


def set_symbol(target: Any, name: str, tone: str = "text") -> None:
    """`target.setIcon(symbol(...))` now and again whenever the theme changes."""
    target.setIcon(symbol(name, tone))
    _bound.append((weakref.ref(target), name, tone))


def refresh_symbols() -> None:
    """Re-colour every bound icon for the palette now in force (the theme notifier calls it)."""
    alive: list[tuple[weakref.ref[Any], str, str]] = []
    for ref, name, tone in _bound:
        target = ref()
        if target is None:
            continue
        try:
            target.setIcon(symbol(name, tone))
        except RuntimeError:  # the C++ object is gone
            continue
        alive.append((ref, name, tone))
    _bound[:] = alive
