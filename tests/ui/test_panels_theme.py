"""Theme: light/dark follow the system's colour scheme; transcript colours and code style."""

from __future__ import annotations

import pytest
from pygments.styles import get_style_by_name
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from app.ui.common.palette import LIGHT
from app.ui.common.theme import (
    DARK_COLORS,
    LIGHT_COLORS,
    apply_system_theme,
    code_style_for,
    is_dark,
    palette_is_dark,
    theme_notifier,
    transcript_colors,
)


@pytest.fixture
def app(qapp):
    original = QPalette(qapp.palette())
    yield qapp
    theme_notifier(qapp).apply(Qt.ColorScheme.Light)
    qapp.setPalette(original)


def test_code_style_and_colours_per_scheme():
    assert code_style_for(Qt.ColorScheme.Dark) == "monokai"
    assert code_style_for(Qt.ColorScheme.Light) == "default"
    assert code_style_for(True) == "monokai"
    for scheme in (Qt.ColorScheme.Dark, Qt.ColorScheme.Light):
        get_style_by_name(code_style_for(scheme))  # exists in the installed Pygments
    assert transcript_colors(Qt.ColorScheme.Dark) is DARK_COLORS
    assert transcript_colors(False) is LIGHT_COLORS
    assert DARK_COLORS.text != LIGHT_COLORS.text


def test_system_switch_to_dark_and_back_changes_the_palette(app, qtbot):
    assert not palette_is_dark(app.palette())  # offscreen starts light
    apply_system_theme(app)
    light_window = app.palette().color(QPalette.ColorRole.Window)  # Hearth's own light
    apply_system_theme(app)  # idempotent: connects once
    notifier = theme_notifier(app)
    assert theme_notifier(app) is notifier
    assert len(app.findChildren(type(notifier))) == 1
    seen: list[bool] = []
    notifier.changed.connect(seen.append)
    with qtbot.waitSignal(notifier.changed):
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert palette_is_dark(app.palette())
    assert is_dark(app)
    with qtbot.waitSignal(notifier.changed):
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not palette_is_dark(app.palette())
    assert app.palette().color(QPalette.ColorRole.Window) == light_window
    assert light_window.name() == LIGHT.window
    assert not is_dark(app)
    assert seen == [True, False]  # one notification per change: connected exactly once
