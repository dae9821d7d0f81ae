"""ModelPicker: lists real files found by scan_models, grouped by source; actions; busy."""

from __future__ import annotations

import struct
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QProgressBar

from app import paths
from app.hub.local.local_scan import LocalModel
from app.ui.common.operation import operation_relay
from app.ui.models.model_picker import (
    ADD_FOLDER_TEXT,
    DOWNLOAD_TEXT,
    KIND_ROLE,
    PATH_ROLE,
    ModelPicker,
    describe_model,
)


def _string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def write_tiny_gguf(path: Path, name: str = "Tiny Test") -> Path:
    """A header-only GGUF v3 file: enough metadata for the scanner, no tensors."""
    values = [
        (_string("general.architecture"), struct.pack("<I", 8) + _string("llama")),
        (_string("general.name"), struct.pack("<I", 8) + _string(name)),
        (_string("general.size_label"), struct.pack("<I", 8) + _string("1.5M")),
        (_string("general.file_type"), struct.pack("<II", 4, 3)),  # uint32 3 = Q4_1
        (_string("llama.context_length"), struct.pack("<II", 4, 2048)),
    ]
    head = b"GGUF" + struct.pack("<IQQ", 3, 0, len(values))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + b"".join(k + v for k, v in values) + b"\0" * 4096)
    return path


def rows(picker: ModelPicker) -> list[tuple[str, str | None, str | None, bool, str]]:
    """(text, kind, path, enabled, tooltip) of every row of the combo."""
    model = picker.combo().model()
    result = []
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        result.append(
            (
                index.data(),
                index.data(KIND_ROLE),
                index.data(PATH_ROLE),
                bool(model.flags(index) & Qt.ItemFlag.ItemIsEnabled),
                index.data(Qt.ToolTipRole) or "",
            )
        )
    return result


def refreshed(qtbot, picker: ModelPicker, folders=()) -> ModelPicker:
    with qtbot.waitSignal(picker.scan_finished, timeout=20_000):
        picker.refresh(folders)
    return picker


@pytest.fixture
def picker(qtbot):
    widget = ModelPicker()
    qtbot.addWidget(widget)
    return widget


def local(path: str, source: str = "models_dir", error: str | None = None) -> LocalModel:
    return LocalModel(path, Path(path).stem, source, 98_000_000, 134_515_008, "Q4_1", 8192, error)


def test_lists_default_model_generated_file_and_broken_file_grouped(
    qtbot, picker, default_model, tmp_path
):
    tiny = write_tiny_gguf(paths.models_dir() / "tiny-test.Q4_1.gguf")
    broken = paths.models_dir() / "broken.gguf"
    broken.write_bytes(b"this is not a model")
    extra = write_tiny_gguf(tmp_path / "mine" / "other.Q4_1.gguf", name="Other")
    refreshed(qtbot, picker, [str(tmp_path / "mine")])
    listed = rows(picker)
    texts = [r[0] for r in listed]
    assert picker.combo().objectName() == "model_picker"
    headers = [r[0] for r in listed if r[1] == "header"]
    assert headers == ["Default model", "Models folder", "Added folders"]
    by_path = {r[2]: r for r in listed if r[2]}
    default_row = by_path[str(default_model)]
    assert default_row[0].startswith("SmolLM2-135M-Instruct")
    assert "135M" in default_row[0] and "Q4_1" in default_row[0] and "MB" in default_row[0]
    assert default_row[3]
    tiny_row = by_path[str(tiny)]
    assert tiny_row[0] == "tiny-test.Q4_1 — 1.5M · Q4_1 · 4.3 KB · 2K ctx"
    assert tiny_row[3]
    broken_row = by_path[str(broken)]
    assert not broken_row[3]  # disabled ...
    assert "GGUF" in broken_row[4] or "gguf" in broken_row[4].lower()  # ... error as tooltip
    assert str(extra) in by_path
    # grouping: each model sits under its source's header, actions at the end
    assert texts.index("Default model") < texts.index(default_row[0]) < texts.index("Models folder")
    assert texts.index("Models folder") < texts.index(tiny_row[0]) < texts.index("Added folders")
    assert texts[-2:] == [ADD_FOLDER_TEXT, DOWNLOAD_TEXT]


def test_keyboard_choice_requests_a_model_and_skips_disabled_rows(qtbot):
    models = [local("/m/a.gguf"), local("/m/bad.gguf", error="not a GGUF file"), local("/m/c.gguf")]
    picker = ModelPicker(scanner=lambda folders: models)
    qtbot.addWidget(picker)
    refreshed(qtbot, picker)
    picker.set_current("/m/a.gguf")
    combo = picker.findChild(QComboBox, "model_picker")
    assert combo.currentData(PATH_ROLE) == "/m/a.gguf"
    with qtbot.waitSignal(picker.model_requested) as blocker:
        qtbot.keyClick(combo, Qt.Key_Down)
    assert blocker.args == ["/m/c.gguf"]  # the unreadable file is skipped
    assert picker.current_path() == "/m/c.gguf"


def test_download_and_add_folder_actions(qtbot, picker, tmp_path):
    refreshed(qtbot, picker)
    combo = picker.combo()
    texts = [r[0] for r in rows(picker)]
    with qtbot.waitSignal(picker.download_requested):
        combo.activated.emit(texts.index(DOWNLOAD_TEXT))
    assert combo.currentText() != DOWNLOAD_TEXT  # actions never stay selected
    folder = tmp_path / "more models"
    folder.mkdir()
    combo.activated.emit(texts.index(ADD_FOLDER_TEXT))
    dialog = picker.findChild(QFileDialog, "add_folder_dialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.fileMode() == QFileDialog.FileMode.Directory
    with qtbot.waitSignal(picker.add_folder_requested) as blocker:
        dialog.fileSelected.emit(str(folder))
    assert blocker.args == [str(folder)]
    dialog.reject()


def test_busy_state_and_status_text(qtbot, picker):
    picker.show()
    qtbot.waitExposed(picker)
    picker.set_busy(True, "Loading tiny.gguf…")
    assert not picker.combo().isEnabled()
    assert picker.findChild(QProgressBar, "model_picker_busy").isVisible()
    assert picker.findChild(QLabel, "model_picker_status").text() == "Loading tiny.gguf…"
    picker.set_busy(False, "Loaded in 0.42 s")
    assert picker.combo().isEnabled()
    assert not picker.findChild(QProgressBar, "model_picker_busy").isVisible()
    assert picker.findChild(QLabel, "model_picker_status").text() == "Loaded in 0.42 s"


def test_current_model_outside_the_list_is_shown_and_none_shows_placeholder(qtbot):
    picker = ModelPicker(scanner=lambda folders: [local("/m/a.gguf")])
    qtbot.addWidget(picker)
    refreshed(qtbot, picker)
    picker.set_current("/elsewhere/special.gguf")
    assert picker.combo().currentText() == "special.gguf"
    assert picker.combo().currentData(PATH_ROLE) == "/elsewhere/special.gguf"
    picker.set_current(None)
    assert picker.combo().currentIndex() == -1
    assert picker.combo().placeholderText() == "No model loaded"


def test_scan_runs_off_the_gui_thread_and_failures_are_listed(qtbot):
    threads: list[str] = []

    def failing(folders):
        threads.append(threading.current_thread().name)
        raise OSError("disk on fire")

    picker = ModelPicker(scanner=failing)
    qtbot.addWidget(picker)
    refreshed(qtbot, picker)
    assert threads == ["hearth-model-scan"]
    assert "Could not list models: disk on fire" in [r[0] for r in rows(picker)]


def test_an_older_scan_never_overwrites_a_newer_one(qtbot):
    release = threading.Event()
    calls: list[int] = []

    def scanner(folders):
        calls.append(len(folders))
        if len(calls) == 1:
            release.wait(10)
            return [local("/m/old.gguf")]
        return [local("/m/new.gguf")]

    picker = ModelPicker(scanner=scanner)
    qtbot.addWidget(picker)
    picker.refresh()
    refreshed(qtbot, picker, ["/x"])
    with qtbot.waitSignal(operation_relay().delivered, timeout=10_000):  # the stale result arrives
        release.set()
    assert [m.path for m in picker.models()] == ["/m/new.gguf"]


def test_new_file_in_models_folder_is_picked_up(qtbot, picker):
    refreshed(qtbot, picker)
    new = paths.models_dir() / "dropped-in.gguf"
    with qtbot.waitSignal(picker.scan_finished, timeout=10_000):
        write_tiny_gguf(new)
    qtbot.waitUntil(lambda: str(new) in [m.path for m in picker.models()], timeout=10_000)


def test_describe_model_leaves_out_unknowns():
    model = LocalModel("/m/x.gguf", "x", "folder", 0, None, None, None, None)
    assert describe_model(model) == "x"
    assert describe_model(local("/m/y.gguf")) == "y — 135M · Q4_1 · 98 MB · 8K ctx"
    assert describe_model(local("/m/z.gguf", error="bad magic")) == "z — unreadable"
