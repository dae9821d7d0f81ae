"""Light and dark follow the system; a few palette-aware colours for the transcript.

`apply_system_theme(app)` once at start-up. It reads `QStyleHints.colorScheme()`, and when
the style's palette does not match the system (a dark desktop, a light Fusion palette) it
sets a dark Fusion palette; it reacts to `colorSchemeChanged` while running. Widgets that
paint their own colours listen to `theme_notifier(app).changed` (emitted after the palette
is in place) and ask `is_dark()` / `transcript_colors()` / `code_style_for()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

WARNING_COLOR = "#d9822b"  # context meter near full; readable on light and dark
ERROR_COLOR = "#d64545"

_STYLES_WITHOUT_DARK = {"windows", "windowsvista"}


@dataclass(frozen=True, slots=True)
class TranscriptColors:
    """Colours the transcript uses in its HTML/CSS, matched to light or dark."""

    text: str
    muted: str
    link: str
    user_background: str
    assistant_background: str
    code_background: str
    border: str
    notice_background: str
    notice_text: str
    warning: str
    error: str


LIGHT_COLORS = TranscriptColors(
    text="#1f2328",
    muted="#656d76",
    link="#0969da",
    user_background="#eef3fb",
    assistant_background="#ffffff",
    code_background="#f6f8fa",
    border="#d0d7de",
    notice_background="#fff8c5",
    notice_text="#6a5300",
    warning=WARNING_COLOR,
    error=ERROR_COLOR,
)
DARK_COLORS = TranscriptColors(
    text="#e6edf3",
    muted="#8d96a0",
    link="#58a6ff",
    user_background="#1c2a3a",
    assistant_background="#0d1117",
    code_background="#161b22",
    border="#30363d",
    notice_background="#3b2e0a",
    notice_text="#e3b341",
    warning=WARNING_COLOR,
    error=ERROR_COLOR,
)


def _wants_dark(scheme: Qt.ColorScheme | bool) -> bool:
    if isinstance(scheme, bool):
        return scheme
    return scheme == Qt.ColorScheme.Dark


def code_style_for(scheme: Qt.ColorScheme | bool) -> str:
    """The Pygments style name for code blocks (both ship with every Pygments)."""
    return "monokai" if _wants_dark(scheme) else "default"


def transcript_colors(scheme: Qt.ColorScheme | bool) -> TranscriptColors:
    return DARK_COLORS if _wants_dark(scheme) else LIGHT_COLORS


def palette_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def is_dark(app: QGuiApplication | None = None) -> bool:
    """True when the system asks for dark, or (scheme unknown) the palette is dark."""
    app = app or QGuiApplication.instance()  # type: ignore[assignment]
    if app is None:
        return False
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Unknown:
        return palette_is_dark(app.palette())
    return scheme == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    """A Fusion-friendly dark palette (used only when the platform gives no dark one)."""
    palette = QPalette()
    roles = QPalette.ColorRole
    colors = {
        roles.Window: "#202124",
        roles.WindowText: "#e8eaed",
        roles.Base: "#17181a",
        roles.AlternateBase: "#26282b",
        roles.ToolTipBase: "#2d2f33",
        roles.ToolTipText: "#e8eaed",
        roles.PlaceholderText: "#8d96a0",
        roles.Text: "#e8eaed",
        roles.Button: "#2d2f33",
        roles.ButtonText: "#e8eaed",
        roles.BrightText: "#ff6b6b",
        roles.Link: "#58a6ff",
        roles.Highlight: "#2f6fce",
        roles.HighlightedText: "#ffffff",
        roles.Light: "#3c3f44",
        roles.Midlight: "#33363a",
        roles.Mid: "#2a2c30",
        roles.Dark: "#141517",
        roles.Shadow: "#000000",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#6e7379"))
    palette.setColor(disabled, roles.Highlight, QColor("#3c3f44"))
    return palette


class ThemeNotifier(QObject):
    """Applies the palette for a colour scheme and announces the change."""

    changed = Signal(bool)  # dark?

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("theme_notifier")
        self._app = app
        self._saved_palette: QPalette | None = None  # the light palette we replaced

    def apply(self, scheme: Qt.ColorScheme) -> None:
        """Make the palette match `scheme`, then emit `changed(is_dark)`."""
        app = self._app
        if scheme == Qt.ColorScheme.Dark and not palette_is_dark(app.palette()):
            self._saved_palette = QPalette(app.palette())
            style = app.style()
            if style is not None and style.name().lower() in _STYLES_WITHOUT_DARK:
                app.setStyle("Fusion")
            app.setPalette(dark_palette())
        elif scheme != Qt.ColorScheme.Dark and self._saved_palette is not None:
            app.setPalette(self._saved_palette)
            self._saved_palette = None
        dark = _wants_dark(scheme) or (
            scheme == Qt.ColorScheme.Unknown and palette_is_dark(app.palette())
        )
        self.changed.emit(dark)


def theme_notifier(app: QApplication) -> ThemeNotifier:
    """The application's one notifier (created on first use)."""
    existing = app.findChild(ThemeNotifier, "theme_notifier")
    return existing if existing is not None else ThemeNotifier(app)


def apply_system_theme(app: QApplication) -> None:
    """Follow the system's light/dark now and whenever it changes. Safe to call twice."""
    notifier = theme_notifier(app)
    hints = app.styleHints()
    if not notifier.property("connected"):
        hints.colorSchemeChanged.connect(notifier.apply)
        notifier.setProperty("connected", True)
    notifier.apply(hints.colorScheme())
