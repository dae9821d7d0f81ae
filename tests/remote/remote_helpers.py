"""Small shared values of the remote-model tests."""

from __future__ import annotations

import socket

from app.engine.remote.client import Timeouts

FAST = Timeouts(connect_s=2.0, read_s=1.0)  # "never answers" becomes an error in a second


def free_port() -> int:
    """A port nothing listens on (bound, read, released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
