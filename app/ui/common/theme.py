"""Light and dark, designed (palette.py, theme_qss.py), following the system or chosen.

`apply_system_theme(app, mode)` once at start-up: it sets the Fusion style, Hearth's palette
and style sheet for the mode ("system" follows `QStyleHints.colorScheme()` and its
`colorSchemeChanged`; "light" and "dark" are fixed), and `theme_notifier(app).set_mode()`
switches later (Settings). Widgets that paint their own colours listen to
`theme_notifier(app).changed` (emitted after the palette is in place) and ask `is_dark()` /
`current_palette()` / `transcript_colors()` / `code_style_for()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from app.ui.common.icons import refresh_symbols
from app.ui.common.palette import DARK, LIGHT, Palette, palette_for, qpalette
from app.ui.common.theme_qss import stylesheet

WARNING_COLOR = "#d9822b"  # context meter near full; readable on light and dark
ERROR_COLOR = "#d64545"

THEME_MODES = ("system", "light", "dark")  # Settings.theme


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
    text=LIGHT.text,
    muted=LIGHT.muted,
    link=LIGHT.accent_text,
    user_background=LIGHT.user_bubble,
    assistant_background=LIGHT.surface,
    code_background=LIGHT.code_background,
    border=LIGHT.border,
    notice_background="#fff4d6",
    notice_text="#6a4a00",
    warning=WARNING_COLOR,
    error=ERROR_COLOR,
)
DARK_COLORS = TranscriptColors(
    text=DARK.text,
    muted=DARK.muted,
    link=DARK.accent_text,
    user_background=DARK.user_bubble,
    assistant_background=DARK.surface,
    code_background=DARK.code_background,
    border=DARK.border,
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
    """The theme in force: the notifier's choice once one runs, else the system's."""
    app = app or QGuiApplication.instance()  # type: ignore[assignment]
    if app is None:
        return False
    notifier = app.findChild(ThemeNotifier, "theme_notifier")
    if notifier is not None and notifier.dark is not None:
        return notifier.dark
    scheme = app.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Unknown:
        return palette_is_dark(app.palette())
    return scheme == Qt.ColorScheme.Dark


def wants_dark(mode: str, scheme: Qt.ColorScheme, palette: QPalette) -> bool:
    """Dark or light for a chosen mode ("system", "light", "dark") and the system's scheme."""
    if mode in THEME_MODES[1:]:
        return mode == "dark"
    if scheme == Qt.ColorScheme.Unknown:
        return palette_is_dark(palette)
    return scheme == Qt.ColorScheme.Dark


class ThemeNotifier(QObject):
    """Applies Hearth's palette and style sheet for the chosen mode and announces changes.

    `mode` is "system" (follow `QStyleHints.colorScheme()`), "light" or "dark"; the
    system's scheme is remembered so switching back to "system" follows it again.
    """

    changed = Signal(bool)  # dark?

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("theme_notifier")
        self._app = app
        self._system_palette = QPalette(app.palette())  # decides "system" when unknown
        self._scheme = app.styleHints().colorScheme()
        self.mode = "system"
        self.dark: bool | None = None  # None until the first apply
        self._fusion = False

    def apply(self, scheme: Qt.ColorScheme) -> None:
        """The system's scheme changed (or is read at start): restyle when it matters."""
        self._scheme = scheme
        self._restyle()

    def set_mode(self, mode: str) -> None:
        """The person's choice; an unknown mode means "system"."""
        self.mode = mode if mode in THEME_MODES else "system"
        self._restyle()

    def _restyle(self) -> None:
        app = self._app
        dark = wants_dark(self.mode, self._scheme, self._system_palette)
        if not self._fusion:
            app.setStyle("Fusion")  # the one style the palette and sheet are designed on
            self._fusion = True
        colors = palette_for(dark)
        app.setPalette(qpalette(colors))
        app.setStyleSheet(stylesheet(colors))
        self.dark = dark
        refresh_symbols()
        self.changed.emit(dark)


def theme_notifier(app: QApplication) -> ThemeNotifier:
    """The application's one notifier (created on first use)."""
    existing = app.findChild(ThemeNotifier, "theme_notifier")
    return existing if existing is not None else ThemeNotifier(app)


def apply_system_theme(app: QApplication, mode: str = "system") -> None:
    """Follow the system's light/dark now and whenever it changes. Safe to call twice."""
    notifier = theme_notifier(app)
    hints = app.styleHints()
    if not notifier.property("connected"):
        hints.colorSchemeChanged.connect(notifier.apply)
        notifier.setProperty("connected", True)
    notifier.mode = mode if mode in THEME_MODES else "system"
    notifier.apply(hints.colorScheme())


def current_palette(app: QGuiApplication | None = None) -> Palette:
    """The designed palette in force (light when no theme was applied)."""
    return palette_for(is_dark(app))
