"""MainWindow: conversation list | transcript and composer | stats panel, model picker on top.

The window only composes and wires: ChatController runs turns, ConversationController the
list, ModelController model loading, ModelChoice which model that is, SettingsController
owns and saves the settings, WindowActions the menus, DocumentsWiring the documents. The
engine is reached only through the runner handed in (tests hand in one over FakeEngine).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
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

from app.chat.remote import display_name
from app.chat.values import ModelInfo
from app.engine.runner import EngineRunner
from app.engine.token_counter import TokenCounter
from app.logs import log_path
from app.session import ChatSession
from app.settings import Settings, save_settings
from app.store import ChatStore
from app.ui.chat.chat_controller import ChatController
from app.ui.chat.composer import Composer
from app.ui.chat.remote_mark import RemoteMark
from app.ui.chat.thinking_controls import ThinkingControls, thinking_label
from app.ui.chat.token_count import ComposerTokenCount
from app.ui.chat.transcript_view import TranscriptView
from app.ui.common.engine_bridge import EngineBridge
from app.ui.common.error_report import ErrorReportPanel
from app.ui.common.notice_banner import NoticeBanner
from app.ui.common.theme import code_style_for, is_dark, theme_notifier, transcript_colors
from app.ui.conversations.conversation_controller import ConversationController
from app.ui.conversations.conversation_list import ConversationList
from app.ui.models.model_controller import ModelController
from app.ui.models.model_picker import ModelPicker
from app.ui.panels.inspector_panel import InspectorPanel
from app.ui.panels.stats_panel import StatsPanel
from app.ui.server.api_server_controller import ApiServerController
from app.ui.server.api_server_panel import ApiServerPanel
from app.ui.shell.documents_wiring import DocumentsWiring
from app.ui.shell.import_export import ImportExport
from app.ui.shell.inspector_link import InspectorLink, stats_tabs
from app.ui.shell.model_choice import ModelChoice
from app.ui.shell.server_wiring import ServerWiring
from app.ui.shell.settings_controller import SettingsController
from app.ui.shell.window_actions import WindowActions, WindowCommands
from app.ui.shell.window_state import WindowState, load_window_state, save_window_state

CLOSE_WAIT_S = 1.0  # how long closing waits for a stopped reply to end before saving it
SHUTDOWN_WAIT_S = 0.8  # then for the engine to save its state


class MainWindow(QMainWindow):
    activated = Signal(str)  # a second `hearth` handed over (with a model path, or "")

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
        self.settings_controller = SettingsController(settings, persist_settings, self)
        self.default_model = default_model
        self._closed = False
        self.not_saved_reason: str | None = None  # chats live in memory only
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
        self.docs = DocumentsWiring(self.chat.documents, self.models, self.settings_controller)
        self.settings_controller.applied.connect(self._on_settings_applied)
        self.model_choice = ModelChoice(
            self.models, self.settings_controller, self.chat.stop, default_model, self
        )
        self.window_actions = self._build_actions()
        self.import_export = ImportExport(store, self.conversations.refresh, self)
        self.import_export.install(self.menuBar(), self.window_actions.by_name)
        self.api_server = ApiServerController(runner, self)
        self.inspector.set_bandwidth(settings.memory_bandwidth_gbps)
        self.inspector_link = InspectorLink(
            self.inspector,
            self.session,
            self.chat,
            self.models,
            lambda gbps: self.settings_controller.remember(memory_bandwidth_gbps=gbps),
            self.conversation_list,
            self,
        )
        self._connect()
        self._follow_theme()
        self._restore_window_state(load_window_state())

    # -- building ------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.conversation_list = ConversationList(self.store.conversation_page, self)
        self.transcript = TranscriptView(self)
        self.composer = Composer(self)
        self.banner = NoticeBanner(self)
        self.error_panel = ErrorReportPanel(str(log_path()), self)
        self.thinking_controls = ThinkingControls(self)
        self.thinking_controls.hide()  # until a thinking model is loaded
        self.stats_panel = StatsPanel(self)
        self.inspector = InspectorPanel(self.runner, self)
        self.side_tabs = stats_tabs(self.stats_panel, self.inspector, self)
        self.api_panel = ApiServerPanel(self)
        self.side_tabs.addTab(self.api_panel, "API")
        self.side_tabs.setTabToolTip(2, "The local OpenAI-compatible API server.")
        self.picker = ModelPicker(self)
        self.model_picker = self.picker.combo()
        center = self.chat_area = QWidget(self)
        center.setObjectName("chat_area")
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        self.remote_mark = RemoteMark(center)
        column.addWidget(self.banner)
        column.addWidget(self.transcript, 1)
        column.addWidget(self.remote_mark)
        column.addWidget(self.thinking_controls)
        column.addWidget(self.error_panel)
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

    def _build_actions(self) -> WindowActions:
        commands = WindowCommands(
            new_chat=self.conversations.new,
            export=self._export,
            quit=self.close,
            find_chats=self.conversation_list.focus_search,
            regenerate=self.chat.regenerate,
            stop=self.chat.stop,
            show_side_panel=self.side_tabs.setVisible,
            settings_shown=self._settings_shown,
            gpu_offload_available=lambda: self.models.gpu_offload_available,
            apply_settings=self.apply_settings,
            models_changed=lambda: self.picker.refresh(self.settings.model_folders),
        )
        return WindowActions(self.menuBar(), self.toolbar, self.picker, self, commands)

    def _export(self, kind: str) -> None:
        conversation_id = self.session.conversation_id
        if conversation_id:
            self.conversations.ask_export(conversation_id, kind)

    def _settings_shown(self) -> Settings:
        """Settings as the open conversation has them (they apply to it and to new ones)."""
        conversation = self.session.settings()
        return self.settings.with_changes(
            system_prompt=conversation.system_prompt, generation=conversation.generation
        )

    def _connect(self) -> None:
        for source in (self.chat, self.conversations, self.model_choice, self.import_export):
            source.status.connect(self.show_status)
        self.models.loaded.connect(self._on_models_loaded)
        self.models.loaded.connect(self.token_count.set_model)
        self.models.load_cancelled.connect(self._on_models_load_cancelled)
        self.models.load_failed.connect(self._on_models_load_failed)
        self.picker.model_requested.connect(self.load_model)
        self.picker.add_folder_requested.connect(self._on_picker_add_folder_requested)
        self.picker.download_requested.connect(self.window_actions.open_downloads)
        welcome = self.transcript.empty_hint
        welcome.download_requested.connect(self.window_actions.open_downloads)
        welcome.prompt_chosen.connect(self.composer.put_text)
        self.chat.conversation_opened.connect(self.model_choice.conversation_opened)
        self.chat.save_problem.connect(self._on_chat_save_problem)
        self.chat.save_recovered.connect(self._on_chat_save_recovered)
        self.settings_controller.save_failed.connect(self._on_settings_save_failed)
        self.chat.conversation_opened.connect(self._on_chat_conversation_opened)
        self.thinking_controls.changed.connect(self.session.set_thinking)
        self.transcript.keep_thinking_open = self.settings.thinking_open
        self.servers = ServerWiring(
            self.api_panel,
            self.api_server,
            self.settings_controller,
            (self.stats_panel, self.inspector),
            self.picker,
            self.show_status,
            self,
        )
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
            notifier = theme_notifier(app)
            notifier.changed.connect(self._on_theme_changed)
            if notifier.mode != self.settings.theme or notifier.dark is None:
                notifier.set_mode(self.settings.theme)  # emits changed
                return
        self._on_theme_changed(is_dark())

    def _on_theme_changed(self, dark: bool) -> None:
        self.transcript.set_theme(transcript_colors(dark), code_style_for(dark))

    # -- start-up ------------------------------------------------------------------------
    def start(self) -> None:
        """Show the last conversation and load the last model (or the default one)."""
        self.conversations.start()
        self.picker.set_servers(self.settings.remote_servers)
        self.picker.refresh(self.settings.model_folders)
        self.model_choice.start()
        if self.settings.api_server_enabled:
            self.api_server.start(self.settings.api_server_port, self.settings.api_server_key)

    @property
    def settings(self) -> Settings:
        return self.settings_controller.settings

    def load_model(self, path: str) -> None:
        self.model_choice.load(path)

    def apply_settings(self, settings: Settings) -> None:
        self.settings_controller.apply(settings)

    def _on_settings_applied(self, _old: Settings, new: Settings) -> None:
        self.session.apply_settings(new)
        self.transcript.keep_thinking_open = new.thinking_open
        app = QApplication.instance()
        if isinstance(app, QApplication) and new.theme != _old.theme:
            theme_notifier(app).set_mode(new.theme)
        self.thinking_controls.show_params(self.session.settings().generation)

    def _on_chat_conversation_opened(self, _record: object) -> None:
        self.thinking_controls.show_params(self.session.settings().generation)

    def _on_settings_save_failed(self, text: str, folder: str) -> None:
        self.banner.show_notice("settings", text, folder or None, "warning")

    # -- what happened to Hearth's own files ---------------------------------------------
    def show_start_notes(self, notes: list[tuple[str, Path | None]]) -> None:
        """One sentence each (a recovered database, reset settings), with a folder link."""
        for number, (sentence, folder) in enumerate(notes):
            self.banner.show_notice(f"start-{number}", sentence, folder, "warning")

    def mark_not_saved(self, sentence: str, folder: Path) -> None:
        """Chats live in memory only: say so in the title and in the banner, for good."""
        self.not_saved_reason = sentence
        self.setWindowTitle("Hearth — not saved")
        self.banner.show_notice("memory", sentence, folder, "error")

    def _on_chat_save_problem(self, text: str, folder: str) -> None:
        self.banner.show_notice("save", text, folder or None, "error")

    def _on_chat_save_recovered(self) -> None:
        self.banner.clear_notice("save")

    def bring_to_front(self, model: str) -> None:
        """A second `hearth` was started: show this window (and load its model, if any)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.activated.emit(model)
        if model and (self.models.info is None or self.models.info.path != model):
            self.load_model(model)

    def confirm_discard(self, unsaved: list[str]) -> bool:
        """Ask before closing would lose text; tests replace this."""
        words = sum(len(text.split()) for text in unsaved)
        why = self.not_saved_reason or "the disk refused them"
        answer = QMessageBox.question(
            self,
            "Close without saving?",
            f"{words} words of text could not be saved ({why}). Close anyway and lose them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def _unsaved(self) -> list[str]:
        lost = self.chat.unsaved_text()
        if self.store.in_memory:
            lost += [
                m.content
                for c in self.store.list_conversations()
                for m in self.store.messages(c.id)
            ]
        return lost

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_models_loaded(self, info: ModelInfo) -> None:
        self.session.model_path = info.path
        self.remote_mark.set_model(info)
        self.composer.set_model_loaded(True)
        self.transcript.reply_label = info.name
        self.transcript.empty_hint.set_model_loaded(True)
        self.thinking_controls.show_model(
            info.thinking_switch or None, thinking_label(info.thinking_switch)
        )
        self.show_status(f"{info.name} is ready")

    def _on_models_load_failed(self, path: str, message: str) -> None:
        self.composer.set_model_loaded(self.models.info is not None)
        self.transcript.empty_hint.set_model_loaded(self.models.info is not None)
        self.show_status(f"Could not load {display_name(path)}")
        box = QMessageBox(QMessageBox.Icon.Warning, "Model not loaded", message, parent=self)
        box.setObjectName("load_error_box")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _on_models_load_cancelled(self, path: str) -> None:
        self.show_status(f"Loading {display_name(path)} was cancelled")

    def _on_picker_add_folder_requested(self, folder: str) -> None:
        self.settings_controller.add_model_folder(folder)
        self.picker.refresh(self.settings.model_folders)

    # -- window state and closing --------------------------------------------------------
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
            unsaved = self._unsaved()
            if unsaved and not self.confirm_discard(unsaved):
                event.ignore()
                return
            self._closed = True
            try:
                save_window_state(self.window_state())
            except OSError as error:
                self.show_status(f"Could not save the window layout: {error}")
            self.session.close(wait_s=CLOSE_WAIT_S)
            self.api_server.stop()
            self.conversations.shutdown()
            self.runner.shutdown(timeout=SHUTDOWN_WAIT_S)
            self.token_count.close(timeout=SHUTDOWN_WAIT_S)
            self.docs.shutdown()
        event.accept()

    def action(self, name: str) -> QAction:
        return self.window_actions.by_name[name]
