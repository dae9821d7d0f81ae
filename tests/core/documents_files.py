"""Real documents for the documents tests: PDF, .docx, HTML, Markdown, code, and broken ones."""

from __future__ import annotations

import io
import os
from pathlib import Path

from bench.retrieval_corpus import pdf_bytes


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    path.write_bytes(pdf_bytes(pages))
    return path


def write_encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes([["secret text"]]))))
    writer.encrypt("hunter2", algorithm="AES-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def write_scanned_pdf(path: Path) -> Path:
    """Pages with no text layer, as a scanner's PDF of images has."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_blank_page(612, 792)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def write_docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_heading("Field guide", level=1)
    document.add_paragraph("An introduction to the birds of the coast.")
    document.add_heading("Herons", level=2)
    document.add_paragraph("The grey heron nests in colony number 88 near the marsh.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "ringed plover"
    table.rows[0].cells[1].text = "sandbank"
    document.save(str(path))
    return path


def write_broken_docx(path: Path) -> Path:
    path.write_bytes(b"PK\x03\x04 this zip stops here")
    return path


def write_binary_as_text(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 16)
    return path


def write_huge(path: Path, size: int) -> Path:
    """A sparse file of `size` bytes (instant, no disk used)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    os.utime(path)
    return path


HTML = """<html><head><title>t</title><style>.x{color:red}</style>
<script>var hidden = "script text";</script></head><body>
<h1>Station manual</h1><p>Welcome to the weather station.</p>
<h2>Calibration</h2><p>Calibrate the barometer every <b>14 days</b> with kit K-7.</p>
</body></html>"""

MARKDOWN = """# Project notes

Intro paragraph.

## Deployment

### Linux

Run the installer; the launch code is ORCHID-51.

```
# not a heading inside a fence
```
"""

CODE = (
    "\n".join(f"value_{n} = {n}" for n in range(100)) + "\ndef lighthouse():\n    return 'beam'\n"
)


def write_readable_four(root: Path) -> None:
    """notes.md, manual.html, beacon.py and a two-page report.pdf (its page 2 holds 7319)."""
    (root / "notes.md").write_text(MARKDOWN)
    (root / "manual.html").write_text(HTML)
    (root / "beacon.py").write_text(CODE)
    write_pdf(root / "report.pdf", [["Quarterly figures."], ["The vault code is 7319."]])
