"""`hearth --import FILE [--json]`: bring a ChatGPT, Claude or Hearth export into the
conversation store without opening the window.

Prints one sentence (or, with --json, exactly one line
``{"conversations": N, "messages": M, "branches": B, "skipped": [...]}``) and exits 0; a
file that cannot be imported prints ``error: <what is wrong>`` on stderr, imports nothing
and exits 2.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from app.store import ChatStore
from app.store.errors import StoreError
from app.transfer import BadFileError, import_file


def run_import(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    path = Path(args.import_file).expanduser()
    try:
        with ChatStore.open_default() as store:
            report = import_file(store, path)
    except BadFileError as error:
        print(f"error: {error}", file=stderr)
        return 2
    except StoreError as error:
        print(f"error: could not write the conversations: {error}", file=stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False), file=stdout)
    else:
        print(report.sentence(), file=stdout)
    return 0
