"""The window with a server: "Add a server…", the picker group, chatting through it, the
"sent to" mark, figures with sources and unknowns, bad servers, Stop, remembered models."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.chat.remote import RemoteServer
from app.engine.remote.keys import keyring_available, read_key
from app.settings import Settings
from app.ui.chat.remote_mark import mark_text
from app.ui.common.format import UNKNOWN
from app.ui.shell.main_window import MainWindow
from tests.remote.openai_server import REPLY, Server
from tests.remote.remote_helpers import free_port
from tests.remote.remote_window import activate, add_server, rows
from tests.ui.window_helpers import FAKE_MODEL, Built, send
from tests.values_factory import model_info


def test_add_a_server_then_chat_through_it(
    qtbot: QtBot, make_remote_window: object, server: Server
) -> None:
    server.api_key = "sk-window"
    built: Built = make_remote_window()  # type: ignore[operator]
    window = built.window
    dialog = add_server(qtbot, window, f"127.0.0.1:{server.port}", key="sk-window")
    assert dialog.models() == list(server.models)
    assert dialog.key_note.isVisible() is (not keyring_available())
    assert dialog.add_button.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    (added,) = window.settings.remote_servers
    assert added.base_url == server.base_url and added.models == server.models
    assert read_key(added) == "sk-window" and built.saved_settings[-1] == window.settings
    texts = [text for text, _kind, _path in rows(window)]
    assert f"Server 127.0.0.1:{server.port} (on this computer)" in texts
    assert "good — on this computer · 127.0.0.1" in texts
    assert not window.remote_mark.isVisible()

    activate(qtbot, window, server.model_path("good"))
    assert window.remote_mark.isVisible()
    assert f"Sent to 127.0.0.1:{server.port}" in window.remote_mark.text()
    assert "local" in window.remote_mark.text()
    label = window.stats_panel.findChild(object, "stat_backend")
    assert label.text() == f"127.0.0.1:{server.port} (a server on this computer)"

    send(qtbot, window, "Hello through the server")
    assert built.messages()[-1].content == REPLY
    assert server.seen[-1].headers["Authorization"] == "Bearer sk-window"
    record = built.store.conversation(window.session.conversation_id or "")
    assert record is not None and record.model_path == server.model_path("good")
    panel = window.stats_panel
    assert panel.findChild(object, "stat_decode_rate").text() == "100 tok/s · server"
    assert panel.findChild(object, "stat_ttft").text().endswith(" · here")
    assert "Source: server usage." in panel.findChild(object, "stat_generated").toolTip()
    kv = window.inspector.findChild(object, "insp_kv_size").text()
    assert kv.startswith(f"On the server (127.0.0.1:{server.port})")


def test_figures_a_server_does_not_report_show_as_unknown(
    qtbot: QtBot, make_remote_window: object, server: Server
) -> None:
    settings = Settings(remote_servers=(RemoteServer(server.base_url, ("plain",)),))
    built: Built = make_remote_window(settings)  # type: ignore[operator]
    activate(qtbot, built.window, server.model_path("plain"))
    send(qtbot, built.window, "Hello")
    panel = built.window.stats_panel
    for name in ("stat_generated", "stat_prompt_tokens", "stat_cached_tokens", "stat_decode_rate"):
        assert panel.findChild(object, name).text() == UNKNOWN, name
    assert panel.findChild(object, "stat_context").text() == UNKNOWN
    assert panel.last_stats is not None and "generated_tokens" in panel.last_stats.unknown


@pytest.mark.parametrize(
    ("model", "partial", "said"),
    [
        ("cut", "Half a reply", "closed in the middle of the reply"),
        ("notjson", "Some", "not JSON"),
        ("500", "", "failed (HTTP 500): CUDA out of memory"),
    ],
)
def test_a_bad_server_shows_its_message_and_keeps_the_partial_reply(
    qtbot: QtBot, make_remote_window: object, server: Server, model: str, partial: str, said: str
) -> None:
    settings = Settings(remote_servers=(RemoteServer(server.base_url, (model, "good")),))
    built: Built = make_remote_window(settings)  # type: ignore[operator]
    window = built.window
    activate(qtbot, window, server.model_path(model))
    send(qtbot, window, "Hello")
    shown = window.transcript.messages
    assert shown[-1].role == "notice" and said in shown[-1].content
    replies = [(m.content, m.complete) for m in built.messages() if m.role == "assistant"]
    assert replies == ([(partial, False)] if partial else [])
    message = window.stats_panel.findChild(object, "stat_message")
    assert said in message.text()
    assert window.composer.edit.isEnabled(), "the window is ready for the next message"


def test_stop_ends_a_reply_from_a_server_that_never_answers(
    qtbot: QtBot, make_remote_window: object, server: Server
) -> None:
    settings = Settings(remote_servers=(RemoteServer(server.base_url, ("never",)),))
    built: Built = make_remote_window(settings)  # type: ignore[operator]
    window = built.window
    activate(qtbot, window, server.model_path("never"))
    window.composer.edit.setPlainText("Hello?")
    with qtbot.waitSignal(window.chat.reply_started, timeout=5_000):
        qtbot.keyClick(window.composer.edit, Qt.Key.Key_Return)
    assert window.composer.stop_button.isVisible()
    with qtbot.waitSignal(window.chat.reply_finished, timeout=900) as finished:
        qtbot.mouseClick(window.composer.stop_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].finished.reason == "cancelled", "Stop won before the 1 s timeout"


def test_a_conversation_remembers_its_remote_model_only_while_the_server_is_added(
    qtbot: QtBot, make_remote_window: object, server: Server
) -> None:
    settings = Settings(remote_servers=(RemoteServer(server.base_url, ("good",)),))
    built: Built = make_remote_window(settings)  # type: ignore[operator]
    window = built.window
    remote_chat = window.session.conversation_id
    activate(qtbot, window, server.model_path("good"))
    send(qtbot, window, "Hello")
    load_local(qtbot, window)
    assert not window.remote_mark.isVisible(), "a local model sends nothing anywhere"
    window.chat.new_conversation()
    send(qtbot, window, "Local now")
    with qtbot.waitSignal(window.models.loaded, timeout=10_000) as loaded:
        window.conversations.open(remote_chat)
    assert loaded.args[0].path == server.model_path("good")
    load_local(qtbot, window)
    requests = len(server.seen)
    window.settings_controller.remember(remote_servers=())
    window.chat.new_conversation()
    window.conversations.open(remote_chat)
    qtbot.wait(200)
    assert window.models.info is not None and window.models.info.path == FAKE_MODEL
    assert len(server.seen) == requests, "a server no longer added is never contacted"


def load_local(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.models.loaded, timeout=10_000):
        window.load_model(FAKE_MODEL)


def test_the_mark_says_when_messages_leave_the_computer() -> None:
    remote = model_info(endpoint="http://10.1.2.3:8000/v1", backend="10.1.2.3:8000 (remote)")
    assert mark_text(remote) == (
        "Sent to 10.1.2.3:8000: this conversation's messages leave this computer."
    )
    assert "a server on this computer (local)" in mark_text(
        model_info(endpoint="http://localhost:8080/v1")
    )
    assert mark_text(model_info()) == ""


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("no key", "needs an API key (HTTP 401). Add one."),
        ("wrong key", "refused the API key (HTTP 401)"),
        ("wrong path", "there is no OpenAI-compatible API at"),
        ("html", "does not look like an OpenAI-compatible server"),
        ("closed port", "Cannot reach the server at 127.0.0.1:"),
        ("not a url", "Only http:// and https:// servers are supported"),
    ],
)
def test_the_add_server_dialog_says_why_a_server_cannot_be_added(
    qtbot: QtBot, make_remote_window: object, server: Server, case: str, said: str
) -> None:
    built: Built = make_remote_window()  # type: ignore[operator]
    server.api_key = "sk-right" if "key" in case else ""
    server.models_mode = "html" if case == "html" else "ok"
    url = {
        "wrong path": server.base_url.replace("/v1", "/api"),
        "closed port": f"http://127.0.0.1:{free_port()}/v1",
        "not a url": "ftp://files.example.org",
    }.get(case, server.base_url)
    dialog = add_server(qtbot, built.window, url, key="sk-wrong" if case == "wrong key" else "")
    assert said in dialog.status.text()
    assert not dialog.add_button.isEnabled() and dialog.models() == []
    assert built.window.settings.remote_servers == ()
