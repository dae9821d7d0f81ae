"""The Inspector's per-turn history follows the path shown (FakeEngine): an edit, a branch
switch either way, and a regenerated reply each leave it with the turns of the path on
screen, not those of the branch left behind."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from app.chat.values import Message
from app.inspect.history import stats_from_json
from tests.ui.window_helpers import WindowFactory, send


def _click(window, link: str) -> None:  # type: ignore[no-untyped-def]
    window.transcript.anchorClicked.emit(QUrl(link))


def test_the_inspector_shows_the_turns_of_the_branch_switched_to(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    built = make_window()
    window, inspector = built.window, built.window.inspector
    send(qtbot, window, "q1")
    send(qtbot, window, "q2")  # branch A: two turns
    original = built.messages()[0]
    assert len(inspector.history) == 2

    _click(window, f"hearth:edit/{original.id}")
    send(qtbot, window, "q1 edited")  # branch B: one turn
    edited = built.messages()[0]
    assert len(inspector.history) == 1, "B's turn only, not A's two"
    assert inspector.prompt_messages[-1] == Message("user", "q1 edited")

    _click(window, f"hearth:branchprev/{edited.id}")  # back to A
    path = built.messages()
    assert [m.content for m in path][-1] == "You said: q2"
    assert len(inspector.history) == 2
    assert inspector.last_stats == stats_from_json(path[-1].stats), "A's last reply"
    assert inspector.prompt_messages[-1] == Message("user", "q2")

    _click(window, f"hearth:branchnext/{original.id}")  # to B again
    assert len(inspector.history) == 1
    assert inspector.last_stats == stats_from_json(built.messages()[-1].stats)

    with qtbot.waitSignal(window.transcript.reply_completed, timeout=5000):
        _click(window, f"hearth:regenerate/{built.messages()[-1].id}")
    assert len(inspector.history) == 1, "the new reply replaces the earlier one on the path"
