"""Exceptions raised in Qt slots or threads: logged, shown in the window, the app runs on."""

from __future__ import annotations

from typing import Any

from app.logs import ExceptionHooks, install_exception_hooks
from app.ui.common.error_report import ErrorReportRelay


def install_error_reporting(window: Any) -> ExceptionHooks:
    """Hooks that log every uncaught exception and show its report in `window.error_panel`.

    The relay lives on the GUI thread, so a report from another thread is queued to it.
    """
    relay = ErrorReportRelay(window)
    relay.report.connect(window.error_panel.show_report)
    window.error_relay = relay
    return install_exception_hooks(relay.report.emit)
