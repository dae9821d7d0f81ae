"""The asyncio loop that runs on Qt's event loop (qasync), one per process."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication

_loop: asyncio.AbstractEventLoop | None = None


def qt_event_loop() -> asyncio.AbstractEventLoop:
    """The running asyncio loop, or the qasync loop over the QApplication (made once).

    The window runs Qt through `loop.run_forever()` (app.py), so coroutines (the API
    server) run on the GUI thread between Qt events.
    """
    global _loop
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    if _loop is None or _loop.is_closed():
        import qasync

        _loop = qasync.QEventLoop(QApplication.instance())
        asyncio.set_event_loop(_loop)
    return _loop
