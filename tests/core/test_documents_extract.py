"""Text extraction from real files of every supported kind, and every unreadable case."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.documents import extract as extract_module
from app.documents.chunking import chunk_sections
from app.documents.errors import UnreadableFile
from app.documents.extract import MAX_FILE_BYTES, extract
from tests.core import documents_files as files


def test_markdown_sections_carry_their_heading_path(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(files.MARKDOWN)
    sections = extract(path)
    located = {s.location: s.text for s in sections}
    assert "ORCHID-51" in located["Project notes > Deployment > Linux"]
    assert "# not a heading" in located["Project notes > Deployment > Linux"]  # fenced code
    assert next(iter(located)) == "Project notes"


def test_html_drops_scripts_and_styles_and_keeps_headings(tmp_path: Path) -> None:
    path = tmp_path / "manual.html"
    path.write_text(files.HTML)
    sections = extract(path)
    text = " ".join(s.text for s in sections)
    assert "script text" not in text and "color:red" not in text
    calibration = next(s for s in sections if s.location == "Station manual > Calibration")
    assert "every 14 days with kit K-7" in calibration.text


def test_code_is_located_by_lines(tmp_path: Path) -> None:
    path = tmp_path / "beacon.py"
    path.write_text(files.CODE)
    sections = extract(path)
    assert [s.location for s in sections] == ["lines 1-60", "lines 61-102"]
    assert "def lighthouse" in sections[1].text


def test_pdf_pages_are_locations(tmp_path: Path) -> None:
    path = files.write_pdf(tmp_path / "r.pdf", [["First page text."], ["The vault code is 7319."]])
    sections = extract(path)
    assert [s.location for s in sections] == ["page 1", "page 2"]
    assert "vault code is 7319" in sections[1].text
    chunks = chunk_sections(sections)
    assert [c.location for c in chunks] == ["page 1", "page 2"]  # a chunk never spans pages


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    sections = extract(files.write_docx(tmp_path / "guide.docx"))
    herons = next(s for s in sections if s.location == "Field guide > Herons")
    assert "colony number 88" in herons.text
    assert "ringed plover | sandbank" in herons.text


def test_long_sections_become_several_chunks_of_bounded_size(tmp_path: Path) -> None:
    path = tmp_path / "long.md"
    path.write_text(
        "# Long\n\n" + "\n\n".join(f"Paragraph {n}. " + "word " * 60 for n in range(20))
    )
    chunks = chunk_sections(extract(path))
    assert len(chunks) > 5
    assert all(len(c.text) <= 900 for c in chunks)
    assert all(c.location == "Long" for c in chunks)
    assert "".join(c.text for c in chunks).count("Paragraph") == 20  # nothing lost


@pytest.mark.parametrize(
    ("make", "name", "kind", "words"),
    [
        (files.write_encrypted_pdf, "locked.pdf", "encrypted", "password"),
        (files.write_scanned_pdf, "scan.pdf", "no_text", "no text layer"),
        (files.write_broken_docx, "broken.docx", "broken", "zip"),
        (files.write_binary_as_text, "photo.txt", "binary", "binary"),
    ],
)
def test_unreadable_files_say_why(
    tmp_path: Path, make: object, name: str, kind: str, words: str
) -> None:
    path = make(tmp_path / name)  # type: ignore[operator]
    with pytest.raises(UnreadableFile) as caught:
        extract(path)
    assert caught.value.kind == kind
    assert words in caught.value.reason
    assert caught.value.describe(str(path)).path == str(path)


def test_a_file_over_the_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = files.write_huge(tmp_path / "huge.txt", MAX_FILE_BYTES + 1)
    with pytest.raises(UnreadableFile) as caught:
        extract(path)
    assert caught.value.kind == "too_large" and "50 MB" in caught.value.reason


def test_missing_empty_and_legacy_word_files(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile) as missing:
        extract(tmp_path / "gone.md")
    (tmp_path / "empty.txt").write_text("  \n")
    with pytest.raises(UnreadableFile) as empty:
        extract(tmp_path / "empty.txt")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnreadableFile) as legacy:
        extract(tmp_path / "old.doc")
    assert (missing.value.kind, empty.value.kind, legacy.value.kind) == (
        "missing",
        "no_text",
        "unsupported",
    )


def test_latin1_text_is_read_not_called_binary(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Café crème, façade.\n".encode("cp1252"))
    assert extract(path)[0].text == "Café crème, façade."
    assert extract_module.read_text(path).startswith("Café")
