#!/usr/bin/env bash
# Takes docs/screenshot-bundle.png: the built bundle (dist/Hearth/hearth) running under Xvfb,
# answering one prompt typed with xdotool. Needs: apt-get install -y xvfb xdotool.
# Model work: run it alone, e.g.  flock /tmp/hearth-model.lock packaging/screenshot_linux.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUNDLE=${1:-$ROOT/dist/Hearth}
OUT=${2:-$ROOT/docs/screenshot-bundle.png}
PROMPT=${PROMPT:-Write a haiku about a warm fireplace on a winter night.}
GRABBER=${GRABBER_PYTHON:-$ROOT/.venv/bin/python}  # any Python with PySide6
SCREEN=:${SCREEN_NUMBER:-93}
tmp=$(mktemp -d /tmp/hearth-screenshot.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

Xvfb "$SCREEN" -screen 0 1280x820x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
export DISPLAY=$SCREEN
sleep 1
mkdir -p "$tmp/home/config"
echo '{"welcome_done": true}' > "$tmp/home/config/settings.json"  # straight to the chat
(cd "$tmp" && HEARTH_HOME="$tmp/home" QT_QPA_PLATFORM=xcb "$BUNDLE/hearth" >"$tmp/app.log" 2>&1) &
pids+=($!)
window=$(timeout 60 xdotool search --sync --onlyvisible --name '^Hearth' | head -n1)
sleep 4  # the default model loads
xdotool windowfocus --sync "$window" 2>/dev/null || true
xdotool type --delay 15 "$PROMPT"
xdotool key Return
sleep "${REPLY_WAIT_S:-15}"
QT_QPA_PLATFORM=xcb "$GRABBER" - "$OUT" <<'PY'
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
image = app.primaryScreen().grabWindow(0)
if image.isNull() or not image.save(sys.argv[1]):
    raise SystemExit("could not grab the screen")
print(f"saved {sys.argv[1]} ({image.width()}x{image.height()})")
PY
