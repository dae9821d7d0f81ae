"""ServerConfig: where the API listens and what it lets in."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


class ConfigError(ValueError):
    """A server setting that cannot be used; str() says why."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    api_key: str | None = None
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()  # extra Host header names accepted (e.g. a LAN name)
    max_body_bytes: int = 8 << 20
    max_streams: int = 4  # open streaming responses at once
    max_waiting: int = 8  # generation requests queued or running at once
    idle_timeout_s: float = 30.0  # a keep-alive connection with nothing to do is closed
    body_timeout_s: float = 30.0  # the whole request body must arrive within this
    model_id: str = ""  # the name /v1/models reports; empty: the loaded file's name

    def checked(self) -> ServerConfig:
        """The config, or ConfigError when it would let the network in without a key."""
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"The port must be between 0 and 65535, not {self.port}.")
        if not is_loopback(self.host) and not self.api_key:
            raise ConfigError(
                f"Listening on {self.host} lets other machines connect: set an API key "
                "(--api-key) to do that."
            )
        return self

    def base_url(self, port: int | None = None) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port if port is not None else self.port}/v1"
