"""Text out of a file, as sections with locations (page N, heading path, lines a-b).

Every failure raises `UnreadableFile` with a kind and a sentence; nothing is skipped
silently. PDF through pypdf, .docx through python-docx (both imported lazily).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from app.documents.errors import UnreadableFile
from app.documents.html_text import html_sections
from app.documents.values import Section

MAX_FILE_BYTES = 50 * 1024 * 1024
CODE_SECTION_LINES = 60
MARKDOWN = {".md", ".markdown", ".mdown", ".mkd"}
HTML = {".html", ".htm", ".xhtml"}
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def extract(path: Path) -> list[Section]:
    """The file's text as sections; raises UnreadableFile."""
    size = _size(path)
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            "too_large",
            f"{size / 1e6:.0f} MB is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit "
            "for a document",
        )
    reader = _READERS.get(path.suffix.lower(), _text_file)
    sections = [s for s in reader(path) if s.text.strip()]
    if not sections:
        raise UnreadableFile("no_text", "the file has no text")
    return sections


def _size(path: Path) -> int:
    try:
        if not path.is_file():
            raise UnreadableFile("missing", "the file is missing or is not a file")
        return path.stat().st_size
    except PermissionError as error:
        raise UnreadableFile("permission", "Hearth may not read this file") from error
    except OSError as error:
        raise UnreadableFile("missing", f"cannot open the file ({error.strerror})") from error


def read_text(path: Path) -> str:
    """Decoded text; a binary file (NUL bytes, or no text encoding fits) raises."""
    try:
        data = path.read_bytes()
    except PermissionError as error:
        raise UnreadableFile("permission", "Hearth may not read this file") from error
    except OSError as error:
        raise UnreadableFile("missing", f"cannot read the file ({error.strerror})") from error
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:65536]:
        raise UnreadableFile("binary", "this is a binary file, not text (it has NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    odd = sum(1 for c in text[:65536] if c == "\ufffd" or (ord(c) < 32 and c not in "\t\r\n\f"))
    if odd > max(8, len(text[:65536]) // 100):
        raise UnreadableFile("binary", "this is a binary file, not text in a known encoding")
    return text


def _text_file(path: Path) -> list[Section]:
    """Plain text and source code: sections of CODE_SECTION_LINES lines ("lines 1-60")."""
    lines = read_text(path).splitlines()
    out = []
    for start in range(0, len(lines), CODE_SECTION_LINES):
        part = lines[start : start + CODE_SECTION_LINES]
        end = start + len(part)
        out.append(Section("\n".join(part), f"lines {start + 1}-{end}"))
    return out


def markdown_sections(text: str) -> list[Section]:
    """One section per heading; the location is the heading path ("Setup > Linux")."""
    path: list[tuple[int, str]] = []
    out: list[Section] = []
    body: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match is None:
            body.append(line)
            continue
        out.append(Section("\n".join(body), " > ".join(t for _, t in path)))
        level = len(match.group(1))
        path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, match.group(2))]
        body = [line]
    out.append(Section("\n".join(body), " > ".join(t for _, t in path)))
    return out


def _markdown(path: Path) -> list[Section]:
    return markdown_sections(read_text(path))


def _html(path: Path) -> list[Section]:
    return html_sections(read_text(path))


def _pdf(path: Path) -> list[Section]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("encrypted", "the PDF is encrypted with a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as error:
        raise UnreadableFile("encrypted", "the PDF is encrypted with a password") from error
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise UnreadableFile("broken", f"the PDF is damaged ({error})") from error
    if not any(p.strip() for p in pages):
        raise UnreadableFile(
            "no_text",
            f"the PDF's {len(pages)} page(s) have no text layer (a scanned image?); "
            "Hearth does not read text from images",
        )
    return [Section(text, f"page {n}") for n, text in enumerate(pages, 1)]


def _docx(path: Path) -> list[Section]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise UnreadableFile(
            "broken", "the Word file is damaged (its zip container cannot be read)"
        ) from error
    lines: list[str] = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        level = int(style[-1]) if style.startswith("Heading") and style[-1:].isdigit() else 0
        lines.append(f"{'#' * level} {paragraph.text}" if level else paragraph.text)
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return markdown_sections("\n".join(lines))


def _docx_legacy(path: Path) -> list[Section]:
    raise UnreadableFile("unsupported", "old Word files (.doc) are not supported; save as .docx")


_READERS: dict[str, Callable[[Path], list[Section]]] = {
    **dict.fromkeys(MARKDOWN, _markdown),
    **dict.fromkeys(HTML, _html),
    ".pdf": _pdf,
    ".docx": _docx,
    ".doc": _docx_legacy,
}
