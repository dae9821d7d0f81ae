"""A full session in one process with the audit hook on: `first` or `reopen` phase.

Prints one JSON line: the audit report and what the session saw.
"""

from __future__ import annotations

from tests.faults import audit

audit.install()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from app.settings import Settings, save_settings  # noqa: E402
from tests.faults.live_session import live_session, send_and_wait  # noqa: E402


def first(model: Path) -> dict[str, object]:
    with live_session(model, n_ctx=1024) as (session, _runner, _store):
        save_settings(Settings(model_path=str(model)))
        first_chat = session.new_conversation().id
        for question in ("Hello!", "What is a cat?", "And a dog?"):
            assert send_and_wait(session, question).error is None
        session.new_conversation()
        assert send_and_wait(session, "What is the capital of France?").error is None
        session.open(first_chat)
    return {"first": first_chat}


def reopen(model: Path, chat: str) -> dict[str, object]:
    with live_session(model, n_ctx=1024) as (session, _runner, store):
        count = len(store.messages(chat))
        session.open(chat)
        turn = send_and_wait(session, "One more thing?")
        assert turn.error is None
        restored = turn.saved.finished.stats.restored_from_disk
    return {"messages_before": count, "restored": restored}


if __name__ == "__main__":
    model = Path(sys.argv[2])
    seen = first(model) if sys.argv[1] == "first" else reopen(model, sys.argv[3])
    print(json.dumps({"seen": seen, **audit.report()}), flush=True)
