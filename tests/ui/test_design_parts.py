"""The composer card (grows with its text, Send turns into Stop), the conversation list's date
groups, the model picker's two-line rows and the stats cards."""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.store.records import ConversationRecord
from app.ui.chat.composer import MAX_LINES, MIN_LINES, Composer
from app.ui.conversations.conversation_list import ConversationList
from app.ui.conversations.date_groups import date_group
from app.ui.models.model_item_delegate import split_label
from app.ui.panels.stat_cards import STAT_CARDS
from app.ui.panels.stats_panel import STAT_ROWS, StatsPanel


def test_the_composer_grows_with_its_text_up_to_a_limit(qtbot: QtBot):
    composer = Composer()
    qtbot.addWidget(composer)
    composer.resize(600, 300)
    composer.show()
    small = composer.edit.height()
    assert composer.visible_lines == MIN_LINES
    composer.edit.setPlainText("\n".join(["line"] * 5))
    assert composer.visible_lines == 5 and composer.edit.height() > small
    five = composer.edit.height()
    composer.edit.setPlainText("\n".join(["line"] * 40))
    assert composer.visible_lines == MAX_LINES and composer.edit.height() > five
    tallest = composer.edit.height()
    composer.edit.setPlainText("\n".join(["line"] * 80))
    assert composer.edit.height() == tallest  # the limit: it scrolls from here on
    composer.edit.clear()
    assert composer.edit.height() == small
    assert composer.send_button.parent() is composer.card  # one card holds them
    assert composer.edit.parent() is composer.card


def test_send_turns_into_stop_while_a_reply_streams(qtbot: QtBot):
    composer = Composer()
    qtbot.addWidget(composer)
    composer.show()
    composer.set_model_loaded(True)
    composer.edit.setPlainText("hello")
    send, stop = composer.send_button, composer.stop_button
    assert send.isVisible() and send.isEnabled() and not stop.isVisible()
    assert not send.icon().isNull() and send.accessibleName() == "Send"
    composer.set_generating(True)
    assert stop.isVisible() and not send.isVisible()
    assert stop.geometry().right() == send.geometry().right()  # in Send's place
    with qtbot.waitSignal(composer.stop_requested):
        qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    composer.set_generating(False)
    assert send.isVisible() and not stop.isVisible()
    extra = QPushButton("Attach")
    composer.add_tool(extra)  # the slot other features put their buttons in
    assert extra.parent() is composer.card and extra.isVisible()


def test_date_groups_follow_calendar_days():
    now = dt.datetime(2026, 12, 2, 0, 10).timestamp()
    minutes = 60
    assert date_group(now - 5 * minutes, now) == "Today"
    assert date_group(now - 20 * minutes, now) == "Yesterday"  # 23:50 the day before
    assert date_group(now - 3 * 86400, now) == "Previous 7 days"
    assert date_group(now - 7 * 86400, now) == "Previous 7 days"
    assert date_group(now - 9 * 86400, now) == "Older"
    assert date_group(now + 60, now) == "Today"  # a clock that stepped back


def _record(number: int, days_ago: float) -> ConversationRecord:
    when = time.time() - days_ago * 86400
    return ConversationRecord(f"id{number}", f"Chat {number}", when, when, None, {})


def test_the_list_shows_a_header_where_each_date_group_starts(qtbot: QtBot):
    records = [_record(1, 0), _record(2, 0), _record(3, 1), _record(4, 3), _record(5, 30)]
    widget = ConversationList(lambda offset, limit: records[offset : offset + limit])
    qtbot.addWidget(widget)
    widget.show()
    widget.show_list("id2")
    model, delegate = widget.model, widget.delegate
    headers = [delegate.header_for(model.index(row)) for row in range(model.rowCount())]
    assert headers == ["Today", None, "Yesterday", "Previous 7 days", "Older"]
    option = QStyleOptionViewItem()
    option.initFrom(widget.list)
    plain = delegate.sizeHint(option, model.index(1)).height()
    assert delegate.sizeHint(option, model.index(2)).height() > plain  # room for its header
    assert model.index(0).data(Qt.ItemDataRole.ToolTipRole).startswith("Chat 1\n")
    assert delegate.header_for(QModelIndex()) is None
    assert widget.list.currentIndex().row() == 1  # the selection survives the grouping
    assert widget.new_button.text() == "New chat" and not widget.new_button.icon().isNull()


def test_model_rows_split_into_name_and_details():
    assert split_label("SmolLM2 — 135M · Q4_1 · 98 MB") == ("SmolLM2", "135M · Q4_1 · 98 MB")
    assert split_label("Add folder…") == ("Add folder…", "")


def test_every_stat_sits_on_one_card(qtbot: QtBot):
    panel = StatsPanel()
    qtbot.addWidget(panel)
    placed = [name for _title, names in STAT_CARDS for name in names]
    assert sorted(placed) == sorted(STAT_ROWS)
    for title, names in STAT_CARDS:
        card = panel.findChild(QFrame, f"stat_card_{title.lower()}")
        assert card is not None and card.property("role") == "card"
        for name in names:
            label = card.findChild(QLabel, name)
            assert label is not None and label.accessibleName() == STAT_ROWS[name][0]
