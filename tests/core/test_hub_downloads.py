"""Downloads against the fake Hub over real HTTP: the happy path and every fault the dialog
must survive. Each asserts what the user is told and what is on disk."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app import paths
from app.hub.downloads.download_job import partial_path
from app.hub.downloads.manager import DownloadManager
from app.hub.downloads.verify import sha256_of
from app.hub.local.local_scan import scan_models
from app.hub.remote import hub_client
from app.hub.remote.hub_errors import NotEnoughDiskError
from app.hub.remote.remote_values import RemoteModel
from tests.core.hub_server import (
    SMOL_FILE,
    SMOL_REPO,
    SPLIT_REPO,
    FakeHub,
    Faults,
    closed_port_url,
    file_sha256,
)

MB = 1_000_000


@pytest.fixture
def smol(hub: FakeHub) -> RemoteModel:
    [model] = hub_client.list_repo_models(SMOL_REPO).models
    return model


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.01)


def final_file(model: RemoteModel) -> Path:
    return paths.models_dir() / model.repo_id / model.files[0].path


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def run(manager: DownloadManager, model: RemoteModel):  # type: ignore[no-untyped-def]
    manager.enqueue(model)
    assert manager.wait_idle(120)
    return manager.item(model.key)


def test_happy_path_real_model(
    manager: DownloadManager, smol: RemoteModel, default_model: Path
) -> None:
    states: list[str] = []
    ready: list[str] = []
    manager.add_change_listener(lambda item: states.append(item.state))
    manager.add_ready_listener(ready.append)
    item = run(manager, smol)
    assert item.state == "done" and item.message is None
    assert item.downloaded_bytes == item.total_bytes == default_model.stat().st_size
    assert ready == [str(final_file(smol))] == [item.path]
    assert sha256_of(final_file(smol)) == file_sha256(default_model)
    assert states[0] == "queued" and states[-1] == "done" and "verifying" in states
    assert files_under(paths.models_dir()) == [final_file(smol)]  # no partial files left
    listed = [m for m in scan_models() if m.source == "models_dir"]
    assert [(m.path, m.quantization, m.error) for m in listed] == [(item.path, "Q4_1", None)]
    saved = json.loads((paths.data_dir() / "downloads.json").read_text())
    assert [(d["repo_id"], d["state"]) for d in saved["downloads"]] == [(SMOL_REPO, "done")]


def test_split_model_arrives_as_one(manager: DownloadManager, hub: FakeHub) -> None:
    listing = hub_client.list_repo_models(SPLIT_REPO)
    split = next(m for m in listing.models if len(m.files) == 2)
    item = run(manager, split)
    assert item.state == "done"
    parts = [paths.models_dir() / SPLIT_REPO / f.path for f in split.files]
    assert all(p.is_file() for p in parts)
    [listed] = [m for m in scan_models() if m.source == "models_dir"]
    assert listed.name == "tiny-Q8_0"
    assert listed.file_size == split.total_size


def test_dropped_connection_is_resumed_to_a_correct_file(
    manager: DownloadManager, hub: FakeHub, smol: RemoteModel, default_model: Path
) -> None:
    hub.faults = Faults(drop_after=30 * MB, drops=1)
    item = run(manager, smol)
    assert item.state == "done"
    first, second = hub.ranges(SMOL_FILE)
    assert first is None
    assert second is not None and second.startswith("bytes=")
    offset = int(second.removeprefix("bytes=").rstrip("-"))
    assert 25 * MB < offset <= 30 * MB  # continued from where the connection dropped
    assert sha256_of(final_file(smol)) == file_sha256(default_model)


def test_connection_lost_for_good_then_resumed_after_a_restart(
    manager: DownloadManager, hub: FakeHub, smol: RemoteModel, default_model: Path
) -> None:
    hub.faults = Faults(drop_after=20 * MB, drops=1, refuse_after_drop=True)
    item = run(manager, smol)
    assert item.state == "failed"
    assert item.message is not None and "connection to the Hub was lost" in item.message
    assert "Press Resume" in item.message
    partial = partial_path(paths.models_dir(), smol, smol.files[0])
    kept = partial.stat().st_size
    assert 15 * MB < kept <= 20 * MB
    assert item.downloaded_bytes == kept
    assert not final_file(smol).exists()
    manager.shutdown()
    hub.down, hub.faults = False, Faults()
    restarted = DownloadManager()  # the app starts again and reads downloads.json
    [again] = restarted.items()
    assert (again.key, again.state, again.downloaded_bytes) == (smol.key, "failed", kept)
    restarted.resume(smol.key)
    assert restarted.wait_idle(120)
    assert restarted.item(smol.key).state == "done"
    assert hub.ranges(SMOL_FILE)[-1] == f"bytes={kept}-"
    assert sha256_of(final_file(smol)) == file_sha256(default_model)


def test_corrupted_bytes_fail_verification_and_are_removed(
    manager: DownloadManager, hub: FakeHub, smol: RemoteModel
) -> None:
    ready: list[str] = []
    manager.add_ready_listener(ready.append)
    hub.faults = Faults(corrupt_at=50 * MB)
    item = run(manager, smol)
    assert item.state == "failed"
    assert item.message is not None
    assert item.message.startswith(f"{SMOL_FILE} failed verification: its SHA-256 is ")
    assert "has been deleted" in item.message
    assert files_under(paths.models_dir()) == []
    assert item.downloaded_bytes == 0
    assert ready == []
    assert not [m for m in scan_models() if m.source == "models_dir"]
    hub.faults = Faults()
    manager.resume(smol.key)
    assert manager.wait_idle(120)
    assert manager.item(smol.key).state == "done"
    assert hub.ranges(SMOL_FILE) == [None, None]  # the damaged file was not reused


def test_file_gone_from_the_hub_404(
    manager: DownloadManager, hub: FakeHub, smol: RemoteModel
) -> None:
    hub.faults = Faults(missing={SMOL_FILE})
    item = run(manager, smol)
    assert item.state == "failed"
    assert item.message == f"{SMOL_FILE} is not on the Hub any more (404)."
    assert files_under(paths.models_dir()) == []


def test_slow_server_cancelled_keeps_the_partial_and_resumes(
    manager: DownloadManager, hub: FakeHub, smol: RemoteModel, default_model: Path
) -> None:
    hub.faults = Faults(delay=0.005, chunk=16 * 1024)
    manager.enqueue(smol)
    wait_for(lambda: manager.item(smol.key).downloaded_bytes >= 1_000_000)
    manager.cancel(smol.key)
    assert manager.item(smol.key).state == "paused"  # at once, before the worker stops
    assert manager.wait_idle(60)
    item = manager.item(smol.key)
    partial = partial_path(paths.models_dir(), smol, smol.files[0])
    kept = partial.stat().st_size
    assert item.state == "paused" and item.message is None
    assert 1_000_000 <= kept < smol.total_size
    assert item.downloaded_bytes == kept
    assert not final_file(smol).exists()
    hub.faults = Faults()
    manager.resume(smol.key)
    assert manager.wait_idle(120)
    assert manager.item(smol.key).state == "done"
    assert hub.ranges(SMOL_FILE)[-1] == f"bytes={kept}-"
    assert sha256_of(final_file(smol)) == file_sha256(default_model)


def test_not_enough_disk_space_is_refused_before_downloading(
    hub: FakeHub, smol: RemoteModel
) -> None:
    manager = DownloadManager(free_space=lambda _folder: 50 * MB)
    with pytest.raises(NotEnoughDiskError) as caught:
        manager.enqueue(smol)
    assert str(caught.value).startswith(
        "Not enough disk space: this download needs 98 MB more, but only 50 MB is free in "
    )
    assert manager.items() == []
    assert files_under(paths.models_dir()) == []
    assert hub.ranges(SMOL_FILE) == []


def test_queued_downloads_count_against_free_space(hub: FakeHub, smol: RemoteModel) -> None:
    split = hub_client.list_repo_models(SPLIT_REPO).models[0]
    free = smol.total_size + 64 * 1024 * 1024 + split.total_size - 1
    hub.faults = Faults(delay=0.01)
    manager = DownloadManager(free_space=lambda _folder: free)
    manager.enqueue(smol)
    with pytest.raises(NotEnoughDiskError):
        manager.enqueue(split)  # fits alone, not together with the queued model
    manager.cancel(smol.key)
    manager.shutdown()


def test_disk_filled_up_before_the_download_started(hub: FakeHub, smol: RemoteModel) -> None:
    answers = iter([10**12, 10 * MB])
    manager = DownloadManager(free_space=lambda _folder: next(answers))
    item = run(manager, smol)
    assert item.state == "failed"
    assert item.message is not None and item.message.startswith("Not enough disk space")
    assert files_under(paths.models_dir()) == []


def test_unreachable_server(
    manager: DownloadManager, smol: RemoteModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = closed_port_url()
    monkeypatch.setenv("HF_ENDPOINT", url)
    item = run(manager, smol)
    assert item.state == "failed"
    assert item.message is not None
    assert item.message.startswith(f"Can't reach the Hugging Face Hub ({url}).")
    assert files_under(paths.models_dir()) == []


def test_queue_order_and_the_list_survive_a_restart(hub: FakeHub, smol: RemoteModel) -> None:
    split = hub_client.list_repo_models(SPLIT_REPO).models[0]
    hub.faults = Faults(delay=0.01)
    manager = DownloadManager()
    manager.enqueue(smol)
    manager.enqueue(split)
    wait_for(lambda: manager.item(smol.key).state == "downloading")
    assert manager.item(split.key).state == "queued"
    manager.shutdown()  # the app quits mid-download
    restarted = DownloadManager()
    items = restarted.items()
    assert [i.key for i in items] == [smol.key, split.key]
    assert [i.state for i in items] == ["paused", "paused"]
    assert all("Interrupted when Hearth closed" in (i.message or "") for i in items)
    assert items[0].model == smol and items[1].model == split
    assert not restarted.is_busy()  # nothing goes online until the user resumes


def test_remove_deletes_partial_files(hub: FakeHub, smol: RemoteModel) -> None:
    hub.faults = Faults(delay=0.005, chunk=16 * 1024)
    manager = DownloadManager()
    manager.enqueue(smol)
    wait_for(lambda: manager.item(smol.key).downloaded_bytes > 0)
    manager.remove(smol.key)
    assert manager.wait_idle(60)
    assert manager.items() == []
    assert files_under(paths.models_dir()) == []
    assert json.loads((paths.data_dir() / "downloads.json").read_text())["downloads"] == []
