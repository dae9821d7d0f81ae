"""User settings: one JSON file in the platformdirs config dir, saved atomically."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app import paths
from app.atomic import write_text_atomic
from app.chat.values import GenerationParams, LoadOptions

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
    thinking_open: bool = False  # a reasoning model's thinking stays open after it ends

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _from_dict(cls: Any, data: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in known})


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing or broken file gives defaults (and is logged), never a crash."""
    path = path or paths.settings_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
        generation = _from_dict(GenerationParams, raw.pop("generation", {}))
        load = _from_dict(LoadOptions, raw.pop("load", {}))
        raw["model_folders"] = tuple(raw.get("model_folders", ()))
        base: Settings = _from_dict(Settings, raw)
        return replace(base, generation=generation, load=load)
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, TypeError) as error:
        log.warning("settings file %s unreadable (%s); using defaults", path, error)
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    data = asdict(settings)
    data["model_folders"] = list(settings.model_folders)
    write_text_atomic(path or paths.settings_path(), json.dumps(data, indent=2, sort_keys=True))
