"""Fixtures for the UI tests: a window factory, and an Inspector over a stand-in measurement."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.ui.chat.transcript_view import TranscriptView
from app.ui.panels.inspector_panel import InspectorPanel
from tests.ui.inspector_helpers import FakeMeasure
from tests.ui.window_helpers import make_window

__all__ = ["make_window"]


@pytest.fixture
def measure() -> FakeMeasure:
    return FakeMeasure()


@pytest.fixture
def inspector(qtbot: QtBot, measure: FakeMeasure) -> InspectorPanel:
    widget = InspectorPanel(measure=measure)
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def view(qtbot: QtBot) -> TranscriptView:
    """A shown transcript, 700 x 500 (files that need another size define their own)."""
    transcript = TranscriptView()
    qtbot.addWidget(transcript)
    transcript.resize(700, 500)
    transcript.show()
    return transcript
