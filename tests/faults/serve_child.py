"""`hearth --serve` with the audit hook installed first; at exit prints one JSON line: the
audit report plus every address a socket was bound to."""

from __future__ import annotations

from tests.faults import audit

audit.install()

import atexit  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

binds: list[str] = []


def _bind_hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.bind":
        binds.append(repr(args[1]))


sys.addaudithook(_bind_hook)
atexit.register(lambda: print(json.dumps({"binds": binds, **audit.report()}), flush=True))

if __name__ == "__main__":
    from app.main import main

    raise SystemExit(main(["--serve", "--port", "0", "--model", sys.argv[1]]))
