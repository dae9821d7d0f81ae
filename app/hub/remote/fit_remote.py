"""Fit check for a model that is still on the Hub: memory from its header (read remotely)
or, failing that, from its size; and whether it fits on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.hub.local.fit_check import (
    FitVerdict,
    MemoryEstimate,
    estimate_memory,
    estimate_memory_rough,
    fit_verdict,
    gb,
)
from app.hub.local.gguf_header import GgufFormatError, GgufMetadata
from app.hub.local.machine import DISK_MARGIN, MemoryInfo, free_disk_bytes, memory_info
from app.hub.local.quant_names import estimate_parameters
from app.hub.remote.hub_errors import HubError
from app.hub.remote.remote_values import RemoteModel


@dataclass(frozen=True, slots=True)
class FitReport:
    verdict: FitVerdict
    estimate: MemoryEstimate
    basis: str  # how the estimate was made, for the UI
    metadata: GgufMetadata | None
    free_disk: int
    needed_disk: int
    disk_ok: bool
    header_problem: str | None = None  # why the header is unknown (None when it was read)

    @property
    def disk_text(self) -> str:
        if self.disk_ok:
            return f"Disk: {gb(self.free_disk)} free; this download needs {gb(self.needed_disk)}."
        return (
            f"Disk: only {gb(self.free_disk)} free, but this download needs "
            f"{gb(self.needed_disk)} and {gb(DISK_MARGIN)} must stay free. "
            "It cannot be downloaded here."
        )


def _from_header(
    model: RemoteModel, meta: GgufMetadata, n_ctx: int, gpu_layers: int
) -> MemoryEstimate | None:
    if not (meta.block_count and meta.head_count_kv and meta.head_dim):
        return None
    if meta.context_length:
        n_ctx = min(n_ctx, meta.context_length)
    layers = meta.block_count if gpu_layers < 0 else gpu_layers
    return estimate_memory(
        model.total_size, meta.block_count, meta.head_count_kv, meta.head_dim, n_ctx, layers
    )


def assess(
    model: RemoteModel,
    n_ctx: int,
    memory: MemoryInfo,
    header: GgufMetadata | None,
    header_problem: str | None,
    free_disk: int,
    gpu_layers: int = 0,
) -> FitReport:
    """Pure: combine what is known into a verdict for the UI. `gpu_layers` (-1: all) counts
    only when the machine has GPU memory to offload to (`memory.gpu_total`)."""
    if memory.gpu_total is None:
        gpu_layers = 0
    estimate = _from_header(model, header, n_ctx, gpu_layers) if header else None
    if estimate is not None:
        basis = "Estimated from the file's header, read from the Hub."
    else:
        params = model.parameter_count or estimate_parameters(model.total_size, model.quantization)
        rough_layers = 32 if gpu_layers < 0 else gpu_layers
        estimate = estimate_memory_rough(model.total_size, params, n_ctx, rough_layers)
        why = header_problem or "the header does not give the layer sizes"
        basis = f"Rough estimate from the file size ({why})."
    verdict = fit_verdict(
        estimate, memory.total_ram, memory.available_ram, memory.gpu_total, memory.gpu_free
    )
    needed = model.total_size
    return FitReport(
        verdict,
        estimate,
        basis,
        header,
        free_disk,
        needed,
        free_disk >= needed + DISK_MARGIN,
        header_problem,
    )


def fetch_header(model: RemoteModel) -> tuple[GgufMetadata | None, str | None]:
    """Blocking (network): the remote header, or None and why it could not be had."""
    from app.hub.remote.hub_client import read_remote_header

    try:
        return read_remote_header(model), None
    except GgufFormatError as error:
        return None, f"its header could not be read: {error.reason}"
    except HubError as error:
        return None, f"the header could not be fetched: {error}"


def check_fit(
    model: RemoteModel,
    n_ctx: int,
    target_dir: Path,
    known: tuple[GgufMetadata | None, str | None] | None = None,
    gpu_layers: int = 0,
) -> FitReport:
    """Blocking: the header (fetched unless `known` from an earlier call), this machine's
    memory (GPU memory too when layers are offloaded) and free disk, judged together."""
    header, problem = known if known is not None else fetch_header(model)
    memory = memory_info(include_gpu=gpu_layers != 0)
    free = free_disk_bytes(target_dir)
    return assess(model, n_ctx, memory, header, problem, free, gpu_layers)
