"""Claude's data export: linear chats, branches through parent_message_uuid (an edited
question keeps both versions), thinking apart, attachments and files as notes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.store import ChatStore
from app.transfer import import_file
from tests.core.transfer_samples import RTL, claude_export, write_json, write_zip


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp()


def test_claude_linear_and_branched(store: ChatStore, tmp_path: Path) -> None:
    report = import_file(store, write_json(tmp_path / "conversations.json", claude_export()))
    assert report.as_json() == {
        "conversations": 2,
        "messages": 8,
        "branches": 1,
        "skipped": [],
    }
    by_title = {c.title: c for c in store.list_conversations()}
    linear = by_title["Résumé help 📄"]
    assert linear.created_at == _ts("2024-03-01T10:00:00")
    question, answer = store.messages(linear.id)
    assert question.content == (
        "Please read my résumé\n\n[attachment: cv.txt]\nJane Doe\nEngineer"
        "\n\n[file omitted: photo.png]"
    )
    assert (answer.role, answer.content, answer.thinking) == (
        "assistant",
        f"Looks good.\n\n{RTL}",
        "Let me look.",
    )
    edits = by_title["Edits"]
    path = store.messages(edits.id)
    assert [m.content for m in path] == [
        "First question",
        "First answer",
        "Follow-up, edited",  # the newest branch is the current one
        "Reply B",
    ]
    versions = store.siblings(path[2].id)
    assert [store.message(i).content for i in versions] == ["Follow-up", "Follow-up, edited"]
    assert store.switch_branch(versions[0])[-1].content == "Reply A"
    rows = store._conn.execute("SELECT source_id FROM conversations ORDER BY source_id")
    assert [r[0] for r in rows] == ["claude:c-branched", "claude:c-linear"]


def test_claude_zip_then_again_is_already_imported(store: ChatStore, tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "data-2024.zip", claude_export())
    assert import_file(store, archive).messages == 8
    assert import_file(store, archive).skipped == ["2 conversations already imported"]
