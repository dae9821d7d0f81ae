"""Open a GGUF file with llama.cpp, or say precisely why it cannot be opened."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from app.chat.values import LoadOptions, ModelInfo
from app.engine.errors import ModelLoadCancelled, ModelLoadError
from app.engine.llama_internals import LoadProgress, model_facts, open_model
from app.engine.llama_log import LlamaLogCapture, failure_reason

GGUF_MAGIC = b"GGUF"


def check_model_file(path: str) -> None:
    """Cheap checks that give a better reason than llama.cpp's "failed to load"."""
    file = Path(path)
    if not file.exists():
        raise ModelLoadError(path, "the file does not exist.")
    if file.is_dir():
        raise ModelLoadError(path, "it is a folder, not a model file.")
    if not os.access(file, os.R_OK):
        raise ModelLoadError(path, "permission denied: the file cannot be read.")
    size = file.stat().st_size
    if size == 0:
        raise ModelLoadError(path, "the file is empty (0 bytes); the download may have failed.")
    try:
        with file.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise ModelLoadError(path, f"the file cannot be read ({error.strerror}).") from error
    if magic != GGUF_MAGIC:
        raise ModelLoadError(path, "it is not a GGUF model file (wrong magic bytes).")
    if size < 1024:
        raise ModelLoadError(path, f"the file is truncated ({size} bytes).")


def detect_backend(gpu_layers: int) -> str:
    import llama_cpp

    if not llama_cpp.llama_supports_gpu_offload() or gpu_layers == 0:
        return "CPU"
    if sys.platform == "darwin":
        return "Metal"
    lib_dir = Path(llama_cpp.__file__).parent / "lib"
    names = " ".join(p.name.lower() for p in lib_dir.glob("*")) if lib_dir.is_dir() else ""
    for marker, label in (
        ("cuda", "CUDA"),
        ("vulkan", "Vulkan"),
        ("hip", "ROCm"),
        ("sycl", "SYCL"),
    ):
        if marker in names:
            return label
    return "GPU"


def gpu_offload_available() -> bool:
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


def file_fingerprint(path: str) -> str:
    """Identity of a model file: size, mtime and a hash of its first MiB."""
    stat = Path(path).stat()
    with open(path, "rb") as handle:
        head = hashlib.sha256(handle.read(1 << 20)).hexdigest()
    return f"{Path(path).resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{head}"


def open_llama(
    path: str, options: LoadOptions, progress: LoadProgress | None = None
) -> tuple[Any, float]:
    """Construct `Llama`; returns it and the load time. Raises ModelLoadError with a reason.

    `progress(fraction)` is called while the weights load; returning False cancels the load
    (ModelLoadCancelled). A cancel that arrives after llama.cpp's last call still wins.
    """
    check_model_file(path)
    capture = LlamaLogCapture.install()
    capture.mark()
    cancelled = threading.Event()

    def report(fraction: float) -> bool:
        if progress is not None and not progress(fraction):
            cancelled.set()
        return not cancelled.is_set()

    started = time.perf_counter()
    try:
        llm = open_model(
            path,
            report,
            n_ctx=options.n_ctx,
            n_batch=options.n_batch,
            n_ubatch=options.n_batch,
            n_threads=options.n_threads,
            n_threads_batch=max(options.n_threads, os.cpu_count() or 1),
            n_gpu_layers=options.n_gpu_layers,
            logits_all=False,
            verbose=False,
        )
    except (ValueError, RuntimeError, OSError) as error:
        if cancelled.is_set():
            raise ModelLoadCancelled(path) from error
        reason = failure_reason(capture.recent()) or str(error)
        raise ModelLoadError(path, _sentence(reason)) from error
    if progress is not None and not report(1.0):
        llm.close()
        raise ModelLoadCancelled(path)
    return llm, time.perf_counter() - started


def display_name(path: str) -> str:
    """The name a person recognises: the Hugging Face repository a cached file came from
    ("HuggingFaceTB/SmolLM2-135M-Instruct-GGUF"), else the file name without ".gguf"."""
    file = Path(path)
    for parent in file.parents:
        if parent.name.startswith("models--"):
            parts = parent.name.removeprefix("models--").split("--", 1)
            return "/".join(parts)
    name = file.name
    return name[: -len(".gguf")] if name.lower().endswith(".gguf") else name


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return reason if reason.endswith(".") else reason + "."


def _meta_int(meta: dict[str, str], key: str, default: int = 0) -> int:
    try:
        return int(meta.get(key, default))
    except (TypeError, ValueError):
        return default


def describe(llm: Any, path: str, options: LoadOptions, load_seconds: float) -> ModelInfo:
    meta: dict[str, str] = dict(llm.metadata or {})
    arch = meta.get("general.architecture", "unknown")
    description, parameter_count, trained_context = model_facts(llm)
    desc = description.split()
    n_layer = _meta_int(meta, f"{arch}.block_count")
    n_head = _meta_int(meta, f"{arch}.attention.head_count", 1) or 1
    n_head_kv = _meta_int(meta, f"{arch}.attention.head_count_kv", n_head) or n_head
    head_dim = _meta_int(meta, f"{arch}.attention.key_length") or (
        _meta_int(meta, f"{arch}.embedding_length") // n_head
    )
    return ModelInfo(
        path=path,
        name=display_name(path),
        architecture=arch,
        parameter_count=parameter_count,
        quantization=desc[-1] if desc else "unknown",
        file_size=Path(path).stat().st_size,
        trained_context=trained_context,
        has_chat_template="tokenizer.chat_template" in meta,
        load_seconds=load_seconds,
        context_size=int(llm.n_ctx()),
        n_layer=n_layer,
        n_head_kv=n_head_kv,
        head_dim=head_dim,
        kv_bytes_per_token=2 * n_layer * n_head_kv * head_dim * 2,
        backend=detect_backend(options.n_gpu_layers),
        gpu_layers=options.n_gpu_layers if gpu_offload_available() else 0,
    )
