"""Hearth's two designed palettes (light and dark) with one ember accent, and WCAG contrast.

The accent is the app icon's ember (`#e8431f`); where it carries text it is deepened
(`accent_fill`) so white text on it stays above 4.5:1, and on surfaces it is used as
`accent_text`. `qpalette()` turns a `Palette` into a QPalette for the Fusion style;
`text_pairs()` lists every (text, background) pair the window draws, for the contrast test.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

EMBER = "#e8431f"  # the icon's flame


@dataclass(frozen=True, slots=True)
class Palette:
    """The window's colours, as hex strings."""

    dark: bool
    window: str  # the window and side panels
    surface: str  # text fields, lists, the transcript
    surface_alt: str  # cards, hover, alternating rows
    text: str
    muted: str  # secondary text: figures, hints, group headers
    border: str
    accent: str  # focus rings, the selected row's marker, the meter
    accent_fill: str  # buttons that carry text on the accent
    on_accent: str  # text on accent_fill
    accent_text: str  # accent-coloured text and links on surfaces
    selection: str  # selected rows and text
    on_selection: str
    user_bubble: str  # the person's messages
    code_background: str
    tooltip: str
    on_tooltip: str
    disabled_text: str  # disabled controls (WCAG exempts them; still kept readable)


LIGHT = Palette(
    dark=False,
    window="#f7f5f2",
    surface="#ffffff",
    surface_alt="#f1ede8",
    text="#1f1b18",
    muted="#6b625b",
    border="#e2dcd5",
    accent=EMBER,
    accent_fill="#c2410c",
    on_accent="#ffffff",
    accent_text="#b8350f",
    selection="#fde3d6",
    on_selection="#1f1b18",
    user_bubble="#fcebe3",
    code_background="#f6f3f0",
    tooltip="#2b2623",
    on_tooltip="#f7f5f2",
    disabled_text="#a39a92",
)
DARK = Palette(
    dark=True,
    window="#1b1917",
    surface="#232120",
    surface_alt="#2c2927",
    text="#ece7e2",
    muted="#a59d95",
    border="#3a3633",
    accent="#ff6a3d",
    accent_fill="#c2410c",
    on_accent="#ffffff",
    accent_text="#ff8a5c",
    selection="#5a2a1a",
    on_selection="#ffffff",
    user_bubble="#3a2620",
    code_background="#161413",
    tooltip="#f1ede8",
    on_tooltip="#1f1b18",
    disabled_text="#6f6760",
)


def palette_for(dark: bool) -> Palette:
    return DARK if dark else LIGHT


def qpalette(p: Palette) -> QPalette:
    """A QPalette for the Fusion style built from `p`."""
    palette = QPalette()
    roles = QPalette.ColorRole
    colors = {
        roles.Window: p.window,
        roles.WindowText: p.text,
        roles.Base: p.surface,
        roles.AlternateBase: p.surface_alt,
        roles.ToolTipBase: p.tooltip,
        roles.ToolTipText: p.on_tooltip,
        roles.PlaceholderText: p.muted,
        roles.Text: p.text,
        roles.Button: p.surface_alt,
        roles.ButtonText: p.text,
        roles.BrightText: p.on_accent,
        roles.Link: p.accent_text,
        roles.LinkVisited: p.accent_text,
        roles.Highlight: p.selection,
        roles.HighlightedText: p.on_selection,
        roles.Accent: p.accent,
        roles.Light: p.surface,
        roles.Midlight: p.surface_alt,
        roles.Mid: p.border,
        roles.Dark: p.border,
        roles.Shadow: "#000000",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor(p.disabled_text))
    return palette


# -- contrast (WCAG 2.x) ---------------------------------------------------------------------
def relative_luminance(color: str) -> float:
    c = QColor(color)
    channels = []
    for value in (c.redF(), c.greenF(), c.blueF()):
        linear = value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
        channels.append(linear)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1.0 (same colour) to 21.0 (black on white)."""
    high, low = sorted((relative_luminance(foreground), relative_luminance(background)))[::-1]
    return (high + 0.05) / (low + 0.05)


def text_pairs(palette: QPalette) -> dict[str, tuple[str, str]]:
    """Every text role the window draws with the background it is drawn on (hex)."""
    roles = QPalette.ColorRole

    def hex_of(role: QPalette.ColorRole) -> str:
        return str(palette.color(QPalette.ColorGroup.Active, role).name())

    pairs = {
        "WindowText on Window": (roles.WindowText, roles.Window),
        "Text on Base": (roles.Text, roles.Base),
        "Text on AlternateBase": (roles.Text, roles.AlternateBase),
        "ButtonText on Button": (roles.ButtonText, roles.Button),
        "PlaceholderText on Base": (roles.PlaceholderText, roles.Base),
        "HighlightedText on Highlight": (roles.HighlightedText, roles.Highlight),
        "ToolTipText on ToolTipBase": (roles.ToolTipText, roles.ToolTipBase),
        "Link on Base": (roles.Link, roles.Base),
        "Link on Window": (roles.Link, roles.Window),
    }
    return {name: (hex_of(fg), hex_of(bg)) for name, (fg, bg) in pairs.items()}


def design_pairs(p: Palette) -> dict[str, tuple[str, str]]:
    """The palette's own text pairs beyond the QPalette roles (bubbles, figures, buttons)."""
    return {
        "muted on window": (p.muted, p.window),
        "muted on surface": (p.muted, p.surface),
        "muted on surface_alt": (p.muted, p.surface_alt),
        "muted on user_bubble": (p.muted, p.user_bubble),
        "text on user_bubble": (p.text, p.user_bubble),
        "text on code_background": (p.text, p.code_background),
        "on_accent on accent_fill": (p.on_accent, p.accent_fill),
        "accent_text on surface": (p.accent_text, p.surface),
        "accent_text on surface_alt": (p.accent_text, p.surface_alt),
        "on_selection on selection": (p.on_selection, p.selection),
    }
