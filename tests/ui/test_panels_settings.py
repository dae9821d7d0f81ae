"""SettingsDialog: round trip, ranges, cross-field validation, GPU field without offload."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QDoubleSpinBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.chat.values import GenerationParams, LoadOptions
from app.settings import Settings, load_settings, save_settings
from app.ui.shell.settings_dialog import NO_GPU_EXPLANATION, SettingsDialog

FIELDS = [
    "system_prompt",
    "temperature",
    "top_p",
    "top_k",
    "repeat_penalty",
    "max_tokens",
    "context_length",
    "threads",
    "gpu_layers",
]


def custom_settings() -> Settings:
    return Settings(
        system_prompt="Answer like a pirate.",
        generation=GenerationParams(
            temperature=0.3, top_p=0.8, top_k=20, repeat_penalty=1.2, max_tokens=512, seed=7
        ),
        load=LoadOptions(n_ctx=2048, n_threads=1, n_gpu_layers=12, n_batch=256),
        model_path="/m/a.gguf",
        model_folders=("/folder",),
        kv_cache_limit_mb=999,
    )


def field(dialog: SettingsDialog, name: str, kind=QWidget):
    widget = dialog.findChild(kind, f"settings_{name}")
    assert widget is not None, name
    return widget


@pytest.fixture
def dialog(qtbot):
    widget = SettingsDialog(custom_settings(), gpu_offload_available=True)
    qtbot.addWidget(widget)
    return widget


def test_form_shows_the_settings_and_names_every_field(dialog):
    for name in FIELDS:
        widget = field(dialog, name)
        assert widget.accessibleName(), name
        assert widget.toolTip(), name
    assert field(dialog, "system_prompt", QPlainTextEdit).toPlainText() == "Answer like a pirate."
    assert field(dialog, "temperature", QDoubleSpinBox).value() == pytest.approx(0.3)
    assert field(dialog, "top_p", QDoubleSpinBox).value() == pytest.approx(0.8)
    assert field(dialog, "top_k", QSpinBox).value() == 20
    assert field(dialog, "repeat_penalty", QDoubleSpinBox).value() == pytest.approx(1.2)
    assert field(dialog, "max_tokens", QSpinBox).value() == 512
    assert field(dialog, "context_length", QSpinBox).value() == 2048
    assert field(dialog, "threads", QSpinBox).value() == 1
    assert field(dialog, "gpu_layers", QSpinBox).value() == 12


def test_round_trip_changes_only_what_was_edited(dialog, qtbot, tmp_path):
    field(dialog, "system_prompt", QPlainTextEdit).setPlainText("  Be brief.\n")
    field(dialog, "temperature", QDoubleSpinBox).setValue(1.25)
    field(dialog, "top_k", QSpinBox).setValue(0)
    field(dialog, "max_tokens", QSpinBox).setValue(256)
    field(dialog, "context_length", QSpinBox).setValue(8192)
    field(dialog, "gpu_layers", QSpinBox).setValue(-1)
    with qtbot.waitSignal(dialog.accepted):
        field(dialog, "ok_button", QPushButton).click()
    result = dialog.settings()
    expected = custom_settings()
    assert result == expected.with_changes(
        system_prompt="Be brief.",
        generation=GenerationParams(
            temperature=1.25, top_p=0.8, top_k=0, repeat_penalty=1.2, max_tokens=256, seed=7
        ),
        load=LoadOptions(n_ctx=8192, n_threads=1, n_gpu_layers=-1, n_batch=256),
    )
    save_settings(result, tmp_path / "s.json")
    assert load_settings(tmp_path / "s.json") == result


def test_ranges_clamp_what_can_be_typed(dialog):
    temperature = field(dialog, "temperature", QDoubleSpinBox)
    temperature.setValue(9.0)
    assert temperature.value() == 2.0
    top_p = field(dialog, "top_p", QDoubleSpinBox)
    top_p.setValue(0.0)
    assert top_p.value() == pytest.approx(0.05)
    threads = field(dialog, "threads", QSpinBox)
    threads.setValue(10_000)
    assert 1 <= threads.value() <= 1024
    context = field(dialog, "context_length", QSpinBox)
    context.setValue(10)
    assert context.value() == 512
    assert field(dialog, "top_k", QSpinBox).specialValueText() == "off"


def test_reply_longer_than_the_context_is_refused(dialog, qtbot):
    ok = field(dialog, "ok_button", QPushButton)
    problem = dialog.findChild(QLabel, "settings_problem")
    field(dialog, "context_length", QSpinBox).setValue(1024)
    field(dialog, "max_tokens", QSpinBox).setValue(1000)
    assert not ok.isEnabled()
    assert "below the context length" in problem.text()
    assert not problem.isHidden()
    dialog.accept()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    field(dialog, "max_tokens", QSpinBox).setValue(768)
    assert ok.isEnabled()
    assert problem.isHidden()


def test_gpu_layers_disabled_with_an_explanation_without_offload(qtbot):
    dialog = SettingsDialog(custom_settings(), gpu_offload_available=False)
    qtbot.addWidget(dialog)
    gpu = field(dialog, "gpu_layers", QSpinBox)
    assert not gpu.isEnabled()
    assert gpu.toolTip() == NO_GPU_EXPLANATION
    note = dialog.findChild(QLabel, "settings_gpu_note")
    assert note.text() == NO_GPU_EXPLANATION and not note.isHidden()
    assert dialog.settings().load.n_gpu_layers == 12  # kept, not silently reset
    enabled = SettingsDialog(custom_settings(), gpu_offload_available=True)
    qtbot.addWidget(enabled)
    assert field(enabled, "gpu_layers", QSpinBox).isEnabled()
    assert enabled.findChild(QLabel, "settings_gpu_note").isHidden()


def test_restore_defaults_fills_the_form_with_defaults(dialog):
    buttons = dialog.findChild(QDialogButtonBox, "settings_buttons")
    buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    result = dialog.settings()
    defaults = Settings()
    assert result.system_prompt == defaults.system_prompt
    assert result.generation == GenerationParams(seed=7)
    assert result.load.n_ctx == defaults.load.n_ctx
    assert result.load.n_gpu_layers == 0
    assert result.model_folders == ("/folder",)  # fields the form does not show stay
