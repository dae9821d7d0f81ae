"""The main window's menus, toolbar actions and the dialogs they open.

Dialogs open with open() (never exec(): no nested event loops) and report back through
their `finished`/`accepted` signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from app.ui.common.icons import action_icon
from app.ui.models.downloads.download_dialog import DownloadDialog
from app.ui.shell.settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from app.ui.shell.main_window import MainWindow


class WindowActions:
    """Creates the window's actions (by objectName in `by_name`) and handles them."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self.by_name: dict[str, QAction] = {}
        self._downloads: DownloadDialog | None = None
        menu = window.menuBar()
        file_menu = menu.addMenu("&File")
        new = self._add("new_chat_action", "&New chat", "Ctrl+N", window.conversations.new)
        file_menu.addAction(new)
        file_menu.addAction(
            self._add("export_md_action", "Export as &Markdown…", "", lambda: self._export("md"))
        )
        file_menu.addAction(
            self._add("export_json_action", "Export as &JSON…", "", lambda: self._export("json"))
        )
        file_menu.addSeparator()
        file_menu.addAction(
            self._add("download_action", "&Download models…", "", self.open_downloads)
        )
        file_menu.addSeparator()
        file_menu.addAction(self._add("quit_action", "&Quit", "Ctrl+Q", window.close))
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(
            self._add("find_action", "&Find chats", "Ctrl+F", window.conversation_list.focus_search)
        )
        settings = self._add("settings_action", "&Settings…", "Ctrl+,", self.open_settings)
        edit_menu.addAction(settings)
        chat_menu = menu.addMenu("&Chat")
        chat_menu.addAction(
            self._add(
                "regenerate_action", "&Regenerate last reply", "Ctrl+R", window.chat.regenerate
            )
        )
        chat_menu.addAction(self._add("stop_action", "S&top reply", "", window.chat.stop))
        view_menu = menu.addMenu("&View")
        self.stats_toggle = self._add("stats_toggle_action", "&Statistics panel", "Ctrl+I", None)
        self.stats_toggle.setCheckable(True)
        self.stats_toggle.setChecked(True)
        self.stats_toggle.toggled.connect(window.side_tabs.setVisible)
        view_menu.addAction(self.stats_toggle)
        # The toolbar: icons with their names. "New chat" lives once, above the chat list.
        toolbar = window.toolbar
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        settings.setIcon(
            action_icon(
                QIcon.ThemeIcon.DocumentProperties, QStyle.StandardPixmap.SP_FileDialogInfoView
            )
        )
        self.stats_toggle.setIcon(
            action_icon(
                QIcon.ThemeIcon.DocumentPrintPreview,
                QStyle.StandardPixmap.SP_FileDialogDetailedView,
            )
        )
        toolbar.addWidget(window.picker)
        toolbar.addAction(settings)
        toolbar.addAction(self.stats_toggle)
        for action in (settings, self.stats_toggle):
            button = toolbar.widgetForAction(action)
            button.setObjectName(action.objectName().replace("_action", "_tool_button"))
            button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        window.menuBar().setObjectName("menu_bar")
        window.menuBar().setAccessibleName("Menu")

    def _add(self, name: str, text: str, shortcut: str, slot: object) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if callable(slot):
            action.triggered.connect(lambda _checked=False: slot())
        self.by_name[name] = action
        return action

    def _export(self, kind: str) -> None:
        conversation_id = self._window.session.conversation_id
        if conversation_id:
            self._window.conversations.ask_export(conversation_id, kind)

    def open_settings(self) -> SettingsDialog:
        """Settings as the open conversation has them (they apply to it and to new ones)."""
        window = self._window
        conversation = window.session.settings()
        shown = window.settings.with_changes(
            system_prompt=conversation.system_prompt, generation=conversation.generation
        )
        dialog = SettingsDialog(shown, window.models.gpu_offload_available, window)
        dialog.accepted.connect(lambda: window.apply_settings(dialog.settings()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_downloads(self) -> QWidget:
        """The download dialog (non-modal); verified models appear in the picker at once."""
        window = self._window
        if self._downloads is None:
            dialog = DownloadDialog(window)
            dialog.model_ready.connect(
                lambda _path: window.picker.refresh(window.settings.model_folders)
            )
            self._downloads = dialog
        self._downloads.show()
        self._downloads.raise_()
        return self._downloads
