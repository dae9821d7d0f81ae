"""run_gui: the application object, the main window and a clean shutdown.

llama.cpp is imported on the engine's worker thread when the first model loads, so the
window shows before the heavy library is in memory. Closing the window stops a running
reply, saves it, lets the engine save its KV state, and returns.

Start-up never ends in a dead end: a second `hearth` hands over to the running window;
damaged or hand-edited files are repaired (see `startup.py`) and the window says what
happened; a folder that cannot be written gives a window whose chats live in memory.
Every uncaught exception is logged (hearth.log) and shown in the window.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import paths
from app.default_model import default_model_path
from app.engine.protocol import ChatEngine
from app.engine.runner import EngineRunner
from app.logs import setup_logging
from app.settings import Settings
from app.ui.common.icons import app_icon
from app.ui.common.theme import apply_system_theme
from app.ui.server.qt_loop import qt_event_loop
from app.ui.shell.error_reporting import install_error_reporting
from app.ui.shell.main_window import MainWindow
from app.ui.shell.maintenance_task import MaintenanceTask
from app.ui.shell.single_instance import InstanceGuard
from app.ui.shell.startup import AskFresh, ask_fresh_database, open_startup_files
from app.ui.shell.welcome_dialog import offer_welcome

log = logging.getLogger(__name__)
UPKEEP_DELAY_MS = 3000


def make_engine(kv_cache_limit_mb: int) -> ChatEngine:
    """The real engine (runs on the worker thread: llama.cpp loads there, lazily): a local
    GGUF file, or a model on a server the person added (keys from the keyring/settings)."""
    from app.engine.llama_engine import LlamaEngine
    from app.engine.remote.keys import settings_key
    from app.engine.remote.remote_engine import RemoteEngine
    from app.engine.remote.switching import SwitchingEngine

    return SwitchingEngine(
        lambda: LlamaEngine(kv_limit_bytes=kv_cache_limit_mb << 20),
        lambda: RemoteEngine(settings_key),
    )


def gpu_offload_available() -> bool:
    from app.engine.model_loader import gpu_offload_available as probe

    return probe()


def settings_for_run(settings: Settings, args: argparse.Namespace | None) -> Settings:
    """Command-line options override the saved settings for this run."""
    options: dict[str, Any] = vars(args) if args is not None else {}
    given = {k: v for k, v in options.items() if v is not None}
    load_flags = {"ctx": "n_ctx", "threads": "n_threads", "gpu_layers": "n_gpu_layers"}
    load = replace(settings.load, **{load_flags[k]: v for k, v in given.items() if k in load_flags})
    generation = replace(
        settings.generation,
        **{k: v for k, v in given.items() if k in ("max_tokens", "temperature", "seed")},
    )
    changed = settings.with_changes(load=load, generation=generation)
    if "system" in given:
        changed = changed.with_changes(system_prompt=given["system"])
    if given.get("model"):
        changed = changed.with_changes(model_path=given["model"])
    return changed


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Hearth")
    app.setApplicationDisplayName("Hearth")
    app.setDesktopFileName("hearth")
    app.setWindowIcon(app_icon())
    apply_system_theme(app)
    return app


def _requested_model(args: argparse.Namespace | None) -> str:
    model = getattr(args, "model", None) if args is not None else None
    return str(Path(model).resolve()) if model else ""


def run_gui(
    args: argparse.Namespace | None = None,
    *,
    exit_if_engine_stuck: bool = False,
    use_fresh_database: AskFresh = ask_fresh_database,
) -> int:
    """Show the window; return the exit code when it closes.

    With `exit_if_engine_stuck` (the app's entry point), a model still evaluating a prompt
    at exit (llama.cpp cannot abort that) ends the process at once, after everything is
    saved, instead of finalizing the interpreter under a thread that is inside llama.cpp.
    """
    app = _application()
    setup_logging()
    guard = InstanceGuard(paths.data_dir())
    if not guard.claim():
        handed = guard.hand_over(_requested_model(args) or None)
        log.info("Hearth already runs; %s", "handed over" if handed else "it did not answer")
        if not handed:
            print("Hearth is already running (it did not answer).", file=sys.stderr)
        return 0 if handed else 1
    try:
        return _run_window(app, args, exit_if_engine_stuck, use_fresh_database, guard)
    finally:
        guard.release()


def _run_window(
    app: QApplication,
    args: argparse.Namespace | None,
    exit_if_engine_stuck: bool,
    ask_fresh: AskFresh,
    guard: InstanceGuard,
) -> int:
    files = open_startup_files(ask_fresh)
    if files is None:
        return 1  # the database belongs to a newer Hearth and the person chose to quit
    settings = settings_for_run(files.settings, args)
    store = files.opened.store
    runner = EngineRunner(lambda: make_engine(settings.kv_cache_limit_mb))
    default = default_model_path()
    window = MainWindow(runner, store, settings, default_model=str(default) if default else None)
    hooks = install_error_reporting(window)
    guard.activation_requested.connect(window.bring_to_front)
    window.show_start_notes(files.notes())
    if files.opened.not_saved_reason:
        window.mark_not_saved(files.opened.not_saved_reason, paths.database_path().parent)
    window.models.probe_gpu(gpu_offload_available)
    window.show()
    QTimer.singleShot(0, window.start)
    upkeep = MaintenanceTask(store.path, window)  # trash from earlier runs, search index
    upkeep.status.connect(window.show_status)
    if not store.in_memory:
        QTimer.singleShot(UPKEEP_DELAY_MS, upkeep.start)  # not while the window starts
    QTimer.singleShot(0, lambda: offer_welcome(window))
    code = 1
    try:
        result: Any = qt_event_loop().run_forever()  # qasync returns Qt's exit code
        code = int(result)
        return code
    finally:
        window.close()  # no-op when already closed; saves and stops the engine otherwise
        upkeep.stop()
        engine_closed = runner.shutdown(timeout=1.0)
        store.close()
        hooks.uninstall()
        if exit_if_engine_stuck and not engine_closed:
            _exit_now(code)


def _exit_now(code: int) -> None:
    log.info("the engine is still inside llama.cpp; exiting without finalization")
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
