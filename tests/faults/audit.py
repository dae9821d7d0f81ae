"""An audit hook (sys.addaudithook) that records network attempts and file writes.

Installed first thing in a child process; `report()` gives what it saw as plain data.
Connections to loopback addresses and Unix sockets are local; everything else counts.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any
from urllib.parse import unquote

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_NET_EVENTS = {
    "socket.connect",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "urllib.Request",
    "http.client.connect",
}
_PATH_EVENTS = {"os.rename": 1, "os.mkdir": 0, "os.remove": 0, "os.truncate": 0}

network: list[tuple[str, str]] = []
writes: list[str] = []
connections: list[tuple[str, int]] = []  # every TCP/UDP connect, loopback included


def _is_local_host(host: Any) -> bool:
    if host is None or (isinstance(host, bytes | str) and str(host) in ("", "localhost")):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _net_target(event: str, args: tuple[Any, ...]) -> str | None:
    """The remote end of a network event, or None when it is local."""
    if event in ("socket.connect", "socket.sendto"):
        address = args[1]
        if not isinstance(address, tuple):
            return None  # AF_UNIX (a path) or similar: never leaves the machine
        return None if _is_local_host(address[0]) else repr(address)
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
        return None if _is_local_host(args[0]) else repr(args[0])
    if event == "http.client.connect":
        return None if _is_local_host(args[1]) else f"{args[1]}:{args[2]}"
    if event == "urllib.Request":
        return str(args[0])
    return repr(args)


def _written_path(event: str, args: tuple[Any, ...]) -> str | None:
    if event == "open":
        path, mode, flags = args
        if isinstance(mode, str):
            writing = any(c in mode for c in "wax+")
        else:
            writing = bool((flags or 0) & _WRITE_FLAGS)
        return os.fsdecode(path) if writing and isinstance(path, str | bytes) else None
    if event == "sqlite3.connect":
        return _sqlite_path(os.fsdecode(args[0])) if isinstance(args[0], str | bytes) else None
    index = _PATH_EVENTS.get(event)
    if index is not None and isinstance(args[index], str | bytes):
        return os.fsdecode(args[index])
    return None


def _sqlite_path(target: str) -> str | None:
    """The file an SQLite connection may write: a `file:` URI's path, None when read-only."""
    if not target.startswith("file:"):
        return target
    path, _, query = target[len("file:") :].partition("?")
    return None if "mode=ro" in query.split("&") else unquote(path)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.connect" and isinstance(args[1], tuple) and len(args[1]) >= 2:
        connections.append((str(args[1][0]), int(args[1][1])))
    if event in _NET_EVENTS:
        target = _net_target(event, args)
        if target is not None:
            network.append((event, target))
    elif event == "open" or event == "sqlite3.connect" or event in _PATH_EVENTS:
        path = _written_path(event, args)
        if path is not None and path != ":memory:":
            writes.append(os.path.abspath(path))


def install() -> None:
    sys.addaudithook(_hook)


def outside(paths: list[str], roots: list[str]) -> list[str]:
    """The paths not under any of `roots` (symlinks resolved on both sides)."""
    real_roots = [os.path.realpath(r) for r in roots]
    found = []
    for path in sorted(set(paths)):
        real = os.path.realpath(path)
        if real == os.devnull or not any(
            real == r or real.startswith(r + os.sep) for r in real_roots
        ):
            found.append(path)
    return [p for p in found if os.path.realpath(p) != os.devnull]


def report() -> dict[str, Any]:
    return {
        "network": list(network),
        "writes": sorted(set(writes)),
        "connections": [list(c) for c in connections],
    }
