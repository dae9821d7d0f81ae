"""API keys of servers: in the platform keyring when there is one, else in the settings.

`keyring` finds the system's store (macOS Keychain, Windows Credential Locker, Secret
Service on Linux desktops). Without one (a headless Linux box) the key goes into the
settings file and the window says so.
"""

from __future__ import annotations

import logging

from app.chat.remote import RemoteServer
from app.settings import load_settings

log = logging.getLogger(__name__)
SERVICE = "Hearth"


def keyring_available() -> bool:
    try:
        import keyring

        backend = keyring.get_keyring()
    except Exception:
        return False
    module = type(backend).__module__
    return not module.endswith((".fail", ".null")) and getattr(backend, "priority", 1) > 0


def store_key(server: RemoteServer, key: str) -> RemoteServer:
    """The server entry with `key` stored: in the keyring if possible, else inline."""
    if not key:
        return RemoteServer(server.base_url, server.models)
    if keyring_available():
        try:
            import keyring

            keyring.set_password(SERVICE, server.base_url, key)
            return RemoteServer(server.base_url, server.models, key_in_keyring=True)
        except Exception as error:
            log.warning("the keyring refused the key (%s); keeping it in the settings", error)
    return RemoteServer(server.base_url, server.models, api_key=key)


def read_key(server: RemoteServer) -> str:
    if not server.key_in_keyring:
        return server.api_key
    try:
        import keyring

        return keyring.get_password(SERVICE, server.base_url) or ""
    except Exception as error:
        log.warning("could not read the key of %s from the keyring: %s", server.base_url, error)
        return ""


def settings_key(base_url: str) -> str:
    """The key for a server in the saved settings ('' when none): the window's KeyLookup."""
    for server in load_settings().remote_servers:
        if server.base_url == base_url:
            return read_key(server)
    return ""
