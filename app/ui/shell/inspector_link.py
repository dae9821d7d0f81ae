"""InspectorLink: keeps an InspectorPanel in step with the window it lives in.

The window creates the panel and one link; the link listens to what already exists (the
model controller's `loaded`, the chat controller's `reply_finished` and friends) and
hands the inspector each finished reply with the prompt it answered, the history of the
conversation that is open, and the bandwidth measurement to store in the settings.

Which conversation is open is checked whenever a signal hints it may have changed, and
whenever the inspector is shown, so a switch nobody announced (deleting the open chat)
is caught before anyone can see a stale history. When the path shown changes inside the
same conversation (a branch switch, regenerate, edit-and-resend, a deletion), the history
is rebuilt from the turns of the new path.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTabWidget, QWidget

from app.session import ChatSession, ReplySaved
from app.ui.chat.chat_controller import ChatController
from app.ui.conversations.conversation_list import ConversationList
from app.ui.models.model_controller import ModelController
from app.ui.panels.inspector_panel import InspectorPanel, prompt_for_reply


class InspectorLink(QObject):
    def __init__(
        self,
        inspector: InspectorPanel,
        session: ChatSession,
        chat: ChatController,
        models: ModelController,
        save_bandwidth: Callable[[float], None],
        conversation_list: ConversationList | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._inspector = inspector
        self._session = session
        self._shown: str | None = None
        self._synced = False
        models.loaded.connect(inspector.set_model)
        chat.reply_finished.connect(self._on_chat_reply_finished)
        chat.reply_started.connect(self.sync)
        chat.conversations_changed.connect(self.sync)
        opened = getattr(chat, "conversation_opened", None)  # a signal the window may add
        if opened is not None:
            opened.connect(lambda *_: self.sync())
        path_changed = getattr(chat, "path_changed", None)
        if path_changed is not None:  # another branch of the same chat: its turns, not these
            path_changed.connect(self.refresh)
        if conversation_list is not None:  # connected after the controller that opens it
            conversation_list.conversation_selected.connect(lambda _id: self.sync())
            conversation_list.hit_selected.connect(lambda _id, _message: self.sync())
        inspector.bandwidth_measured.connect(save_bandwidth)
        inspector.installEventFilter(self)
        if models.info is not None:
            inspector.set_model(models.info)
        self.sync()

    def sync(self) -> None:
        """Show the open conversation's history, if it is not the one shown already."""
        cid = self._session.conversation_id
        if self._synced and cid == self._shown:
            return
        self._shown, self._synced = cid, True
        settings = self._session.settings()
        self._inspector.set_generation(settings.generation)
        stored = self._session.messages() if cid else []
        self._inspector.show_conversation(stored, settings.system_prompt)

    def refresh(self) -> None:
        """Show the open conversation's history again: the path shown has changed."""
        self._synced = False
        self.sync()

    def _on_chat_reply_finished(self, saved: ReplySaved) -> None:
        if saved.conversation_id != self._shown:
            self.sync()  # the stored history includes this reply
            return
        settings = self._session.settings()
        self._inspector.set_generation(settings.generation)
        reply_id = saved.message.id if saved.message else None
        prompt = prompt_for_reply(self._session.messages(), settings.system_prompt, reply_id)
        self._inspector.turn_finished(saved.finished, prompt)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._inspector and event.type() == QEvent.Type.Show:
            self.sync()
        return False


def stats_tabs(stats: QWidget, inspector: InspectorPanel, parent: QWidget) -> QTabWidget:
    """The stats panel and the inspector as two tabs (objectName "stats_tabs")."""
    tabs = QTabWidget(parent)
    tabs.setObjectName("stats_tabs")
    tabs.setAccessibleName("Statistics and inspector")
    tabs.setDocumentMode(True)
    tabs.addTab(stats, "Stats")
    tabs.addTab(inspector, "Inspector")
    tabs.setTabToolTip(0, "Live numbers of the reply being written.")
    tabs.setTabToolTip(1, "Why a reply was fast or slow, measured on this machine.")
    return tabs
