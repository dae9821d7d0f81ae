"""One launch of the real window on a prepared HEARTH_HOME (run by bench/history.py).

Prints one JSON line: seconds from the parent's spawn to the window shown with its newest
conversation open, how long ``start()`` took, the GUI thread's worst stall while a search
is typed, and RSS. No model is loaded (``load_model`` is a no-op here).
Works on both the old and the new code: it only uses names both have.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    spawned = float(os.environ["HEARTH_BENCH_SPAWNED"])
    query = os.environ.get("HEARTH_BENCH_QUERY", "lighthouse")
    import psutil
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    try:
        import app.ui.shell.app as ui_app
    except ImportError:  # the layout before app/ui had sub-packages
        import app.ui.app as ui_app  # type: ignore[no-redef]

    main_window = ui_app.MainWindow
    ui_app.offer_welcome = lambda _window: None
    ui_app.default_model_path = lambda: None
    ui_app.gpu_offload_available = lambda: False
    main_window.load_model = lambda self, path: None
    result: dict[str, float] = {}
    original_start = main_window.start

    def start(self: object) -> None:
        began = time.perf_counter()
        original_start(self)
        result["start_s"] = time.perf_counter() - began
        QTimer.singleShot(0, lambda: ready(self))

    def ready(window: object) -> None:
        result["launch_s"] = time.time() - spawned
        QTimer.singleShot(300, lambda: type_search(window))

    def type_search(window: object) -> None:
        box = window.findChild(QLineEdit, "conversation_search")  # type: ignore[attr-defined]
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        probe = QTimer()
        probe.setInterval(5)
        probe.timeout.connect(tick)
        probe.start()
        for index, char in enumerate(query):
            QTimer.singleShot(120 * index, lambda c=char: QTest.keyClicks(box, c))
        end_ms = 120 * len(query) + 2500

        def finish() -> None:
            probe.stop()
            result["stall_s"] = max(gaps) if gaps else 0.0
            result["rss_mb"] = psutil.Process().memory_info().rss / 2**20
            print("RESULT " + json.dumps(result), flush=True)
            QApplication.instance().quit()  # type: ignore[union-attr]

        QTimer.singleShot(end_ms, finish)

    main_window.start = start
    sys.exit(ui_app.run_gui(None))


if __name__ == "__main__":
    main()
