"""Packaging: icons, desktop entry, Qt pruning rules, bundle checks, build-script contract.

The bundle itself is built by packaging/build_linux.sh (minutes of compiling); these tests
check the pieces it is made of, plus the built bundle's layout when dist/Hearth exists.
"""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# -- icons -------------------------------------------------------------------------------
@pytest.mark.parametrize("size", PNG_SIZES)
def test_each_png_icon_has_the_size_in_its_name(size: int) -> None:
    assert png_size((ICONS / f"hearth-{size}.png").read_bytes()) == (size, size)


def test_ico_lists_its_sizes_and_each_entry_is_that_png() -> None:
    data = (ICONS / "hearth.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for index in range(count):
        side, _, _, _, _, bits, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        width, height = png_size(data[offset : offset + length])
        assert width == height == (side or 256) and bits == 32
        sizes.append(width)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_icns_chunks_add_up_and_hold_pngs() -> None:
    data = (ICONS / "hearth.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    offset, found = 8, {}
    while offset < len(data):
        kind = data[offset : offset + 4]
        (length,) = struct.unpack(">I", data[offset + 4 : offset + 8])
        found[kind] = png_size(data[offset + 8 : offset + length])[0]
        offset += length
    assert offset == len(data)
    assert found == {b"ic11": 32, b"ic12": 64, b"ic07": 128, b"ic08": 256, b"ic09": 512}


def test_svg_source_is_there() -> None:
    svg = (ICONS / "hearth.svg").read_text("utf-8")
    assert "<svg" in svg and 'viewBox="0 0 256 256"' in svg


# -- desktop entry -----------------------------------------------------------------------
def test_desktop_entry_has_the_required_keys() -> None:
    entry = load("desktop_files").desktop_entry("/opt/Hearth/hearth", "hearth")
    lines = entry.splitlines()
    assert lines[0] == "[Desktop Entry]"
    keys = dict(line.split("=", 1) for line in lines[1:] if line)
    assert keys["Type"] == "Application" and keys["Name"] == "Hearth"
    assert keys["Exec"] == "/opt/Hearth/hearth %F" and keys["Icon"] == "hearth"
    assert keys["Terminal"] == "false" and keys["Categories"].endswith(";")
    assert keys["StartupWMClass"] == "hearth"  # app.setDesktopFileName("hearth")


def test_install_script_puts_hearth_in_the_menu_and_removes_it(tmp_path: Path) -> None:
    bundle = tmp_path / "My Apps" / "Hearth"
    bundle.mkdir(parents=True)
    (bundle / "hearth").write_text("#!/bin/sh\n")
    load("desktop_files").add_desktop_files(bundle)
    assert (bundle / "hearth.png").is_file() and (bundle / "hearth.desktop").is_file()
    data = tmp_path / "data"
    env = {**os.environ, "XDG_DATA_HOME": str(data), "HOME": str(tmp_path)}
    script = bundle / "install-desktop-entry.sh"
    subprocess.run([str(script)], env=env, cwd=tmp_path, check=True, capture_output=True)
    installed = (data / "applications" / "hearth.desktop").read_text("utf-8")
    assert f'Exec="{bundle}/hearth" %F' in installed and "\nIcon=hearth\n" in installed
    for size in PNG_SIZES:
        icon = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "hearth.png"
        assert png_size(icon.read_bytes()) == (size, size)
    subprocess.run([str(script), "--remove"], env=env, check=True, capture_output=True)
    assert not (data / "applications" / "hearth.desktop").exists()
    assert not list((data / "icons").rglob("hearth.png"))


# -- what the bundle leaves out -----------------------------------------------------------
@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),  # --self-test needs it
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqwebp.so", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
        (
            "PySide6/Qt/plugins/wayland-graphics-integration-client/libqt-plugin-wayland-egl.so",
            True,
        ),
        ("PySide6/Qt/plugins/wayland-graphics-integration-client/libvulkan-server.so", False),
        ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("llama_cpp/lib/libggml-cpu.so", True),
    ],
)
def test_bundle_filter_rules(dest: str, kept: bool) -> None:
    bundle_filter = load("bundle_filter")
    assert bundle_filter.keep_data(dest) is kept


def test_prune_venv_deletes_only_unused_qt_files(tmp_path: Path) -> None:
    site = tmp_path / "lib" / "python3.11" / "site-packages"
    files = {
        "PySide6/Qt/plugins/platforms/libqxcb.so": True,
        "PySide6/Qt/plugins/platforms/libqvnc.so": False,
        "PySide6/Qt/translations/qt_fr.qm": False,
        "PySide6/QtWidgets.abi3.so": True,
        "numpy/core/x.so": True,
    }
    for name in files:
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(b"x")
    removed = load("bundle_filter").prune_venv(tmp_path)
    assert sorted(p.relative_to(site).as_posix() for p in removed) == sorted(
        name for name, kept in files.items() if not kept
    )
    assert all((site / name).exists() is kept for name, kept in files.items())


# -- bundle checks ---------------------------------------------------------------------------
def fake_bundle(root: Path) -> Path:
    internal = root / "Hearth" / "_internal"
    for name in (
        "models/SmolLM2-135M-Instruct.Q4_1.gguf",
        "resources/icons/hearth-32.png",
        *(f"llama_cpp/lib/lib{n}.so" for n in ("llama", "ggml", "ggml-base")),
        "PySide6/Qt/lib/libQt6Widgets.so.6",
    ):
        (internal / name).parent.mkdir(parents=True, exist_ok=True)
        (internal / name).write_bytes(b"x")
    return root / "Hearth"


def test_check_bundle_accepts_a_complete_layout(tmp_path: Path) -> None:
    check = load("check_bundle")
    bundle = fake_bundle(tmp_path)
    (bundle / "_internal" / "llama_cpp" / "lib" / "libggml-cpu.so.0").write_bytes(b"x")
    assert check.problems(bundle) == []
    assert check.main([str(bundle)]) == 0


def test_check_bundle_lists_every_problem(tmp_path: Path) -> None:
    check = load("check_bundle")
    bundle = fake_bundle(tmp_path)
    internal = bundle / "_internal"
    (internal / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf").unlink()
    (internal / "PySide6" / "Qt" / "lib" / "libQt6Qml.so.6").write_bytes(b"x")
    (internal / "PySide6" / "Qt" / "translations").mkdir()
    (internal / "PySide6" / "Qt" / "translations" / "qtbase_de.qm").write_bytes(b"x")
    found = check.problems(bundle)
    assert len(found) == 4, found
    assert found[0].startswith("the default model is missing")
    assert "'ggml-cpu' is missing" in found[1]
    assert any(p == "unused Qt module collected: libQt6Qml.so.6" for p in found)
    assert any(p.startswith("1 Qt translation files") for p in found)
    assert check.main([str(bundle)]) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="objdump on ELF files")
def test_avx512_detection_on_real_libraries() -> None:
    check = load("check_bundle")
    if check.has_avx512(Path(sys.executable).resolve()) is None:
        pytest.skip("objdump is not installed")
    assert check.has_avx512(Path(sys.executable).resolve()) is False
    import llama_cpp

    dev_cpu = Path(llama_cpp.__file__).parent / "lib" / "libggml-cpu.so"
    flags = Path("/proc/cpuinfo").read_text()
    if " avx512f" in flags:  # the dev install is a native build: it uses AVX-512 here
        assert check.has_avx512(dev_cpu) is True


# -- the build scripts and spec ----------------------------------------------------------------
def test_requirements_are_the_runtime_dependencies_without_llama() -> None:
    requirements = load("requirements").runtime_requirements()
    assert "PySide6-Essentials==6.11.3" in requirements
    assert not any(r.lower().startswith("llama") for r in requirements)  # (wordllama stays)
    assert any(r.startswith("wordllama") for r in requirements)
    assert not any(r.startswith(("pytest", "ruff", "mypy")) for r in requirements)


def test_linux_build_script_compiles_a_portable_llama_outside_the_cache() -> None:
    script = (PACKAGING / "build_linux.sh").read_text("utf-8")
    subprocess.run(["bash", "-n", str(PACKAGING / "build_linux.sh")], check=True)
    assert "-DGGML_NATIVE=OFF" in script
    assert "--no-cache-dir" in script and "--no-binary llama-cpp-python" in script
    assert "build/bundle-venv" in script and "--self-test" in script
    assert "flock /tmp/hearth-model.lock" in script
    assert os.access(PACKAGING / "build_linux.sh", os.X_OK)


def test_spec_bundles_the_model_where_default_model_looks() -> None:
    from app.default_model import DEFAULT_MODEL_FILE

    spec = (PACKAGING / "hearth.spec").read_text("utf-8")
    compile(spec, "hearth.spec", "exec")
    assert f'MODEL_FILE = "{DEFAULT_MODEL_FILE}"' in spec
    assert '"models")]' in spec and 'collect_dynamic_libs("llama_cpp")' in spec


# -- the built bundle, when there is one -----------------------------------------------------
BUILT = ROOT / "dist" / "Hearth"


@pytest.mark.skipif(not (BUILT / "hearth").is_file(), reason="bundle not built")
def test_built_bundle_is_complete_and_lean() -> None:
    check = load("check_bundle")
    assert check.problems(BUILT) == []
    assert check.size_mb(BUILT) < 400
    assert (BUILT / "hearth.desktop").is_file() and (BUILT / "install-desktop-entry.sh").is_file()
