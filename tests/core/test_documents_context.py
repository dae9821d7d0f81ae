"""Documents in a turn: whole vs passages, the prompt the model reads, what is stored."""

from __future__ import annotations

from pathlib import Path

from app.chat.events import TokensReceived
from app.documents import context
from app.documents.service import DocumentLibrary
from app.session import ChatSession
from app.settings import Settings
from app.store import ChatStore
from tests.core import documents_files as files
from tests.core.session_helpers import ManualRunner, finished

FILLER = "The committee met again and discussed the budget of the harbour at length. "


def _big_file(tmp_path: Path) -> Path:
    path = tmp_path / "minutes.md"
    body = [f"## Meeting {n}\n\n" + FILLER * 12 for n in range(40)]
    body.insert(23, "## Meeting special\n\nThe harbour master's password is MARLIN-9.\n")
    path.write_text("# Minutes\n\n" + "\n\n".join(body))
    return path


def test_small_files_go_whole_large_ones_as_passages_unreadable_ones_say_why(
    tmp_path: Path,
) -> None:
    small = tmp_path / "notes.md"
    small.write_text(files.MARKDOWN)
    broken = files.write_broken_docx(tmp_path / "b.docx")
    plans = context.plan([small, _big_file(tmp_path), broken], budget_tokens=2000)
    assert [p.mode for p in plans] == ["whole", "passages", "unreadable"]
    assert 20 < plans[0].tokens < 200 and plans[1].tokens > 2000
    line = context.describe(plans)
    assert "notes.md: whole (~" in line and "minutes.md: retrieved passages" in line
    assert "b.docx: cannot be read (the Word file is damaged" in line


def test_library_turn_retrieves_the_passage_and_builds_the_prompt(tmp_path: Path) -> None:
    library = DocumentLibrary(tmp_path / "index.sqlite3")
    try:
        small = tmp_path / "notes.md"
        small.write_text(files.MARKDOWN)
        turn = library.turn(
            "What is the harbour master's password?", [small, _big_file(tmp_path)], "conv-1", 600
        )
    finally:
        library.close()
    assert turn.prompt.startswith(context.PREAMBLE)
    assert turn.prompt.endswith("answer: What is the harbour master's password?")
    assert "ORCHID-51" in turn.prompt  # the small file, whole
    top = turn.sources[1]  # after the whole file: the best passage
    assert (Path(top["file"]).name, top["location"]) == ("minutes.md", "Minutes > Meeting special")
    assert "MARLIN-9" in top["passage"] and "MARLIN-9" in turn.prompt
    assert [a["mode"] for a in turn.attachments] == ["whole", "passages"]
    assert turn.retrieval_s > 0


def test_the_session_sends_the_context_but_stores_the_persons_text(
    store: ChatStore, tmp_path: Path
) -> None:
    runner = ManualRunner()
    chat = ChatSession(store, runner, Settings(system_prompt="Be brief."))
    record = chat.new_conversation()
    library = DocumentLibrary(tmp_path / "index.sqlite3")
    try:
        turn = library.turn("password?", [_big_file(tmp_path)], record.id, 100)
    finally:
        library.close()
    stream = chat.send("password?", documents=turn)
    sent = runner.calls[0][1]
    assert sent[-1].content == turn.prompt and "MARLIN-9" in sent[-1].content
    stream.put(TokensReceived("MARLIN-9", 1, 0.1))
    stream.put(finished("stop", "MARLIN-9"))
    chat.pump()
    user, reply = store.messages(record.id)
    assert user.content == "password?"
    assert user.stats == {"attachments": [a for a in turn.attachments]}
    assert reply.stats is not None and reply.stats["document_sources"] == list(turn.sources)
    assert reply.stats["document_sources"][0]["location"] == "Minutes > Meeting special"
    assert reply.stats["sources"] == {}  # TurnStats' own key (figure provenance) untouched
    chat.send("and again?")  # later turns send the stored text: no stale context
    assert runner.calls[1][1][-3].content == "password?"
    assert runner.calls[1][1][-1].content == "and again?"
