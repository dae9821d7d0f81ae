"""`--docs` before any model loads: a missing or unreadable file is refused with the reason."""

from __future__ import annotations

import io
from pathlib import Path

from app.cli import run_cli
from app.main import parse_args
from tests.core import documents_files as files


def _run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    status = run_cli(parse_args(["--cli", "--model", "/nowhere.gguf", *argv]), io.StringIO(), out)
    return status, out.getvalue()


def test_docs_that_cannot_be_read_stop_the_cli_with_the_reason(tmp_path: Path) -> None:
    status, out = _run(["--docs", str(tmp_path / "missing.md")])
    assert status == 2 and "does not exist" in out
    locked = files.write_encrypted_pdf(tmp_path / "locked.pdf")
    status, out = _run(["--docs", str(locked)])
    assert status == 2 and "cannot be read: the PDF is encrypted with a password" in out
