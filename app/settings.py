"""User settings: one JSON file in the platformdirs config dir, saved atomically."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from app import paths
from app.atomic import write_text_atomic
from app.chat.remote import RemoteServer
from app.chat.values import GenerationParams, LoadOptions
from app.state_check import Range, StateReport, backup, check_fields, missing, read_json

log = logging.getLogger(__name__)

DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant."


@dataclass(frozen=True, slots=True)
class Settings:
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    generation: GenerationParams = field(default_factory=GenerationParams)
    load: LoadOptions = field(default_factory=LoadOptions)
    model_path: str | None = None  # last model used; None means the default model
    model_folders: tuple[str, ...] = ()
    kv_cache_limit_mb: int = 2048
    memory_bandwidth_gbps: float | None = None  # measured once by the inspector
    welcome_done: bool = False
    remote_servers: tuple[RemoteServer, ...] = ()  # added by hand: "Add a server…"
    api_server_enabled: bool = False  # the window's "Local API server" switch
    api_server_port: int = 8080
    api_server_key: str = ""
    thinking_open: bool = False  # a reasoning model's thinking stays open after it ends
    theme: Literal["system", "light", "dark"] = "system"  # the window's colours
    documents_embedder: str = ""  # an embedding GGUF for document search; "" = built-in WordLlama

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


# What a hand-edited file may hold per field (inclusive bounds; None = open).
RANGES: dict[str, Range] = {
    "temperature": (0.0, 10.0),
    "top_p": (0.0, 1.0),
    "top_k": (0, 1_000_000),
    "repeat_penalty": (0.0, 10.0),
    "max_tokens": (1, 1 << 24),
    "seed": (-1, 2**64),
    "n_ctx": (1, 1 << 24),
    "n_threads": (1, 4096),
    "n_gpu_layers": (-1, 1_000_000),
    "n_batch": (1, 1 << 24),
    "kv_cache_limit_mb": (0, 1 << 30),
    "memory_bandwidth_gbps": (1e-6, 1e9),
    "api_server_port": (1, 65535),
}
NESTED = {"generation": GenerationParams, "load": LoadOptions}


def read_settings(path: Path | None = None) -> tuple[Settings, StateReport]:
    """Settings field by field: bad fields get their defaults, the rest are kept.

    Anything reset is named in the report, and the original file is kept as a dated backup.
    """
    path = path or paths.settings_path()
    raw, unreadable = read_json(path)
    if missing(raw):
        report = StateReport(path, unreadable=unreadable)
        if unreadable is not None:
            log.warning("settings file %s unreadable (%s); using defaults", path, unreadable)
            report = StateReport(path, unreadable=unreadable, backup=backup(path))
        return Settings(), report
    servers, bad_servers = _servers(raw.pop("remote_servers", []) if isinstance(raw, dict) else [])
    good, bad = check_fields(Settings, raw, RANGES, nested=NESTED)
    good["remote_servers"] = servers
    bad += bad_servers
    if not bad:
        return Settings(**good), StateReport(path)
    log.warning("settings file %s: reset invalid fields %s", path, ", ".join(bad))
    return Settings(**good), StateReport(path, tuple(bad), backup=backup(path))


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing or broken file or field gives defaults, never a crash."""
    return read_settings(path)[0]


def _servers(raw: Any) -> tuple[tuple[RemoteServer, ...], list[str]]:
    """The usable servers of a hand-edited list, and the entries that were not."""
    servers: list[RemoteServer] = []
    bad: list[str] = []
    for index, entry in enumerate(raw if isinstance(raw, list) else [raw]):
        good, wrong = check_fields(RemoteServer, entry, {}, f"remote_servers[{index}].")
        if wrong or "base_url" not in good:
            bad.append(f"remote_servers[{index}]")
            continue
        servers.append(RemoteServer(**good))
    return tuple(servers), bad


def save_settings(settings: Settings, path: Path | None = None) -> None:
    data = asdict(settings)
    data["model_folders"] = list(settings.model_folders)
    write_text_atomic(path or paths.settings_path(), json.dumps(data, indent=2, sort_keys=True))
