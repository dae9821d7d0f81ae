"""The main window's menus, toolbar actions and the dialogs they open.

Dialogs open with open() (never exec(): no nested event loops) and report back through
their `finished`/`accepted` signals. Built from the menu bar, the toolbar and the commands
the window hands in (`WindowCommands`); it never holds the window itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QToolBar, QWidget

from app.settings import Settings
from app.ui.common.icons import set_symbol
from app.ui.models.downloads.download_dialog import DownloadDialog
from app.ui.models.model_picker import ModelPicker, describe_model
from app.ui.shell.settings_dialog import SettingsDialog


@dataclass(frozen=True, slots=True)
class WindowCommands:
    """What the menus and toolbar ask the window to do."""

    new_chat: Callable[[], None]
    export: Callable[[str], None]  # "md" or "json": the open conversation
    quit: Callable[[], object]
    find_chats: Callable[[], None]
    regenerate: Callable[[], None]
    stop: Callable[[], None]
    show_side_panel: Callable[[bool], None]
    settings_shown: Callable[[], Settings]  # what the settings dialog starts from
    gpu_offload_available: Callable[[], bool]
    apply_settings: Callable[[Settings], None]
    models_changed: Callable[[], None]  # a download finished: look for models again


class WindowActions:
    """Creates the window's actions (by objectName in `by_name`) and handles them."""

    def __init__(
        self,
        menu: QMenuBar,
        toolbar: QToolBar,
        picker: ModelPicker,
        dialog_parent: QWidget,
        commands: WindowCommands,
    ) -> None:
        self._parent = dialog_parent
        self._picker = picker
        self._commands = commands
        self.by_name: dict[str, QAction] = {}
        self._downloads: DownloadDialog | None = None
        file_menu = menu.addMenu("&File")
        new = self._add("new_chat_action", "&New chat", "Ctrl+N", commands.new_chat)
        file_menu.addAction(new)
        file_menu.addAction(
            self._add("export_md_action", "Export as &Markdown…", "", lambda: commands.export("md"))
        )
        file_menu.addAction(
            self._add("export_json_action", "Export as &JSON…", "", lambda: commands.export("json"))
        )
        file_menu.addSeparator()
        file_menu.addAction(
            self._add("download_action", "&Download models…", "", self.open_downloads)
        )
        file_menu.addSeparator()
        file_menu.addAction(self._add("quit_action", "&Quit", "Ctrl+Q", commands.quit))
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self._add("find_action", "&Find chats", "Ctrl+F", commands.find_chats))
        settings = self._add("settings_action", "&Settings…", "Ctrl+,", self.open_settings)
        edit_menu.addAction(settings)
        chat_menu = menu.addMenu("&Chat")
        chat_menu.addAction(
            self._add("regenerate_action", "&Regenerate last reply", "Ctrl+R", commands.regenerate)
        )
        chat_menu.addAction(self._add("stop_action", "S&top reply", "", commands.stop))
        view_menu = menu.addMenu("&View")
        self.stats_toggle = self._add("stats_toggle_action", "&Statistics panel", "Ctrl+I", None)
        self.stats_toggle.setCheckable(True)
        self.stats_toggle.setChecked(True)
        self.stats_toggle.toggled.connect(commands.show_side_panel)
        view_menu.addAction(self.stats_toggle)
        # The toolbar: icons with their names. "New chat" lives once, above the chat list.
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        download = self.by_name["download_action"]
        for action, icon, tip in (
            (download, "download", "Find and download models"),
            (settings, "settings", "Sampling, context, appearance (Ctrl+,)"),
            (self.stats_toggle, "stats", "Show or hide the statistics panel (Ctrl+I)"),
        ):
            set_symbol(action, icon)
            action.setToolTip(tip)
        set_symbol(new, "new_chat")
        toolbar.addWidget(picker)
        toolbar.addAction(download)
        toolbar.addAction(settings)
        toolbar.addAction(self.stats_toggle)
        for action in (download, settings, self.stats_toggle):
            button = toolbar.widgetForAction(action)
            button.setObjectName(action.objectName().replace("_action", "_tool_button"))
            button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        menu.setObjectName("menu_bar")
        menu.setAccessibleName("Menu")

    def _add(self, name: str, text: str, shortcut: str, slot: object) -> QAction:
        action = QAction(text, self._parent)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if callable(slot):
            action.triggered.connect(lambda _checked=False: slot())
        self.by_name[name] = action
        return action

    def open_settings(self) -> SettingsDialog:
        """Settings as the open conversation has them (they apply to it and to new ones)."""
        commands = self._commands
        shown = commands.settings_shown()
        embedders = [(describe_model(m), m.path) for m in self._picker.embedding_models()]
        dialog = SettingsDialog(shown, commands.gpu_offload_available(), self._parent, embedders)
        dialog.accepted.connect(lambda: commands.apply_settings(dialog.settings()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def open_downloads(self) -> QWidget:
        """The download dialog (non-modal); verified models appear in the picker at once."""
        if self._downloads is None:
            dialog = DownloadDialog(self._parent)
            dialog.model_ready.connect(lambda _path: self._commands.models_changed())
            self._downloads = dialog
        self._downloads.show()
        self._downloads.raise_()
        return self._downloads
