"""Check a built one-folder bundle before it ships:

    python packaging/check_bundle.py dist/Hearth

- the default model is at `<_internal>/models/SmolLM2-135M-Instruct.Q4_1.gguf`
  (where app/default_model.py looks through sys._MEIPASS);
- the llama.cpp libraries are in `<_internal>/llama_cpp/lib` (where llama_cpp loads them);
- on x86-64 Linux, the CPU backend holds no AVX-512 code (a native build would crash on
  most desktop CPUs);
- no Qt module Hearth does not use (QML/Quick, WebEngine, 3D, Multimedia...) and no Qt
  translations were collected;
- the app icon is there.
Prints the bundle's size; exits 1 with every problem listed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
UNWANTED_QT = (
    "Qt6Qml",
    "Qt6Quick",
    "Qt6WebEngine",
    "Qt63D",
    "Qt6Multimedia",
    "Qt6Pdf",
    "Qt6Designer",
    "Qt6Charts",
    "Qt6Sql",
    "Qt6Test",
)
LLAMA_LIBRARIES = ("llama", "ggml", "ggml-base", "ggml-cpu")


def internal_dir(bundle: Path) -> Path:
    """Where PyInstaller put the collected files (sys._MEIPASS at run time)."""
    for candidate in (bundle / "_internal", bundle / "Contents" / "Frameworks", bundle):
        if (candidate / "models").is_dir() or (candidate / "llama_cpp").is_dir():
            return candidate
    return bundle / "_internal"


def _library_present(lib_dir: Path, name: str) -> bool:
    patterns = (f"lib{name}.so*", f"lib{name}.dylib", f"{name}.dll", f"lib{name}.dll")
    return any(any(lib_dir.glob(pattern)) for pattern in patterns)


def has_avx512(library: Path) -> bool | None:
    """True when the library uses zmm registers; None when objdump is not available."""
    objdump = shutil.which("objdump")
    if objdump is None:
        return None
    listing = subprocess.run(
        [objdump, "-d", "--no-show-raw-insn", str(library)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "%zmm" in listing


def problems(bundle: Path) -> list[str]:
    found: list[str] = []
    internal = internal_dir(bundle)
    if not (internal / "models" / MODEL_FILE).is_file():
        found.append(f"the default model is missing: {internal / 'models' / MODEL_FILE}")
    lib_dir = internal / "llama_cpp" / "lib"
    found += [
        f"llama.cpp library '{name}' is missing from {lib_dir}"
        for name in LLAMA_LIBRARIES
        if not _library_present(lib_dir, name)
    ]
    cpu = lib_dir / "libggml-cpu.so"
    if sys.platform.startswith("linux") and cpu.is_file() and has_avx512(cpu):
        found.append(f"{cpu} contains AVX-512 code: build llama.cpp with -DGGML_NATIVE=OFF")
    files = [p for p in internal.rglob("*") if p.is_file()]
    found += sorted(
        {
            f"unused Qt module collected: {p.name}"
            for p in files
            if any(name in p.name for name in UNWANTED_QT)
        }
    )
    translations = [p for p in files if p.suffix == ".qm"]
    if translations:
        found.append(
            f"{len(translations)} Qt translation files collected (e.g. {translations[0].name})"
        )
    if not any((internal / "resources" / "icons").glob("hearth-*.png")):
        found.append("the app icon (resources/icons/hearth-*.png) is missing")
    return found


def size_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python packaging/check_bundle.py BUNDLE_FOLDER", file=sys.stderr)
        return 2
    bundle = Path(argv[0])
    found = problems(bundle)
    for problem in found:
        print(f"check_bundle: {problem}", file=sys.stderr)
    if found:
        return 1
    print(f"check_bundle: {bundle} is complete ({size_mb(bundle):.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
