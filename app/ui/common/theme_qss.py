"""The application's style sheet, built from a Palette: rounded cards, composer, buttons, lists.

Selectors name widgets by objectName (`#composer_card`) or by a `role` property set with
`set_role(widget, "card")`, so a widget opts into a look without subclassing.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.ui.common.palette import Palette

RADIUS = 10


def set_role(widget: QWidget, role: str) -> None:
    """Give `widget` a look from the style sheet (`[role="card"]`, `[role="primary"]`, ...)."""
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def stylesheet(p: Palette) -> str:
    return "\n".join((_base(p), _buttons(p), _lists(p), _composer(p), _cards(p)))


def _base(p: Palette) -> str:
    return f"""
QMainWindow, QDialog {{ background: {p.window}; }}
QToolBar#main_toolbar {{ background: {p.window}; border: none;
    border-bottom: 1px solid {p.border}; padding: 4px 8px; spacing: 6px; }}
QStatusBar {{ background: {p.window}; color: {p.muted}; }}
QSplitter::handle {{ background: {p.border}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QToolTip {{ background: {p.tooltip}; color: {p.on_tooltip}; border: none;
    padding: 4px 6px; border-radius: 4px; }}
QLineEdit, QPlainTextEdit#settings_system_prompt {{
    background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: 6px; padding: 4px 6px; selection-background-color: {p.selection};
    selection-color: {p.on_selection}; }}
QLineEdit:focus, QPlainTextEdit#settings_system_prompt:focus {{
    border: 1px solid {p.accent}; }}
QTabWidget::pane {{ border: none; border-top: 1px solid {p.border}; }}
QTabBar::tab {{ background: transparent; color: {p.muted}; padding: 6px 12px;
    border: none; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {p.text}; border-bottom: 2px solid {p.accent}; }}
QTabBar::tab:hover {{ color: {p.text}; }}
QTabBar::tab:focus {{ color: {p.text}; }}
QTextBrowser#transcript {{ background: {p.surface}; border: none; }}
QProgressBar {{ background: {p.surface_alt}; border: none; border-radius: 4px;
    max-height: 8px; text-align: center; color: transparent; }}
QProgressBar::chunk {{ background: {p.accent}; border-radius: 4px; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar::handle:vertical {{ background: {p.border}; border-radius: 3px; min-height: 32px; }}
QScrollBar::handle:vertical:hover {{ background: {p.muted}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ height: 0; width: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: transparent; }}
QLabel[role="muted"] {{ color: {p.muted}; }}
QLabel[role="heading"] {{ color: {p.text}; font-size: 15pt; font-weight: 600; }}
"""


def _buttons(p: Palette) -> str:
    return f"""
QPushButton {{ background: {p.surface_alt}; color: {p.text}; border: 1px solid {p.border};
    border-radius: 6px; padding: 5px 12px; }}
QPushButton:hover {{ border-color: {p.muted}; }}
QPushButton:focus {{ border: 1px solid {p.accent}; }}
QPushButton:disabled {{ color: {p.disabled_text}; }}
QPushButton[role="primary"] {{ background: {p.accent_fill}; color: {p.on_accent};
    border: 1px solid {p.accent_fill}; }}
QPushButton[role="primary"]:disabled {{ background: {p.surface_alt}; color: {p.disabled_text};
    border-color: {p.border}; }}
QPushButton[role="primary"]:focus {{ border: 2px solid {p.text}; }}
QPushButton[role="prompt"] {{ background: {p.surface}; color: {p.text}; text-align: left;
    border: 1px solid {p.border}; border-radius: {RADIUS}px; padding: 10px 14px; }}
QPushButton[role="prompt"]:hover, QPushButton[role="prompt"]:focus {{
    border-color: {p.accent}; }}
QToolButton {{ background: transparent; color: {p.text}; border: 1px solid transparent;
    border-radius: 6px; padding: 4px 6px; }}
QToolButton:hover {{ background: {p.surface_alt}; }}
QToolButton:focus {{ border: 1px solid {p.accent}; }}
QToolButton:checked {{ background: {p.surface_alt}; border-color: {p.border}; }}
QToolButton[role="round"] {{ border-radius: 16px; padding: 6px; }}
QToolButton[role="send"] {{ background: {p.accent_fill}; border-radius: 16px; padding: 6px; }}
QToolButton[role="send"]:disabled {{ background: {p.surface_alt}; }}
QToolButton[role="send"]:focus {{ border: 2px solid {p.text}; }}
QToolButton[role="action"] {{ padding: 3px; border-radius: 5px; }}
"""


def _lists(p: Palette) -> str:
    return f"""
QListView#conversation_list {{ background: {p.window}; border: none; outline: none;
    padding: 4px; }}
QListView#conversation_list::item {{ border-radius: 6px; padding: 6px 8px; color: {p.text}; }}
QListView#conversation_list::item:hover {{ background: {p.surface_alt}; }}
QListView#conversation_list::item:selected {{ background: {p.selection};
    color: {p.on_selection}; }}
QListView:focus {{ outline: none; }}
QLineEdit#conversation_search {{ border-radius: 8px; padding: 6px 8px; }}
"""


def _composer(p: Palette) -> str:
    return f"""
QFrame#composer_card {{ background: {p.surface}; border: 1px solid {p.border};
    border-radius: {RADIUS + 4}px; }}
QFrame#composer_card[focused="true"] {{ border: 1px solid {p.accent}; }}
QPlainTextEdit#composer {{ background: transparent; border: none; color: {p.text};
    selection-background-color: {p.selection}; selection-color: {p.on_selection}; }}
QLabel#composer_token_count {{ color: {p.muted}; }}
"""


def _cards(p: Palette) -> str:
    return f"""
QFrame[role="card"] {{ background: {p.surface}; border: 1px solid {p.border};
    border-radius: {RADIUS}px; }}
QFrame[role="card"] QLabel {{ background: transparent; border: none; }}
QLabel[role="card_title"] {{ color: {p.muted}; font-size: 8pt; font-weight: 600; }}
QLabel[role="card_value"] {{ color: {p.text}; font-size: 13pt; font-weight: 600; }}
QFrame#message_actions {{ background: {p.surface}; border: 1px solid {p.border};
    border-radius: 8px; }}
"""
