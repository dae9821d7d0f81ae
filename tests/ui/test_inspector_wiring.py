"""InspectorLink in a real MainWindow over the FakeEngine: replies, switching, settings."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.chat.values import Message
from app.settings import DEFAULT_SYSTEM_PROMPT
from app.ui.panels.inspector_panel import InspectorPanel
from app.ui.shell.inspector_link import InspectorLink, stats_tabs
from tests.ui.inspector_helpers import FakeMeasure
from tests.ui.window_helpers import WindowFactory, send


def attach(qtbot: QtBot, window, measure: FakeMeasure, saved: list[float]):  # type: ignore[no-untyped-def]
    """What MainWindow does: the inspector as a tab next to the stats panel, and a link."""
    inspector = InspectorPanel(window.runner, window, measure=measure)
    index = window.splitter.indexOf(window.stats_panel)
    tabs = stats_tabs(window.stats_panel, inspector, window)
    window.splitter.insertWidget(index, tabs)
    link = InspectorLink(
        inspector,
        window.session,
        window.chat,
        window.models,
        saved.append,
        window.conversation_list,
        window,
    )
    return inspector, tabs, link


def test_the_inspector_follows_replies_conversations_and_stores_bandwidth(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window().window
    measure, saved = FakeMeasure(gbps=15.0), []
    inspector, tabs, _ = attach(qtbot, window, measure, saved)
    qtbot.waitUntil(lambda: saved == [15.0], timeout=5000)  # the model was loaded already
    assert measure.threads[0].startswith("hearth-engine")
    assert tabs.count() == 2 and tabs.widget(0) is window.stats_panel

    send(qtbot, window, "hello there")
    assert len(inspector.history) == 1
    assert inspector.prompt_messages == [
        Message("system", DEFAULT_SYSTEM_PROMPT),
        Message("user", "hello there"),
    ]
    send(qtbot, window, "and again")
    first = window.session.conversation_id
    assert len(inspector.history) == 2
    assert inspector.prompt_messages[-2:] == [
        Message("assistant", "You said: hello there"),
        Message("user", "and again"),
    ]
    assert inspector.last_stats.cached_tokens > 0  # the FakeEngine held the first turn

    window.chat.new_conversation()
    assert len(inspector.history) == 0 and inspector.prompt_messages is None
    send(qtbot, window, "other chat")
    second = window.session.conversation_id
    assert len(inspector.history) == 1

    window.conversation_list.conversation_selected.emit(first)
    assert len(inspector.history) == 2
    assert inspector.prompt_messages[-1] == Message("user", "and again")

    window.conversations.delete(first)  # the open chat goes; the next one opens
    assert window.session.conversation_id == second
    assert len(inspector.history) == 1
    assert inspector.prompt_messages[-1] == Message("user", "other chat")

    window.chat.new_conversation()
    assert len(inspector.history) == 0
    window.session.open(second)  # a switch nobody announces
    assert len(inspector.history) == 0  # the inspector's tab is hidden: nothing seen yet
    tabs.setCurrentWidget(inspector)  # looking at the inspector shows the open chat
    assert len(inspector.history) == 1
