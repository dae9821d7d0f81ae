"""The incremental JSON reader: items split across chunk boundaries decode whole, JSON
Lines and single documents read the same way, and the reader never holds the whole file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.store import ChatStore
from app.transfer import BadFileError, import_file, json_stream
from tests.core.transfer_samples import chatgpt_export, claude_export, write_zip


class _Reads(io.StringIO):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.largest = 0

    def read(self, size: int | None = -1) -> str:
        chunk = super().read(size)
        self.largest = max(self.largest, len(chunk))
        return chunk


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_items_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", chunk)
    items = [*chatgpt_export(), *claude_export(), {"n": 12345678901234567890}, {"x": "é"}]
    array = json.dumps(items, ensure_ascii=False, indent=2)
    assert list(json_stream.iter_items(io.StringIO(array), "a.json")) == items
    lines = "\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n"
    assert list(json_stream.iter_items(io.StringIO(lines), "a.jsonl")) == items
    assert list(json_stream.iter_items(io.StringIO(" [ ] "), "e.json")) == []


def test_reads_in_chunks_not_the_whole_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 1000)
    items = [{"title": f"chat {n}", "text": "x" * 200} for n in range(2000)]
    text = json.dumps(items)
    reader = _Reads(text)
    seen = 0
    for seen, _item in enumerate(json_stream.iter_items(reader, "big.json"), 1):  # noqa: B007
        pass
    assert seen == 2000 and len(text) > 400_000 and reader.largest <= 2000


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[{"a": 1} {"b": 2}]', r"expected ',' or '\]' at line 1"),
        ('[{"a": 1},', r"ends inside its list \(the file is cut short\)"),
        ('[{"a": 1}] trailing', "has more text after its list ends"),
        ('{"a": 1}\n{"b": 2}\n3', "expected a JSON object at line 3, found '3'"),
        ('[{"a": tru}]', r"is not valid JSON: Expecting value at line 1"),
        ('"just a string"', "holds a single JSON value, not a list of conversations"),
    ],
)
def test_malformed_streams_say_where(text: str, problem: str) -> None:
    with pytest.raises(BadFileError, match=problem):
        list(json_stream.iter_items(io.StringIO(text), "x.json"))


def test_damaged_bytes_inside_a_zip(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "export.zip", chatgpt_export() * 50)
    data = bytearray(archive.read_bytes())
    for offset in range(200, 260):  # inside the deflated conversations.json
        data[offset] ^= 0x5A
    archive.write_bytes(bytes(data))
    with ChatStore(tmp_path / "c.sqlite3") as store:
        with pytest.raises(BadFileError, match=r"export\.zip is a damaged zip file"):
            import_file(store, archive)
        assert store.count_conversations() == 0


def test_progress_reaches_the_file_size(tmp_path: Path) -> None:
    source = tmp_path / "conversations.json"
    source.write_text(json.dumps(chatgpt_export() * 3), encoding="utf-8")
    seen: list[tuple[int, int]] = []
    with ChatStore(tmp_path / "c.sqlite3") as store:
        report = import_file(store, source, progress=lambda d, t: seen.append((d, t)))
    assert (
        report.conversations == 2
        and report.skipped[-1] == "4 conversations listed twice in the file"
    )
    assert len(seen) == 6 and seen[-1] == (source.stat().st_size, source.stat().st_size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
