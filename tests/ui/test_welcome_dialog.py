"""The first-run welcome: offers the default model or a download, never a dead end."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.settings import Settings
from app.ui.common.icons import ICON_SIZES, app_icon, icons_dir
from app.ui.shell.welcome_dialog import WelcomeDialog, describe_model_file, offer_welcome
from tests.ui.window_helpers import FAKE_MODEL


def test_describe_model_file_gives_name_quantization_and_size(tmp_path: Path) -> None:
    model = tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf"
    model.write_bytes(b"\0" * 2_400_000)
    assert describe_model_file(str(model)) == "SmolLM2-135M-Instruct (Q4_1, 2 MB)"
    assert describe_model_file(str(tmp_path / "plain.gguf")) == "plain"


def test_with_a_default_model_it_offers_to_start_at_once(qtbot, default_model: Path) -> None:
    dialog = WelcomeDialog(str(default_model))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.start_button.isVisible() and dialog.start_button.isDefault()
    assert dialog.download_button.isVisible() and dialog.file_button.isVisible()
    assert not dialog.later_button.isVisible()
    assert "SmolLM2-135M-Instruct (Q4_1, 98 MB)" in dialog.message.text()
    with qtbot.waitSignal(dialog.default_model_requested) as requested:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert requested.args == [str(default_model)]
    assert dialog.choice == "default" and dialog.result() == QDialog.DialogCode.Accepted


def test_without_a_model_it_offers_download_file_or_later(qtbot) -> None:
    dialog = WelcomeDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.start_button.isVisible()
    assert dialog.download_button.isDefault()
    assert dialog.later_button.isVisible() and dialog.file_button.isVisible()
    assert "No model is installed yet" in dialog.message.text()
    with qtbot.waitSignal(dialog.download_requested):
        qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == "download"


def test_picking_a_file_requests_it_and_cancelling_does_not(qtbot, tmp_path: Path) -> None:
    dialog = WelcomeDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    chooser = dialog.choose_file()
    assert chooser.isVisible() and "*.gguf" in chooser.nameFilters()[0]
    chooser.reject()
    assert dialog.choice is None and dialog.isVisible()
    picked = str(tmp_path / "mine.gguf")
    with qtbot.waitSignal(dialog.model_file_requested) as requested:
        dialog.choose_file().fileSelected.emit(picked)
    assert requested.args == [picked] and dialog.choice == "file"
    assert not dialog.isVisible()


def test_not_offered_again_once_done(make_window) -> None:
    built = make_window(settings=Settings(welcome_done=True), start=False)
    assert offer_welcome(built.window) is None


def test_start_chatting_loads_the_default_model_and_remembers(qtbot, make_window) -> None:
    built = make_window(start=False)
    window = built.window
    dialog = offer_welcome(window)
    assert dialog is not None and dialog.isVisible() and dialog.parent() is window
    with qtbot.waitSignal(window.models.loaded, timeout=10_000):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert window.models.info is not None and window.models.info.path == FAKE_MODEL
    qtbot.waitUntil(lambda: window.settings.welcome_done)
    assert [s.welcome_done for s in built.saved_settings][-1] is True


def test_default_model_already_loaded_is_not_loaded_twice(qtbot, make_window) -> None:
    built = make_window()  # start() loaded the default model
    window = built.window
    dialog = offer_welcome(window)
    assert dialog is not None
    loads = []
    window.models.loaded.connect(loads.append)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.settings.welcome_done)
    qtbot.wait(50)
    assert loads == [] and not window.models.loading


def test_download_choice_opens_the_download_dialog(qtbot, make_window) -> None:
    built = make_window(start=False)
    window = built.window
    opened: list[bool] = []
    window.window_actions.open_downloads = lambda: opened.append(True)
    dialog = offer_welcome(window)
    assert dialog is not None
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    assert opened == [True]
    qtbot.waitUntil(lambda: window.settings.welcome_done)


def test_no_model_later_keeps_the_welcome_for_next_time(qtbot, make_window) -> None:
    built = make_window(start=False)
    window = built.window
    window.default_model = None
    dialog = offer_welcome(window)
    assert dialog is not None and not dialog.start_button.isVisible()
    qtbot.mouseClick(dialog.later_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.wait(20)
    assert not window.settings.welcome_done and built.saved_settings == []


def test_no_model_picking_a_file_loads_it(qtbot, make_window) -> None:
    built = make_window(start=False)
    window = built.window
    window.default_model = None
    dialog = offer_welcome(window)
    assert dialog is not None
    with qtbot.waitSignal(window.models.loaded, timeout=10_000):
        dialog.choose_file().fileSelected.emit("/models/picked-1B.Q8_0.gguf")
    assert window.models.info is not None
    assert window.models.info.path == "/models/picked-1B.Q8_0.gguf"
    qtbot.waitUntil(lambda: window.settings.welcome_done)


def test_app_icon_has_every_size(qapp) -> None:
    folder = icons_dir()
    assert folder is not None and (folder / "hearth.svg").is_file()
    icon = app_icon()
    assert not icon.isNull()
    assert sorted(size.width() for size in icon.availableSizes()) == list(ICON_SIZES)


def test_app_icon_in_a_bundle_comes_from_meipass(qapp, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert icons_dir() is None and app_icon().isNull()
    folder = tmp_path / "resources" / "icons"
    folder.mkdir(parents=True)
    source = Path(__file__).resolve().parents[2] / "resources" / "icons"
    (folder / "hearth-32.png").write_bytes((source / "hearth-32.png").read_bytes())
    assert icons_dir() == folder
    assert [size.width() for size in app_icon().availableSizes()] == [32]
