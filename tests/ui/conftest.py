"""Fixtures for the window tests (the panels' tests do not use them)."""

from tests.ui.window_helpers import make_window

__all__ = ["make_window"]
