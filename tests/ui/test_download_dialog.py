"""The download dialog driven with pytest-qt against the fake Hub (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import paths
from app.hub.downloads.download_store import save_items
from app.hub.downloads.download_values import DownloadItem
from app.hub.downloads.manager import DownloadManager
from app.hub.downloads.verify import sha256_of
from app.hub.remote.catalogue import CATALOGUE
from app.hub.remote.remote_values import RemoteFile, RemoteModel
from app.ui.models.downloads.download_dialog import DownloadDialog
from tests.core.hub_server import (
    SMOL_FILE,
    SMOL_REPO,
    FakeHub,
    Faults,
    closed_port_url,
    file_sha256,
)

WAIT_MS = 60_000


@pytest.fixture
def dialog(qtbot, manager: DownloadManager) -> DownloadDialog:
    shown = DownloadDialog(manager=manager, n_ctx=4096)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def search(qtbot, dialog: DownloadDialog, words: str) -> None:
    browse = dialog.browse
    browse.tabs.setCurrentIndex(1)
    qtbot.keyClicks(browse.search_edit, words)
    qtbot.mouseClick(browse.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(browse.search_button.isEnabled, timeout=WAIT_MS)


def pick_smol_file(qtbot, dialog: DownloadDialog) -> None:
    search(qtbot, dialog, "smol")
    dialog.browse.results_list.setCurrentRow(0)
    tree = dialog.files.files_tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    tree.setCurrentItem(tree.topLevelItem(0).child(0))
    qtbot.waitUntil(dialog.files.download_button.isEnabled, timeout=WAIT_MS)


def smol_key() -> str:
    return f"{SMOL_REPO}/{SMOL_FILE}"


def test_happy_path_search_check_download_verify(
    qtbot, dialog: DownloadDialog, hub: FakeHub, default_model: Path
) -> None:
    assert dialog.browse.catalogue_list.count() == len(CATALOGUE)
    search(qtbot, dialog, "smol")
    assert dialog.browse.search_status.text() == "1 GGUF repository"
    assert (
        dialog.browse.results_list.item(0)
        .text()
        .startswith(f"{SMOL_REPO} — apache-2.0 · 500 downloads · 10 likes")
    )
    dialog.browse.results_list.setCurrentRow(0)
    tree = dialog.files.files_tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    group = tree.topLevelItem(0)
    assert [group.text(0), group.child(0).text(0), group.child(0).text(1)] == [
        "Q4_1",
        SMOL_FILE,
        "98 MB",
    ]
    assert "licence: apache-2.0" in dialog.files.title_label.text()
    tree.setCurrentItem(group.child(0))
    qtbot.waitUntil(dialog.files.download_button.isEnabled, timeout=WAIT_MS)
    download_and_check(qtbot, dialog, default_model)


def download_and_check(qtbot, dialog: DownloadDialog, default_model: Path) -> None:
    assert "needs about" in dialog.files.fit_label.text()
    assert "context of 4,096 tokens" in dialog.files.fit_label.text()
    assert dialog.files.basis_label.text() == "Estimated from the file's header, read from the Hub."
    assert dialog.files.disk_label.text().startswith("Disk: ")
    hook_threads: list[threading.Thread] = []
    dialog.manager.on_model_ready = lambda _path: hook_threads.append(threading.current_thread())
    with qtbot.waitSignal(dialog.model_ready, timeout=WAIT_MS) as ready:
        qtbot.mouseClick(dialog.files.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(hook_threads) == 1, timeout=WAIT_MS)
    assert hook_threads == [threading.main_thread()]  # safe to refresh the picker from it
    path = Path(ready.args[0])
    assert path == paths.models_dir() / SMOL_REPO / SMOL_FILE
    assert sha256_of(path) == file_sha256(default_model)
    row = dialog.queue.row(smol_key())
    assert row is not None
    qtbot.waitUntil(lambda: row.status.text().startswith("Verified"), timeout=WAIT_MS)
    assert row.progress.value() == row.progress.maximum()
    assert row.cancel_button.isHidden() and row.resume_button.isHidden()
    assert not dialog.banner.isVisible()


def test_context_length_changes_the_estimate(qtbot, dialog: DownloadDialog, hub: FakeHub) -> None:
    pick_smol_file(qtbot, dialog)
    assert "context of 4,096 tokens" in dialog.files.fit_label.text()
    dialog.files.context_spin.setValue(8192)
    qtbot.waitUntil(lambda: "context of 8,192" in dialog.files.fit_label.text(), timeout=WAIT_MS)
    assert hub.ranges(SMOL_FILE) == ["bytes=0-262143"]  # the header is fetched once


def test_unreachable_hub_shows_a_banner_and_keeps_the_catalogue(
    qtbot, dialog: DownloadDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = closed_port_url()
    monkeypatch.setenv("HF_ENDPOINT", url)
    search(qtbot, dialog, "qwen")
    message = f"Can't reach the Hugging Face Hub ({url})."
    assert dialog.banner.isVisible()
    assert dialog.banner.text().startswith(message)
    assert dialog.browse.search_status.text().startswith(message)
    dialog.browse.tabs.setCurrentIndex(0)
    dialog.browse.catalogue_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: dialog.files.title_label.text().startswith(message), timeout=WAIT_MS)
    assert dialog.browse.catalogue_list.count() == len(CATALOGUE)
    assert not dialog.files.download_button.isEnabled()


def test_corrupted_download_is_reported_and_can_be_resumed(
    qtbot, dialog: DownloadDialog, hub: FakeHub
) -> None:
    ready: list[str] = []
    dialog.model_ready.connect(ready.append)
    hub.faults = Faults(corrupt_at=40_000_000)
    pick_smol_file(qtbot, dialog)
    qtbot.mouseClick(dialog.files.download_button, Qt.MouseButton.LeftButton)
    row = dialog.queue.row(smol_key())
    qtbot.waitUntil(lambda: "failed verification" in row.status.text(), timeout=WAIT_MS)
    assert row.status.text().startswith(f"{SMOL_FILE} failed verification")
    assert not row.resume_button.isHidden()
    assert not (paths.models_dir() / SMOL_REPO / SMOL_FILE).exists()
    assert ready == []
    hub.faults = Faults()
    qtbot.mouseClick(row.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.status.text().startswith("Verified"), timeout=WAIT_MS)
    # "ready" travels its own queued path: it may arrive just after the row says Verified
    qtbot.waitUntil(lambda: len(ready) >= 1, timeout=WAIT_MS)
    assert len(ready) == 1


def test_cancel_then_resume_in_the_dialog(qtbot, dialog: DownloadDialog, hub: FakeHub) -> None:
    hub.faults = Faults(delay=0.005, chunk=16 * 1024)
    pick_smol_file(qtbot, dialog)
    qtbot.mouseClick(dialog.files.download_button, Qt.MouseButton.LeftButton)
    row = dialog.queue.row(smol_key())
    qtbot.waitUntil(lambda: "B/s · " in row.status.text(), timeout=WAIT_MS)
    assert " of 98 MB" in row.status.text()
    qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    assert row.status.text().startswith("Paused · ")
    assert not row.resume_button.isHidden() and row.cancel_button.isHidden()
    assert dialog.manager.wait_idle(WAIT_MS / 1000)
    hub.faults = Faults()
    qtbot.mouseClick(row.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.status.text().startswith("Verified"), timeout=WAIT_MS)
    assert hub.ranges(SMOL_FILE)[-1] not in (None, "bytes=0-262143")


def test_not_enough_disk_space_is_refused_in_the_dialog(qtbot, hub: FakeHub) -> None:
    manager = DownloadManager(free_space=lambda _folder: 10_000_000)
    dialog = DownloadDialog(manager=manager)
    qtbot.addWidget(dialog)
    dialog.show()
    pick_smol_file(qtbot, dialog)
    qtbot.mouseClick(dialog.files.download_button, Qt.MouseButton.LeftButton)
    assert dialog.files.notice_label.text().startswith("Not enough disk space")
    assert manager.items() == []
    assert dialog.queue.row(smol_key()) is None


def test_interrupted_downloads_are_listed_after_a_restart(qtbot) -> None:
    model = RemoteModel(SMOL_REPO, "a" * 40, "Q4_1", (RemoteFile(SMOL_FILE, 1000, "f" * 64),))
    save_items([DownloadItem(model=model, state="downloading")])
    manager = DownloadManager()
    dialog = DownloadDialog(manager=manager)
    qtbot.addWidget(dialog)
    row = dialog.queue.row(model.key)
    assert row is not None
    assert row.status.text().startswith("Interrupted when Hearth closed.")
    assert not row.resume_button.isHidden()
    assert dialog.queue.empty_label.isHidden()


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        (
            {"state": "downloading", "downloaded_bytes": 12_300_000, "speed": 4_500_000.0,
             "eta_seconds": 19.6},
            "12 MB of 98 MB · 4.5 MB/s · 20 s left",
        ),
        ({"state": "downloading", "downloaded_bytes": 0}, "0 B of 98 MB"),
        ({"state": "queued"}, "Waiting · 98 MB"),
        ({"state": "verifying"}, "Verifying SHA-256 · 98 MB"),
        ({"state": "done"}, "Verified · 98 MB · in the model picker"),
        ({"state": "paused", "downloaded_bytes": 40_000_000},
         "Paused · 40 MB of 98 MB kept · Resume continues from there"),
        ({"state": "failed", "message": "It broke."}, "It broke."),
        ({"state": "downloading", "downloaded_bytes": 1, "eta_seconds": 3725.0},
         "1 B of 98 MB · 1 h 02 min left"),
    ],
)  # fmt: skip
def test_status_lines(changes: dict, text: str) -> None:
    from app.ui.models.downloads.download_text import describe_download

    model = RemoteModel(SMOL_REPO, "a" * 40, "Q4_1", (RemoteFile(SMOL_FILE, 98_362_432, None),))
    assert describe_download(DownloadItem(model=model).with_changes(**changes)) == text


def test_the_embedding_model_is_offered_for_documents_not_for_chat() -> None:
    from app.hub.remote.catalogue import CATALOGUE
    from app.ui.models.downloads.download_text import describe_download, describe_repo

    (entry,) = [e for e in CATALOGUE if e.kind == "embedding"]
    assert entry.repo_id == "nomic-ai/nomic-embed-text-v1.5-GGUF" and not entry.thinks
    assert describe_repo(entry).endswith("137M · apache-2.0 · embedding model for documents")
    file = RemoteFile("nomic-embed-text-v1.5.Q4_K_M.gguf", 84_106_624, None)
    done = DownloadItem(model=RemoteModel(entry.repo_id, "b" * 40, "Q4_K_M", (file,)))
    assert describe_download(done.with_changes(state="done")).endswith(
        "in Settings, Document search"
    )
