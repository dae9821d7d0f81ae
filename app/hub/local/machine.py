"""This machine's memory, GPU memory (GPU builds only) and free disk space."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# Space a download or the fit check leaves free on the disk beyond the file itself.
DISK_MARGIN = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class MemoryInfo:
    total_ram: int
    available_ram: int
    gpu_total: int | None = None  # None: CPU-only build, or no GPU could be asked
    gpu_free: int | None = None


def system_memory() -> tuple[int, int]:
    """(total, available) bytes of RAM."""
    import psutil

    memory = psutil.virtual_memory()
    return int(memory.total), int(memory.available)


def _gpu_offload_supported() -> bool:
    try:
        import llama_cpp  # lazy: loads the native library

        return bool(llama_cpp.llama_supports_gpu_offload())
    except (ImportError, OSError, AttributeError):
        return False


def _nvidia_memory() -> tuple[int, int] | None:
    query = "--query-gpu=memory.total,memory.free"
    command = ["nvidia-smi", query, "--format=csv,noheader,nounits"]
    try:
        output = subprocess.run(command, capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    first = output.stdout.strip().splitlines()[:1]
    try:
        total_mib, free_mib = (int(value) for value in first[0].split(","))
    except (IndexError, ValueError):
        return None
    return total_mib * 1024**2, free_mib * 1024**2


def gpu_memory() -> tuple[int, int] | None:
    """(total, free) bytes of the first NVIDIA GPU when llama.cpp was built with GPU offload.

    Apple Silicon shares RAM with its GPU, so the RAM check covers it (None here)."""
    if not _gpu_offload_supported():
        return None
    return _nvidia_memory()


def memory_info(include_gpu: bool = True) -> MemoryInfo:
    total, available = system_memory()
    gpu = gpu_memory() if include_gpu else None
    if gpu is None:
        return MemoryInfo(total, available)
    return MemoryInfo(total, available, gpu[0], gpu[1])


def free_disk_bytes(folder: Path) -> int:
    """Free bytes on the disk holding `folder` (its nearest existing parent)."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return int(shutil.disk_usage(probe).free)
