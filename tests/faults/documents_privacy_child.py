"""Documents indexing and retrieval with the audit hook on (no model needed): a folder of
every supported kind indexed, searched, a turn built, re-indexed, removed. Prints one JSON
line: the audit report and what was seen."""

from __future__ import annotations

from tests.faults import audit

audit.install()

import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

from app.documents.service import DocumentLibrary  # noqa: E402
from tests.core import documents_files as files  # noqa: E402


def run() -> dict[str, object]:
    folder = Path(os.environ["TMPDIR"]) / "docs"
    folder.mkdir()
    (folder / "notes.md").write_text(files.MARKDOWN)
    (folder / "manual.html").write_text(files.HTML)
    (folder / "code.py").write_text(files.CODE)
    files.write_pdf(folder / "report.pdf", [["Figures."], ["The vault code is 7319."]])
    files.write_docx(folder / "guide.docx")
    files.write_scanned_pdf(folder / "scan.pdf")
    library = DocumentLibrary()
    try:
        collection = library.add_collection("docs", [folder])
        report = library.sync(collection.id)
        turn = library.turn("What is the vault code?", [folder / "notes.md"], None, 1000)
        (folder / "notes.md").write_text("# Notes\n\nchanged\n")
        again = library.sync(collection.id)
        library.remove_collection(collection.id)
        left = library.collections()
    finally:
        library.close()
    return {
        "chunks": report.chunks,
        "unreadable": len(report.unreadable),
        "top": turn.sources[1]["location"],
        "updated": again.updated,
        "left": len(left),
    }


if __name__ == "__main__":
    seen = run()
    print(json.dumps({"seen": seen, **audit.report()}), flush=True)
