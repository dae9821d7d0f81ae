"""What the bundle leaves out of PySide6 (used by the build scripts and by hearth.spec).

Hearth is an English-only Qt Widgets app. It needs the desktop platform plugins (xcb,
wayland, cocoa, windows), offscreen for --self-test, input methods, the SVG/ICO image
formats for icons, and none of: Qt translations, embedded-display and remote platforms,
GTK's platform theme (it would drag the build machine's GTK stack into the bundle), SQL
drivers, TLS back-ends, designer or QML tooling plugins.

PyInstaller follows a plugin's library dependencies while it analyses, so leaving a plugin
out afterwards would still ship its libraries. The build scripts therefore first delete the
unused plugins from the build-only bundle venv (`python packaging/bundle_filter.py VENV`);
hearth.spec applies the same rules again to what was collected, as a guard.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

# Plugin folders with nothing Hearth uses.
DROPPED_PLUGIN_DIRS = frozenset(
    {
        "designer",
        "egldeviceintegrations",
        "generic",
        "networkinformation",
        "qmllint",
        "qmltooling",
        "sqldrivers",
        "tls",
        "printsupport",
        "vectorimageformats",
        "wayland-graphics-integration-server",
    }
)
# (folder, plugin) pairs; the plugin name has no lib/q prefix and no suffix.
DROPPED_PLUGINS = frozenset(
    {
        *(
            ("platforms", name)
            for name in (
                "eglfs",
                "linuxfb",
                "minimal",
                "minimalegl",
                "vkkhrdisplay",
                "vnc",
                "direct2d",
            )
        ),
        *(
            ("imageformats", name)
            for name in ("gif", "icns", "jpeg", "pdf", "tga", "tiff", "wbmp", "webp")
        ),
        ("platformthemes", "gtk3"),
        *(
            ("wayland-shell-integration", name)
            for name in ("fullscreen-shell-v1", "ivi-shell", "qt-shell", "wl-shell-plugin")
        ),
        *(
            ("wayland-graphics-integration-client", name)
            for name in ("dmabuf-server", "drm-egl-server", "shm-emulation-server", "vulkan-server")
        ),
    }
)
# Qt libraries only the dropped plugins load.
DROPPED_LIBRARIES = ("Qt6EglFSDeviceIntegration", "Qt6EglFsKmsSupport", "Qt6WlShellIntegration")


def plugin_of(dest: str) -> tuple[str, str] | None:
    """(folder, plugin name) when `dest` is a Qt plugin file, else None."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if "plugins" not in parts:
        return None
    index = parts.index("plugins")
    if len(parts) != index + 3:
        return None
    stem = parts[-1].split(".")[0]
    stem = stem.removeprefix("lib")
    if not stem.startswith("qt-"):
        stem = stem.removeprefix("q")
    return parts[index + 1], stem


def keep_binary(dest: str) -> bool:
    """False for a collected file (bundle destination path) the bundle leaves out."""
    name = PurePosixPath(dest.replace("\\", "/")).name
    if any(library in name for library in DROPPED_LIBRARIES):
        return False
    plugin = plugin_of(dest)
    if plugin is None:
        return True
    return plugin[0] not in DROPPED_PLUGIN_DIRS and plugin not in DROPPED_PLUGINS


def keep_data(dest: str) -> bool:
    normalized = dest.replace("\\", "/")
    if "/translations/" in normalized and normalized.endswith(".qm"):
        return False
    return keep_binary(dest)


def prune_venv(venv: Path) -> list[Path]:
    """Delete what the bundle leaves out from PySide6 in a build-only venv; the deleted files."""
    removed: list[Path] = []
    for package in venv.glob("**/site-packages/PySide6"):  # Lib/site-packages on Windows
        for file in sorted(p for p in package.rglob("*") if p.is_file() or p.is_symlink()):
            if not keep_data(file.relative_to(package.parent).as_posix()):
                file.unlink()
                removed.append(file)
    return removed


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        raise SystemExit("usage: python packaging/bundle_filter.py BUNDLE_VENV")
    gone = prune_venv(Path(sys.argv[1]))
    print(f"bundle_filter: removed {len(gone)} unused Qt files from {sys.argv[1]}")
