"""Print the app's runtime dependencies from pyproject.toml, one per line, for the bundle venv.

llama-cpp-python is left out: every build script compiles it itself with its own CMAKE_ARGS.
The app itself is not installed: PyInstaller takes it from the source tree (hearth.spec).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def runtime_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    with pyproject.open("rb") as handle:
        dependencies: list[str] = tomllib.load(handle)["project"]["dependencies"]
    return [
        d for d in dependencies if not d.lower().replace("_", "-").startswith("llama-cpp-python")
    ]


if __name__ == "__main__":
    sys.stdout.write("\n".join(runtime_requirements()) + "\n")
