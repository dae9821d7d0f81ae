"""Add the Linux desktop integration files to a built bundle folder.

    python packaging/desktop_files.py dist/Hearth

writes into the bundle: `hearth.desktop` (a template: Exec/Icon are relative until
installed), `hearth.png` (256 px icon), `icons/hearth-<size>.png`, and
`install-desktop-entry.sh`, which puts Hearth in the user's application menu with absolute
paths (a .desktop file cannot point at "the folder I am in").
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def desktop_entry(exec_path: str, icon: str) -> str:
    """The freedesktop.org entry that starts Hearth."""
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.5",
            "Name=Hearth",
            "GenericName=Local AI Chat",
            "Comment=Private, offline chat with language models on this computer",
            f"Exec={exec_path} %F",
            f"Icon={icon}",
            "Terminal=false",
            "Categories=Utility;Chat;Office;",
            "Keywords=AI;LLM;chat;assistant;offline;llama;",
            "StartupNotify=true",
            "StartupWMClass=hearth",
            "",
        ]
    )


INSTALL_SCRIPT = r"""#!/bin/sh
# Adds Hearth to your application menu (per user, no root needed). Run it from anywhere:
#   ./install-desktop-entry.sh            install
#   ./install-desktop-entry.sh --remove   remove the menu entry and icons again
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
APPS=$DATA/applications
if [ "${1:-}" = "--remove" ]; then
    rm -f "$APPS/hearth.desktop"
    for size in __SIZES__; do rm -f "$DATA/icons/hicolor/${size}x${size}/apps/hearth.png"; done
    echo "Hearth removed from the application menu."
    exit 0
fi
mkdir -p "$APPS"
for size in __SIZES__; do
    mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps"
    cp "$HERE/icons/hearth-$size.png" "$DATA/icons/hicolor/${size}x${size}/apps/hearth.png"
done
sed -e "s|^Exec=.*|Exec=\"$HERE/hearth\" %F|" -e "s|^Icon=.*|Icon=hearth|" \
    "$HERE/hearth.desktop" > "$APPS/hearth.desktop"
chmod 755 "$APPS/hearth.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$APPS" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && \
    gtk-update-icon-cache -q -t "$DATA/icons/hicolor" 2>/dev/null || true
echo "Hearth is in your application menu ($APPS/hearth.desktop)."
"""


def add_desktop_files(bundle: Path) -> None:
    if not (bundle / "hearth").is_file():
        raise SystemExit(f"{bundle} has no hearth executable: build the bundle first")
    (bundle / "hearth.desktop").write_text(desktop_entry("./hearth", "hearth.png"), "utf-8")
    shutil.copyfile(ICONS / "hearth-256.png", bundle / "hearth.png")
    (bundle / "icons").mkdir(exist_ok=True)
    for size in PNG_SIZES:
        shutil.copyfile(ICONS / f"hearth-{size}.png", bundle / "icons" / f"hearth-{size}.png")
    script = bundle / "install-desktop-entry.sh"
    script.write_text(INSTALL_SCRIPT.replace("__SIZES__", " ".join(map(str, PNG_SIZES))), "utf-8")
    script.chmod(0o755)


if __name__ == "__main__":
    add_desktop_files(Path(sys.argv[1]))
