"""Search, file listing, remote header and fit check against the fake Hub over real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.hub.hf_env import hub_library, online
from app.hub.local.machine import MemoryInfo
from app.hub.remote import hub_client
from app.hub.remote.fit_remote import assess, check_fit
from app.hub.remote.hub_errors import HubNotFoundError, HubUnreachableError
from tests.core.hub_server import (
    SMOL_FILE,
    SMOL_REPO,
    SPLIT_REPO,
    FakeHub,
    closed_port_url,
    standard_hub,
)

GIB = 1024**3


@pytest.fixture
def hub(default_model: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    server = standard_hub(default_model).start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    yield server
    server.stop()


def test_search_sorted_by_downloads_or_likes(hub: FakeHub) -> None:
    by_downloads = hub_client.search_repos("gguf", sort="downloads")
    assert [r.repo_id for r in by_downloads] == [SMOL_REPO, SPLIT_REPO, "someone/Other-Model-GGUF"]
    assert (by_downloads[0].downloads, by_downloads[0].likes) == (500, 10)
    assert by_downloads[1].licence == "mit"
    by_likes = hub_client.search_repos("gguf", sort="likes")
    assert [r.repo_id for r in by_likes][:2] == [SPLIT_REPO, SMOL_REPO]
    assert hub_client.search_repos("tiny-split") == [by_downloads[1]]
    [request] = [s for s in hub.seen if s.path == "/api/models"][:1]
    assert request.method == "GET"


def test_files_grouped_by_quantization_with_split_parts_as_one(hub: FakeHub) -> None:
    listing = hub_client.list_repo_models(SPLIT_REPO)
    assert listing.revision == "c" * 40
    assert listing.licence == "mit"
    groups = [(quant, [m.name for m in models]) for quant, models in listing.by_quantization()]
    assert groups == [
        ("Q2_K", ["tiny-Q2_K.gguf"]),
        ("Q4_K_M", ["tiny-Q4_K_M.gguf"]),
        ("Q8_0", ["tiny-Q8_0 (2 parts)"]),
    ]  # README and the vision projector (mmproj) are not models
    split = listing.by_quantization()[2][1][0]
    assert [f.path for f in split.files] == [
        "tiny-Q8_0-00001-of-00002.gguf",
        "tiny-Q8_0-00002-of-00002.gguf",
    ]
    assert split.total_size == sum(f.size for f in split.files)
    assert all(f.sha256 and len(f.sha256) == 64 for f in split.files)


def test_listing_the_real_model_gives_size_and_hash(hub: FakeHub, default_model: Path) -> None:
    import hashlib

    [model] = hub_client.list_repo_models(SMOL_REPO).models
    assert model.files[0].path == SMOL_FILE
    assert model.total_size == default_model.stat().st_size
    assert model.files[0].sha256 == hashlib.sha256(default_model.read_bytes()).hexdigest()
    assert model.quantization == "Q4_1"


def test_remote_header_is_read_with_a_range_request(hub: FakeHub) -> None:
    [model] = hub_client.list_repo_models(SMOL_REPO).models
    meta = hub_client.read_remote_header(model)
    assert (meta.block_count, meta.head_count_kv, meta.head_dim) == (30, 3, 64)
    assert meta.context_length == 8192
    assert hub.ranges(SMOL_FILE) == ["bytes=0-262143"]  # one block, not 98 MB


def test_fit_check_uses_the_remote_header(hub: FakeHub, tmp_path: Path) -> None:
    [model] = hub_client.list_repo_models(SMOL_REPO).models
    report = check_fit(model, 4096, tmp_path)
    assert report.estimate.from_header
    assert report.basis == "Estimated from the file's header, read from the Hub."
    assert report.estimate.kv_cache_bytes == 2 * 30 * 3 * 64 * 2 * 4096
    assert report.verdict.fit in ("fits", "tight", "won't fit")
    assert report.disk_ok
    assert report.needed_disk == model.total_size
    assert report.disk_text.endswith("free; this download needs 98 MB.")


def test_fit_check_falls_back_to_a_rough_estimate(hub: FakeHub) -> None:
    [model] = hub_client.list_repo_models(SMOL_REPO).models
    memory = MemoryInfo(total_ram=1 * GIB, available_ram=GIB // 4)
    report = assess(model, 2048, memory, None, "the header could not be fetched", 10 * GIB)
    assert not report.estimate.from_header
    assert report.basis == "Rough estimate from the file size (the header could not be fetched)."
    assert report.verdict.fit == "tight"  # 0.44 GB needed, 0.25 GB free of 1 GB
    small_disk = assess(model, 2048, memory, None, None, 150_000_000)
    assert not small_disk.disk_ok  # 98 MB fits in 150 MB, but not with 67 MB kept free
    assert small_disk.disk_text == (
        "Disk: only 150 MB free, but this download needs 98 MB and 67 MB must stay free. "
        "It cannot be downloaded here."
    )


def test_unknown_repository_is_a_clear_not_found(hub: FakeHub) -> None:
    with pytest.raises(HubNotFoundError, match="nobody/nothing was not found on the Hub"):
        hub_client.list_repo_models("nobody/nothing")


def test_unreachable_hub_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    url = closed_port_url()
    monkeypatch.setenv("HF_ENDPOINT", url)
    with pytest.raises(HubUnreachableError) as caught:
        hub_client.search_repos("qwen")
    assert str(caught.value).startswith(f"Can't reach the Hugging Face Hub ({url})")
    with pytest.raises(HubUnreachableError):
        hub_client.list_repo_models(SMOL_REPO)


def test_outside_online_the_library_stays_offline(hub: FakeHub) -> None:
    from huggingface_hub.errors import OfflineModeIsEnabled

    api = hub_library().HfApi(endpoint=hub.url)
    with pytest.raises(OfflineModeIsEnabled):
        api.model_info(SMOL_REPO)
    assert hub.seen == []
    with online():
        assert api.model_info(SMOL_REPO).sha == "a" * 40
    assert len(hub.seen) == 1


def test_online_applies_only_to_the_calling_thread(hub: FakeHub) -> None:
    from huggingface_hub.errors import OfflineModeIsEnabled

    api = hub_library().HfApi(endpoint=hub.url)
    outcome: list[BaseException | None] = []

    def other_thread() -> None:
        try:
            api.model_info(SMOL_REPO)
            outcome.append(None)
        except OfflineModeIsEnabled as error:
            outcome.append(error)

    with online():
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join(10)
    assert isinstance(outcome[0], OfflineModeIsEnabled)
    assert hub.seen == []


def test_library_is_configured_without_telemetry() -> None:
    from huggingface_hub import constants

    hub_library()
    assert constants.HF_HUB_DISABLE_TELEMETRY is True
    assert constants.HF_HUB_OFFLINE is True
    assert constants.is_offline_mode() is True


def test_gpu_memory_counts_only_on_a_gpu_build(hub: FakeHub) -> None:
    [model] = hub_client.list_repo_models(SMOL_REPO).models
    header = hub_client.read_remote_header(model)
    cpu_only = MemoryInfo(total_ram=16 * GIB, available_ram=8 * GIB)
    cpu = assess(model, 4096, cpu_only, header, None, 10 * GIB, gpu_layers=-1)
    assert cpu.estimate.gpu_bytes == 0  # no GPU memory: everything stays in RAM
    small_gpu = MemoryInfo(16 * GIB, 8 * GIB, gpu_total=300_000_000, gpu_free=100_000_000)
    gpu = assess(model, 4096, small_gpu, header, None, 10 * GIB, gpu_layers=-1)
    assert gpu.estimate.gpu_layers == 30  # -1 means every layer
    assert gpu.estimate.ram_bytes + gpu.estimate.gpu_bytes == cpu.estimate.total_bytes
    assert gpu.estimate.gpu_bytes > 100_000_000
    assert gpu.verdict.fit == "won't fit"
    assert "GPU memory" in gpu.verdict.explanation
