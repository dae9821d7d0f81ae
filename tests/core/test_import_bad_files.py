"""Every bad file gets a clear message naming the problem and imports nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.store import ChatStore
from app.transfer import MAX_FILE_BYTES, BadFileError, import_file
from tests.core.transfer_samples import (
    HOSTILE,
    chatgpt_export,
    claude_export,
    write_json,
    write_zip,
)


def _refused(store: ChatStore, path: Path, pattern: str, **kwargs: int) -> str:
    with pytest.raises(BadFileError, match=pattern) as caught:
        import_file(store, path, **kwargs)
    assert store.count_conversations() == 0
    message = str(caught.value)
    assert "\n" not in message and path.name.split(".")[0] in message
    return message


def test_not_json(store: ChatStore, tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("Dear diary, today…", encoding="utf-8")
    _refused(store, source, r"notes.txt is not a JSON file \(it starts with 'D'\)")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    _refused(store, empty, "empty.json is empty")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'[{"mapping": {}, "title": "caf\xe9"}]')
    _refused(store, latin, "latin.json is not UTF-8 text")


def test_wrong_shapes(store: ChatStore, tmp_path: Path) -> None:
    _refused(store, write_json(tmp_path / "dict.json", {"conversations": 3}),
             r"dict.json: item 1 is not a ChatGPT, Claude or Hearth conversation \(it has"
             r" conversations")  # fmt: skip
    _refused(store, write_json(tmp_path / "nested.json", [[1, 2]]),
             "nested.json: item 1 is a list, not a conversation")  # fmt: skip
    no_mapping = [dict(chatgpt_export()[0], mapping=None)]
    _refused(store, write_json(tmp_path / "gpt.json", no_mapping),
             r"gpt.json: conversation 1 \(“Trip ✈️ to Lisbon”\) has no message tree"
             r" \('mapping' is missing\)")  # fmt: skip
    bad_messages = [dict(claude_export()[0], chat_messages={"m1": {}})]
    _refused(store, write_json(tmp_path / "claude.json", bad_messages),
             "'chat_messages' should be a list, found dict")  # fmt: skip


def test_truncated_json_and_zip(store: ChatStore, tmp_path: Path) -> None:
    whole = json.dumps(chatgpt_export())
    cut = tmp_path / "cut.json"
    cut.write_text(whole[: len(whole) // 2], encoding="utf-8")
    _refused(store, cut, r"cut.json is not valid JSON: .* \(the file is cut short\)")
    archive = write_zip(tmp_path / "export.zip", chatgpt_export())
    data = archive.read_bytes()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(data[: len(data) * 2 // 3])
    _refused(store, broken, "broken.zip is a damaged or incomplete zip file")
    other = write_zip(tmp_path / "photos.zip", [], member="photo.json")
    _refused(store, other, "photos.zip has no conversations.json inside")


def test_too_large_file_is_refused_before_reading(store: ChatStore, tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as sparse:  # sparse: no gigabyte is written
        sparse.seek(MAX_FILE_BYTES)
        sparse.write(b"x")
    message = _refused(store, huge, "huge.json is too large to import")
    assert message.endswith("(1.0 GB; the limit is 1.0 GB)")
    small_cap = write_json(tmp_path / "capped.json", chatgpt_export())
    _refused(store, small_cap, r"capped.json is too large .*the limit is 1.0 KB", max_bytes=1024)
    zipped = write_zip(tmp_path / "zipped.zip", chatgpt_export())
    _refused(store, zipped, r"zipped.zip/conversations.json is too large", max_bytes=1024)


def test_half_good_file_imports_nothing(store: ChatStore, tmp_path: Path) -> None:
    good, second = chatgpt_export()
    broken = dict(second, mapping=["not", "a", "tree"])
    source = write_json(tmp_path / "half.json", [good, broken])
    _refused(store, source, r"half.json: conversation 2 .*'mapping' is list")
    assert store._conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0


def test_hostile_text_is_stored_as_text(store: ChatStore, tmp_path: Path) -> None:
    conversation = claude_export()[0]
    conversation["name"] = "<img src=x onerror=alert(1)>\x1b]0;pwned\x07"
    conversation["chat_messages"][0]["content"] = [{"type": "text", "text": HOSTILE + "\r\nok"}]
    conversation["chat_messages"][0]["attachments"] = []
    conversation["chat_messages"][0]["files"] = []
    import_file(store, write_json(tmp_path / "hostile.json", [conversation]))
    (record,) = store.list_conversations()
    assert record.title == "<img src=x onerror=alert(1)>]0;pwned"
    first = store.messages(record.id)[0].content
    assert first == "<script>alert('x')</script><b>bold</b>[31m red\nok"
    lone = '[{"uuid": "u", "name": "x", "chat_messages": [{"uuid": "m", "sender": "human",'
    lone += ' "text": "half \\ud83d pair"}]}]'
    source = tmp_path / "surrogate.json"
    source.write_text(lone, encoding="utf-8")
    with ChatStore(tmp_path / "other.sqlite3") as other:
        import_file(other, source)
        (chat,) = other.list_conversations()
        assert other.messages(chat.id)[0].content == "half \ufffd pair"
