"""Local scan: default model, models folder, Hugging Face cache, extra folders, split files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app import paths
from app.hub.local import local_scan
from app.hub.local.local_scan import scan_models
from tests.core.hub_gguf_files import llama_values, write_gguf


def _by_name(models: list[local_scan.LocalModel]) -> dict[str, local_scan.LocalModel]:
    return {model.name: model for model in models}


def test_default_model_is_listed_first(default_model: Path) -> None:
    models = scan_models()
    assert models[0].source == "default"
    assert models[0].path == str(default_model)
    assert models[0].quantization == "Q4_1"
    assert models[0].parameter_count == 135_000_000
    assert models[0].context_length == 8192
    assert models[0].file_size == default_model.stat().st_size
    assert models[0].error is None


def test_models_dir_recursive_split_and_broken(tmp_path: Path) -> None:
    root = paths.models_dir()
    write_gguf(root / "a" / "one.gguf", llama_values())
    for part in (1, 2, 3):
        write_gguf(root / f"big-00{part:03d}-of-00003.gguf", llama_values(), padding=1000 * part)
    (root / "broken.gguf").write_bytes(b"<html>not found</html>")
    write_gguf(root / ".downloading" / "partial.gguf", llama_values())
    write_gguf(root / "mmproj-vision.gguf", llama_values())
    models = _by_name([m for m in scan_models() if m.source == "models_dir"])
    assert sorted(models) == ["big", "broken", "one"]
    parts = sorted(root.glob("big-*.gguf"))
    assert models["big"].path == str(parts[0])
    assert models["big"].file_size == sum(p.stat().st_size for p in parts)
    assert models["one"].quantization == "Q4_K_M"
    assert models["one"].context_length == 2048
    assert models["broken"].error is not None and "not a GGUF file" in models["broken"].error
    assert models["broken"].quantization is None


def test_missing_split_part_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    write_gguf(folder / "m-00001-of-00002.gguf", llama_values())
    [model] = [m for m in scan_models([folder]) if m.source == "folder"]
    assert model.error == "1 of 2 parts are missing (m-00002-of-00002.gguf …)"


def _fake_hf_cache(root: Path, repo: str, filename: str) -> Path:
    """The layout huggingface_hub writes: blobs/<hash> and snapshots/<commit>/<file> -> blob."""
    folder = root / f"models--{repo.replace('/', '--')}"
    blob = write_gguf(folder / "blobs" / "0123abcd", llama_values(**{"general.size_label": "1.5B"}))
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text("c" * 40)
    link = folder / "snapshots" / ("c" * 40) / filename
    link.parent.mkdir(parents=True)
    os.symlink(os.path.relpath(blob, link.parent), link)
    return link


def test_hf_cache_honours_hf_home(tmp_path: Path) -> None:
    cache = Path(os.environ["HF_HOME"]) / "hub"
    link = _fake_hf_cache(cache, "someone/tiny-GGUF", "tiny-Q4_K_M.gguf")
    [model] = [m for m in scan_models() if m.source == "hf_cache"]
    assert model.path == str(link)
    assert model.name == "tiny-Q4_K_M"
    assert model.parameter_count == 1_500_000_000


def test_hf_cache_honours_hf_hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "elsewhere"
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    _fake_hf_cache(cache, "a/b", "b.gguf")
    assert [m.name for m in scan_models() if m.source == "hf_cache"] == ["b"]


def test_same_file_in_two_places_is_listed_once(tmp_path: Path) -> None:
    write_gguf(paths.models_dir() / "x.gguf", llama_values())
    models = [m for m in scan_models([paths.models_dir()]) if m.name == "x"]
    assert [m.source for m in models] == ["models_dir"]


def test_metadata_is_cached_until_the_file_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_gguf(paths.models_dir() / "x.gguf", llama_values())
    calls: list[Path] = []
    real = local_scan.read_gguf_metadata

    def counting(p: Path, total: int | None = None) -> object:
        calls.append(p)
        return real(p, total)

    monkeypatch.setattr(local_scan, "read_gguf_metadata", counting)
    scan_models()
    scan_models()
    assert calls.count(path) == 1
    write_gguf(path, llama_values(**{"llama.context_length": 4096}), padding=10)
    [model] = [m for m in scan_models() if m.name == "x"]
    assert calls.count(path) == 2
    assert model.context_length == 4096


def test_scanning_never_opens_a_network_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*_args: object) -> None:
        raise AssertionError("the local scan tried to connect to the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    _fake_hf_cache(Path(os.environ["HF_HOME"]) / "hub", "a/b", "b.gguf")
    assert [m.name for m in scan_models() if m.source == "hf_cache"] == ["b"]
