"""Which files a folder's indexing reads (others are listed as unsupported, not skipped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from app.documents.extract import HTML, MARKDOWN

TEXT = {".txt", ".text", ".log", ".rst", ".csv", ".tsv", ".json", ".yaml", ".yml", ".toml",
        ".ini", ".cfg", ".conf", ".xml", ".tex", ".org", ".adoc"}  # fmt: skip
CODE = {".py", ".pyi", ".js", ".jsx", ".ts", ".tsx", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs",
        ".java", ".kt", ".go", ".rs", ".rb", ".php", ".swift", ".m", ".scala", ".sh", ".bash",
        ".zsh", ".ps1", ".sql", ".r", ".lua", ".pl", ".hs", ".css", ".scss", ".vue", ".dart",
        ".jl", ".ex", ".exs", ".clj", ".el", ".vim", ".cmake", ".gradle", ".mk"}  # fmt: skip
READABLE = TEXT | CODE | MARKDOWN | HTML | {".pdf", ".docx", ".doc"}
PLAIN_NAMES = {"readme", "license", "makefile", "dockerfile", "changelog", "notice"}


def is_readable_type(path: Path) -> bool:
    return path.suffix.lower() in READABLE or path.name.lower() in PLAIN_NAMES


def walk(root: Path) -> Iterator[Path]:
    """Files under a folder (hidden files and folders left out), or the file itself."""
    if not root.is_dir():
        yield root
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative) or not path.is_file():
            continue
        yield path
