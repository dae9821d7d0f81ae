"""A session that goes local -> remote -> local with the audit hook on (one process).

    python -m tests.faults.remote_privacy_child MODEL BASE_URL

A server is added in the settings from the start. Prints one JSON line: the audit report
and, per phase, the TCP connections made during it.
"""

from __future__ import annotations

from tests.faults import audit

audit.install()

import json  # noqa: E402
import sys  # noqa: E402
from dataclasses import replace  # noqa: E402

from app import paths  # noqa: E402
from app.chat.remote import Endpoint, RemoteServer  # noqa: E402
from app.chat.values import LoadOptions  # noqa: E402
from app.engine.runner import EngineRunner  # noqa: E402
from app.session import ChatSession  # noqa: E402
from app.settings import Settings, save_settings  # noqa: E402
from app.store import ChatStore  # noqa: E402
from app.ui.shell.app import make_engine  # noqa: E402
from tests.faults.live_session import GREEDY, SYSTEM_PROMPT, send_and_wait  # noqa: E402


def run(model: str, base_url: str) -> dict[str, list[list[object]]]:
    remote = Endpoint(base_url).model_path("good")
    settings = Settings(
        system_prompt=SYSTEM_PROMPT,
        generation=GREEDY,
        remote_servers=(RemoteServer(base_url, ("good",)),),
    )
    settings = replace(settings, load=LoadOptions(n_ctx=1024, n_threads=2))
    save_settings(settings)
    runner = EngineRunner(lambda: make_engine(settings.kv_cache_limit_mb))
    store = ChatStore(paths.database_path())
    session = ChatSession(store, runner, settings)
    phases: dict[str, list[list[object]]] = {}
    try:
        for phase, path, questions in (
            ("local_before", model, ("Hello!",)),
            ("remote", remote, ("Hello, server!", "And again?")),
            ("local_after", model, ("Back home?",)),
        ):
            start = len(audit.connections)
            runner.load(path, settings.load).result(timeout=120)
            session.model_path = path
            session.new_conversation()
            for question in questions:
                turn = send_and_wait(session, question)
                assert turn.error is None and turn.text, turn.error
            phases[phase] = [list(c) for c in audit.connections[start:]]
        session.close()
    finally:
        runner.shutdown(timeout=30)
        store.close()
    return phases


if __name__ == "__main__":
    phases = run(sys.argv[1], sys.argv[2])
    print(json.dumps({"phases": phases, **audit.report()}), flush=True)
