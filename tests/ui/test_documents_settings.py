"""Documents and the rest of the window: the embedder chosen in Settings (embedding models
found on the machine, never offered for chat in the picker), attachments counted with the
loaded model's tokenizer against half its context, and the index closed with the window."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.engine.fake import FakeEngine
from app.hub.local.local_scan import LocalModel
from app.settings import Settings
from app.ui.models.model_picker import EMBEDDING_HEADER, KIND_ROLE, PATH_ROLE, ModelPicker
from app.ui.shell.settings_dialog import BUILT_IN_EMBEDDER, SettingsDialog
from tests.core import documents_files as files
from tests.ui.window_helpers import SMALL_CONTEXT, build_window, close_built


def _model(path: str, embedding: bool) -> LocalModel:
    return LocalModel(path, Path(path).stem, "models_dir", 84_000_000, 137_000_000, "Q4_K_M",
                      2048, None, embedding)  # fmt: skip


def test_settings_offer_the_embedding_models_found_and_keep_a_missing_one(qtbot: QtBot) -> None:
    found = [("nomic-embed-text-v1.5.Q4_K_M — 137M", "/m/nomic.gguf")]
    dialog = SettingsDialog(Settings(), False, None, found)
    qtbot.addWidget(dialog)
    combo = dialog.findChild(QComboBox, "settings_documents_embedder")
    assert combo is not None and combo.accessibleName() == "Document search"
    assert [combo.itemText(i) for i in range(combo.count())] == [BUILT_IN_EMBEDDER, found[0][0]]
    assert dialog.settings().documents_embedder == ""
    combo.setCurrentIndex(1)
    assert dialog.settings().documents_embedder == "/m/nomic.gguf"
    gone = SettingsDialog(Settings(documents_embedder="/old/mini.gguf"), False, None, found)
    qtbot.addWidget(gone)
    kept = gone.findChild(QComboBox, "settings_documents_embedder")
    assert kept.currentText() == "mini.gguf (not found)"
    assert gone.settings().documents_embedder == "/old/mini.gguf"  # never reset silently
    buttons = gone.findChild(QDialogButtonBox, "settings_buttons")
    buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert gone.settings().documents_embedder == ""


def test_the_picker_lists_embedding_models_apart_and_never_for_chat(qtbot: QtBot) -> None:
    chat, embedder = _model("/m/chat.gguf", False), _model("/m/nomic.gguf", True)
    picker = ModelPicker(scanner=lambda _folders: [chat, embedder])
    qtbot.addWidget(picker)
    with qtbot.waitSignal(picker.scan_finished, timeout=10_000):
        picker.refresh()
    model = picker.combo().model()
    texts = [model.index(r, 0).data() for r in range(model.rowCount())]
    row = next(r for r, t in enumerate(texts) if t.startswith("nomic"))
    index = model.index(row, 0)
    assert texts[row - 1] == EMBEDDING_HEADER and index.data(KIND_ROLE) == "header"
    assert index.data(PATH_ROLE) is None and not model.flags(index) & Qt.ItemFlag.ItemIsEnabled
    assert "cannot chat" in index.data(Qt.ItemDataRole.ToolTipRole)  # says why
    assert [m.path for m in picker.embedding_models()] == ["/m/nomic.gguf"]


def test_attachments_are_counted_with_the_loaded_models_tokenizer_and_closed_with_it(
    qtbot: QtBot, default_model: Path, tmp_path: Path
) -> None:
    fake = FakeEngine()  # answers, but "loads" the real file's path: its tokenizer is read
    built = build_window(qtbot, lambda: fake, str(default_model), Settings(load=SMALL_CONTEXT))
    try:
        window = built.window
        bar = window.composer.attachments
        assert bar.budget_tokens == SMALL_CONTEXT.n_ctx // 2
        readings = tmp_path / "readings.txt"
        readings.write_text("\n".join("7319 4402 9157 2268" for _ in range(60)))
        bar.add([readings])  # ~600 tokens by four characters a token, ~1,900 counted
        qtbot.waitUntil(lambda: len(bar.plans) == 1, timeout=10_000)
        plan = bar.plans[0]
        assert plan.exact and plan.mode == "passages" and plan.tokens > bar.budget_tokens
        assert f"retrieved passages (~1,125 of {plan.tokens:,} tokens)" in bar.label.text()
        notes = tmp_path / "notes.md"
        notes.write_text(files.MARKDOWN)
        bar.clear()
        bar.add([notes])
        qtbot.waitUntil(lambda: len(bar.plans) == 1, timeout=10_000)
        assert f"notes.md: whole ({bar.plans[0].tokens:,} tokens)" in bar.label.text()
        workers = window.chat.documents.workers
        window.composer.edit.setPlainText("What is the launch code?")
        window.composer.submit()
        qtbot.waitUntil(lambda: len(built.messages()) == 2, timeout=10_000)
        qtbot.waitUntil(lambda: not window.session.busy, timeout=10_000)
        connection = workers.library.retriever.connection
    finally:
        close_built(built)
    assert workers.closed
    with pytest.raises(sqlite3.ProgrammingError):
        connection.execute("SELECT 1")  # closed with the window, not by the garbage collector


def test_an_embedder_that_is_gone_falls_back_to_the_built_in_and_says_so(
    qtbot: QtBot, tmp_path: Path
) -> None:
    built = build_window(qtbot, FakeEngine, "/models/fake-135M.Q4_0.gguf", Settings())
    try:
        window = built.window
        notes = tmp_path / "notes.md"
        notes.write_text(files.MARKDOWN)
        workers = window.chat.documents.workers
        workers.call(window, lambda: workers.library.add_collection("n", [notes]), lambda _c: None)
        qtbot.waitUntil(lambda: workers.has_collections(None), timeout=10_000)
        gone = str(tmp_path / "nomic-embed-text-v1.5.Q4_K_M.gguf")
        window.apply_settings(window.settings.with_changes(documents_embedder=gone))
        status = window.statusBar().currentMessage
        qtbot.waitUntil(lambda: "was not found" in status(), timeout=10_000)
        assert "searched with the built-in WordLlama" in window.statusBar().currentMessage()
        assert built.saved_settings[-1].documents_embedder == gone  # the choice is kept
    finally:
        close_built(built)
