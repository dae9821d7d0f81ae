"""SettingsController: the only place settings are changed and saved."""

from __future__ import annotations

from app.settings import Settings
from app.ui.shell.settings_controller import SettingsController


def test_apply_saves_and_announces_remember_only_saves(qapp) -> None:
    saved: list[Settings] = []
    applied: list[tuple[Settings, Settings]] = []
    controller = SettingsController(Settings(), saved.append)
    controller.applied.connect(lambda old, new: applied.append((old, new)))
    chosen = Settings(system_prompt="Be terse.")
    controller.apply(chosen)
    assert controller.settings == chosen and saved == [chosen]
    assert applied == [(Settings(), chosen)]
    controller.remember(memory_bandwidth_gbps=12.5)
    assert saved[-1].memory_bandwidth_gbps == 12.5 and saved[-1].system_prompt == "Be terse."
    assert len(applied) == 1  # learned facts are saved, not announced


def test_model_and_folder_are_saved_only_when_new(qapp) -> None:
    saved: list[Settings] = []
    controller = SettingsController(Settings(model_path="/m/a.gguf"), saved.append)
    controller.remember_model("/m/a.gguf")
    controller.add_model_folder("")
    assert saved == []
    controller.remember_model("/m/b.gguf")
    controller.add_model_folder("/models")
    controller.add_model_folder("/models")
    assert [s.model_path for s in saved] == ["/m/b.gguf", "/m/b.gguf"]
    assert controller.settings.model_folders == ("/models",)
