"""Hand-edited state files: each bad field falls back to its default, the good ones are kept."""

from __future__ import annotations

import json
from pathlib import Path

from app.chat.values import GenerationParams, LoadOptions
from app.drafts import DraftBook
from app.settings import Settings, read_settings, save_settings


def _write(path: Path, data: object) -> str:
    text = json.dumps(data)
    path.write_text(text, "utf-8")
    return text


def test_bad_settings_fields_are_reset_and_named_good_ones_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    original = _write(
        path,
        {
            "system_prompt": 42,  # a number where text belongs
            "generation": {"temperature": "warm", "top_k": 7, "max_tokens": -3, "seed": 11},
            "load": {"n_ctx": "big", "n_threads": 3},
            "model_path": "/models/kept.gguf",
            "model_folders": ["/a", 5],
            "kv_cache_limit_mb": True,  # a bool is not a number
            "welcome_done": True,
            "unknown_key": {"ignored": 1},
        },
    )
    settings, report = read_settings(path)
    assert set(report.reset_fields) == {
        "system_prompt",
        "generation.temperature",
        "generation.max_tokens",
        "load.n_ctx",
        "model_folders",
        "kv_cache_limit_mb",
    }
    defaults = Settings()
    assert settings.system_prompt == defaults.system_prompt
    assert settings.generation == GenerationParams(top_k=7, seed=11)
    assert settings.load.n_threads == 3 and settings.load.n_ctx == LoadOptions().n_ctx
    assert settings.model_path == "/models/kept.gguf" and settings.welcome_done
    assert settings.kv_cache_limit_mb == defaults.kv_cache_limit_mb
    assert report.backup is not None and report.backup.read_text("utf-8") == original
    sentence = report.sentence("settings")
    assert "generation.temperature" in sentence and report.backup.name in sentence


def test_unreadable_settings_give_defaults_and_keep_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"system_prompt": "half', "utf-8")
    settings, report = read_settings(path)
    assert settings == Settings() and report.unreadable
    assert (
        report.backup is not None and report.backup.read_text("utf-8") == '{"system_prompt": "half'
    )


def test_good_settings_round_trip_without_a_report(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    wanted = Settings(model_folders=("/x",), memory_bandwidth_gbps=12.5, welcome_done=True)
    save_settings(wanted, path)
    settings, report = read_settings(path)
    assert settings == wanted and report.clean and report.backup is None
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_drafts_survive_a_restart_and_bad_entries_cost_only_themselves(tmp_path: Path) -> None:
    path = tmp_path / "drafts.json"
    book = DraftBook(path)
    book.put("a", "half a thought")
    book.put("b", "   ")
    assert book.save() is None
    assert DraftBook(path).get("a") == "half a thought" and DraftBook(path).get("b") == ""
    _write(path, {"drafts": {"a": "kept", "b": 3}})
    reread = DraftBook(path)
    assert reread.get("a") == "kept" and reread.report.reset_fields == ("drafts.b",)


def test_a_file_backed_up_twice_keeps_one_copy_until_it_changes(tmp_path: Path) -> None:
    from app.state_check import backup

    path = tmp_path / "window-state.json"
    path.write_text('{"geometry": 5}')
    first = backup(path, clock=lambda: 1_000_000.0)
    again = backup(path, clock=lambda: 1_000_007.0)  # read again a few seconds later
    assert first is not None and again == first
    path.write_text('{"geometry": 6}')
    changed = backup(path, clock=lambda: 1_000_009.0)
    assert changed is not None and changed != first
    assert sorted(p.read_text() for p in tmp_path.glob("*.bak")) == [
        '{"geometry": 5}',
        '{"geometry": 6}',
    ]
