"""MainWindow: conversation list | transcript and composer | stats panel, model picker on top.

The window only composes and wires: ChatController runs turns, ConversationController the
list, ModelController model loading. The engine is reached only through the runner handed
in (tests hand in a runner over the FakeEngine).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.chat.values import ModelInfo
from app.engine.runner import EngineRunner
from app.engine.token_counter import TokenCounter
from app.session import ChatSession
from app.settings import Settings, save_settings
from app.store import ChatStore, ConversationRecord
from app.ui.chat.chat_controller import ChatController
from app.ui.chat.composer import Composer
from app.ui.chat.token_count import ComposerTokenCount
from app.ui.chat.transcript_view import TranscriptView
from app.ui.common.engine_bridge import EngineBridge
from app.ui.common.theme import code_style_for, is_dark, theme_notifier, transcript_colors
from app.ui.conversations.conversation_controller import ConversationController
from app.ui.conversations.conversation_list import ConversationList
from app.ui.models.model_controller import ModelController
from app.ui.models.model_picker import ModelPicker
from app.ui.panels.inspector_panel import InspectorPanel
from app.ui.panels.stats_panel import StatsPanel
from app.ui.shell.inspector_link import InspectorLink, stats_tabs
from app.ui.shell.window_actions import WindowActions
from app.ui.shell.window_state import WindowState, load_window_state, save_window_state

CLOSE_WAIT_S = 1.0  # how long closing waits for a stopped reply to end before saving it
SHUTDOWN_WAIT_S = 0.8  # then for the engine to save its state


class MainWindow(QMainWindow):
    def __init__(
        self,
        runner: EngineRunner,
        store: ChatStore,
        settings: Settings,
        *,
        default_model: str | None = None,
        persist_settings: Callable[[Settings], None] = save_settings,
        token_counter: TokenCounter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle("Hearth")
        self.resize(1280, 820)
        self.runner = runner
        self.store = store
        self.settings = settings
        self.default_model = default_model
        self._persist_settings = persist_settings
        self._closed = False
        self.bridge = EngineBridge(self)
        self._build_widgets()
        self.session = ChatSession(store, runner, settings)
        self.chat = ChatController(
            self.session, self.bridge, self.transcript, self.composer, self.stats_panel, self
        )
        self.models = ModelController(runner, self.picker, self.stats_panel, self)
        self.token_count = ComposerTokenCount(
            self.composer, token_counter or TokenCounter(), self.chat, self
        )
        self.conversations = ConversationController(store, self.chat, self.conversation_list, self)
        self.window_actions = WindowActions(self)
        self.inspector.set_bandwidth(settings.memory_bandwidth_gbps)
        self.inspector_link = InspectorLink(
            self.inspector,
            self.session,
            self.chat,
            self.models,
            self._on_inspector_bandwidth_measured,
            self.conversation_list,
            self,
        )
        self._connect()
        self._follow_theme()
        self._restore_window_state(load_window_state())

    # -- building ------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.conversation_list = ConversationList(self)
        self.transcript = TranscriptView(self)
        self.composer = Composer(self)
        self.stats_panel = StatsPanel(self)
        self.inspector = InspectorPanel(self.runner, self)
        self.side_tabs = stats_tabs(self.stats_panel, self.inspector, self)
        self.picker = ModelPicker(self)
        self.model_picker = self.picker.combo()
        center = self.chat_area = QWidget(self)
        center.setObjectName("chat_area")
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.transcript, 1)
        column.addWidget(self.composer)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("main_splitter")
        for widget, stretch in ((self.conversation_list, 0), (center, 1), (self.side_tabs, 0)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.indexOf(widget), stretch)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([250, 760, 270])
        self.setCentralWidget(self.splitter)
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.statusBar().setObjectName("status_bar")

    def _connect(self) -> None:
        for source in (self.chat, self.conversations):
            source.status.connect(self.show_status)
        self.models.loaded.connect(self._on_models_loaded)
        self.models.loaded.connect(self.token_count.set_model)
        self.models.load_cancelled.connect(self._on_models_load_cancelled)
        self.models.load_failed.connect(self._on_models_load_failed)
        self.picker.model_requested.connect(self.load_model)
        self.picker.add_folder_requested.connect(self._on_picker_add_folder_requested)
        self.picker.download_requested.connect(self.window_actions.open_downloads)
        self.chat.conversation_opened.connect(self._on_chat_conversation_opened)
        for keys, slot in (
            ("Ctrl+Return", self.composer.submit),
            ("Ctrl+Enter", self.composer.submit),
            ("Esc", self.composer.escape),
        ):
            # Keys for the chat area only, so Esc still cancels renaming in the list.
            shortcut = QShortcut(QKeySequence(keys), self.chat_area, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _follow_theme(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme_notifier(app).changed.connect(self._on_theme_changed)
        self._on_theme_changed(is_dark())

    def _on_theme_changed(self, dark: bool) -> None:
        self.transcript.set_theme(transcript_colors(dark), code_style_for(dark))

    # -- start-up ------------------------------------------------------------------------
    def start(self) -> None:
        """Show the last conversation and load the last model (or the default one)."""
        self.conversations.start()
        self.picker.refresh(self.settings.model_folders)
        last = self.settings.model_path
        path = last if last and Path(last).is_file() else self.default_model
        if last and path != last:
            self.show_status(f"The last model ({last}) is missing; using the default model.")
        if path:
            self.load_model(path)

    def load_model(self, path: str) -> None:
        self.chat.stop()  # the load runs after the reply ends (one engine thread)
        self.models.load(path, self.settings.load)

    def apply_settings(self, settings: Settings) -> None:
        reload = settings.load != self.settings.load
        self.settings = settings
        self.session.apply_settings(settings)
        self._persist_settings(settings)
        if reload and self.models.info is not None:
            self.load_model(self.models.info.path)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_models_loaded(self, info: ModelInfo) -> None:
        self.session.model_path = info.path
        self.composer.set_model_loaded(True)
        self.show_status(f"{info.name} is ready")
        if info.path != self.settings.model_path:
            self.settings = self.settings.with_changes(model_path=info.path)
            self._persist_settings(self.settings)

    def _on_models_load_failed(self, path: str, message: str) -> None:
        self.composer.set_model_loaded(self.models.info is not None)
        self.show_status(f"Could not load {Path(path).name}")
        box = QMessageBox(QMessageBox.Icon.Warning, "Model not loaded", message, parent=self)
        box.setObjectName("load_error_box")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _on_models_load_cancelled(self, path: str) -> None:
        self.show_status(f"Loading {Path(path).name} was cancelled")

    def _on_chat_conversation_opened(self, record: ConversationRecord | None) -> None:
        """A conversation remembers its model: switch to it when it is not the loaded one."""
        wanted = record.model_path if record is not None else None
        loaded = self.models.info.path if self.models.info is not None else None
        if not wanted or loaded is None or wanted == loaded or self.models.loading:
            return
        if Path(wanted).is_file():
            self.show_status(f"Switching to {Path(wanted).name}, this conversation's model")
            self.load_model(wanted)

    def _on_picker_add_folder_requested(self, folder: str) -> None:
        if folder and folder not in self.settings.model_folders:
            folders = (*self.settings.model_folders, folder)
            self.settings = self.settings.with_changes(model_folders=folders)
            self._persist_settings(self.settings)
        self.picker.refresh(self.settings.model_folders)

    # -- window state and closing --------------------------------------------------------
    def _on_inspector_bandwidth_measured(self, gbps: float) -> None:
        self.settings = self.settings.with_changes(memory_bandwidth_gbps=gbps)
        self._persist_settings(self.settings)

    def set_stats_visible(self, visible: bool) -> None:
        self.side_tabs.setVisible(visible)
        self.window_actions.stats_toggle.setChecked(visible)

    def _restore_window_state(self, state: WindowState) -> None:
        if state.geometry:
            self.restoreGeometry(QByteArray(state.geometry))
        if state.splitter:
            self.splitter.restoreState(QByteArray(state.splitter))
        self.set_stats_visible(state.stats_visible)

    def window_state(self) -> WindowState:
        return WindowState(
            bytes(self.saveGeometry().data()),
            bytes(self.splitter.saveState().data()),
            not self.side_tabs.isHidden(),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop a running reply, save it, let the engine save its state, then go."""
        if not self._closed:
            self._closed = True
            try:
                save_window_state(self.window_state())
            except OSError as error:
                self.show_status(f"Could not save the window layout: {error}")
            self.session.close(wait_s=CLOSE_WAIT_S)
            self.runner.shutdown(timeout=SHUTDOWN_WAIT_S)
            self.token_count.close(timeout=SHUTDOWN_WAIT_S)
        event.accept()

    def action(self, name: str) -> QAction:
        return self.window_actions.by_name[name]
