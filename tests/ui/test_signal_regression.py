"""Regression: PySide6 6.12.0 on Python 3.11 aborts after a few hundred Signal.emit calls
(`Fatal Python error: bool_dealloc`). A token-streaming app emits thousands. This runs the
emits in a child process so a crash fails this test instead of killing the whole run."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import sys, threading
    from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Qt

    class Bridge(QObject):
        text = Signal(str)
        flag = Signal(bool)

    app = QCoreApplication(sys.argv)
    bridge = Bridge()
    received = []
    bridge.text.connect(received.append, Qt.ConnectionType.QueuedConnection)
    bridge.flag.connect(lambda b: None, Qt.ConnectionType.QueuedConnection)
    N = 20000

    def worker():
        for i in range(N):
            bridge.text.emit(f"token {i} ü🙂")
            bridge.flag.emit(True)

    def check():
        if len(received) >= N:
            app.quit()

    thread = threading.Thread(target=worker)
    thread.start()
    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(5)
    QTimer.singleShot(120000, app.quit)
    app.exec()
    thread.join()
    assert received[-1] == f"token {N - 1} ü🙂", received[-1:]
    print("received", len(received))
""")


def test_twenty_thousand_queued_signals_from_a_worker_thread_survive() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        timeout=300,
        env={"QT_QPA_PLATFORM": "offscreen", **_env()},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "received 20000"


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
