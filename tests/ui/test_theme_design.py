"""Hearth's designed themes: contrast of every text role, the mode switch, the setting."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from app.settings import Settings, read_settings
from app.ui.common.palette import (
    DARK,
    EMBER,
    LIGHT,
    contrast_ratio,
    design_pairs,
    qpalette,
    text_pairs,
)
from app.ui.common.theme import (
    DARK_COLORS,
    LIGHT_COLORS,
    apply_system_theme,
    is_dark,
    theme_notifier,
)
from app.ui.shell.settings_dialog import SettingsDialog

AA = 4.5


@pytest.fixture
def app(qapp):
    original = QPalette(qapp.palette())
    notifier = theme_notifier(qapp)
    yield qapp
    notifier.apply(Qt.ColorScheme.Light)
    notifier.set_mode("system")
    qapp.setPalette(original)


def test_contrast_helper_matches_known_wcag_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(EMBER, "#ffffff") < AA  # why buttons use the deeper accent_fill


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_every_text_role_meets_wcag_aa(palette):
    pairs = text_pairs(qpalette(palette)) | design_pairs(palette)
    ratios = {name: contrast_ratio(fg, bg) for name, (fg, bg) in pairs.items()}
    low = {name: round(r, 2) for name, r in ratios.items() if r < AA}
    assert not low, low
    assert len(ratios) == 19


@pytest.mark.parametrize("colors", [LIGHT_COLORS, DARK_COLORS], ids=["light", "dark"])
def test_transcript_text_meets_wcag_aa(colors):
    for fg, bg in (
        (colors.text, colors.assistant_background),
        (colors.text, colors.user_background),
        (colors.muted, colors.assistant_background),
        (colors.muted, colors.user_background),
        (colors.link, colors.assistant_background),
        (colors.text, colors.code_background),
        (colors.notice_text, colors.notice_background),
    ):
        assert contrast_ratio(fg, bg) >= AA, (fg, bg)


def test_mode_light_dark_and_system(app, qtbot):
    apply_system_theme(app)  # follows the system's colorSchemeChanged
    notifier = theme_notifier(app)
    seen: list[bool] = []
    notifier.changed.connect(seen.append)
    notifier.apply(Qt.ColorScheme.Light)
    notifier.set_mode("dark")
    window = app.palette().color(QPalette.ColorRole.Window).name()
    assert window == DARK.window and is_dark(app)
    assert DARK.surface in app.styleSheet()
    notifier.set_mode("light")
    assert app.palette().color(QPalette.ColorRole.Window).name() == LIGHT.window
    assert not is_dark(app) and LIGHT.surface in app.styleSheet()
    notifier.set_mode("system")
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)  # the desktop goes dark
    assert is_dark(app)
    notifier.set_mode("light")  # a fixed choice ignores the system
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert not is_dark(app)
    notifier.set_mode("purple")  # unknown: follows the system again
    assert notifier.mode == "system" and is_dark(app)
    assert seen == [False, True, False, False, True, False, False, True]


def test_settings_dialog_offers_the_theme_and_returns_it(qtbot):
    dialog = SettingsDialog(Settings(theme="dark"), gpu_offload_available=False)
    qtbot.addWidget(dialog)
    combo = dialog.findChild(object, "settings_theme")
    assert combo.accessibleName() == "Appearance"
    assert combo.currentData() == "dark"
    assert [combo.itemData(i) for i in range(combo.count())] == ["system", "light", "dark"]
    combo.setCurrentIndex(combo.findData("light"))
    assert dialog.settings().theme == "light"


def test_a_bad_theme_in_the_settings_file_resets_to_system(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "purple", "kv_cache_limit_mb": 512}))
    settings, report = read_settings(path)
    assert settings.theme == "system" and settings.kv_cache_limit_mb == 512
    assert report.reset_fields == ("theme",)
    path.write_text(json.dumps({"theme": "dark"}))
    assert read_settings(path)[0].theme == "dark"


def test_the_window_follows_the_theme_setting(app, make_window):
    window = make_window(start=False).window
    assert not is_dark(app)
    window.apply_settings(window.settings.with_changes(theme="dark"))
    assert is_dark(app)
    assert window.transcript._colors is DARK_COLORS
    window.apply_settings(window.settings.with_changes(theme="system"))
    assert window.transcript._colors is LIGHT_COLORS
