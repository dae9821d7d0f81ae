"""Remote models: a server the person added by hand, and how a remote model is named.

A remote model travels through the app (picker, settings, store, runner) as a "path" that
is an http(s) URL: the server's OpenAI-compatible base URL with the model's id as the
fragment, e.g. ``http://gpu-box:8080/v1#qwen2.5-32b``. Local files never start with a
URL scheme, so the two can never be confused.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import quote, unquote, urlsplit, urlunsplit

REMOTE_SCHEMES = ("http://", "https://")


class EndpointURLError(ValueError):
    """The text typed as a server address is not a usable http(s) URL."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An OpenAI-compatible server: base URL ending in the API root (usually /v1)."""

    base_url: str

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def port(self) -> int:
        parts = urlsplit(self.base_url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def netloc(self) -> str:
        """'gpu-box:8080', as the window names the server."""
        return urlsplit(self.base_url).netloc.rsplit("@", 1)[-1]

    @property
    def is_loopback(self) -> bool:
        """A server on this computer: nothing leaves the machine."""
        return is_loopback_host(self.host)

    def url(self, route: str) -> str:
        return f"{self.base_url}/{route.lstrip('/')}"

    def model_path(self, model_id: str) -> str:
        return f"{self.base_url}#{quote(model_id, safe='')}"


@dataclass(frozen=True, slots=True)
class RemoteServer:
    """A server in the settings, with the model ids it listed when it was added."""

    base_url: str
    models: tuple[str, ...] = ()
    api_key: str = ""  # only when the platform keyring is unavailable (the window warns)
    key_in_keyring: bool = False

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.base_url)


def is_loopback_host(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0]).is_loopback
    except ValueError:
        return False


def normalize_base_url(text: str) -> str:
    """'gpu-box:8080' -> 'http://gpu-box:8080/v1'; a given path is kept (no trailing /)."""
    raw = text.strip()
    if not raw:
        raise EndpointURLError("Type the server's address, e.g. http://192.168.1.20:8080/v1")
    if "://" not in raw:
        raw = "http://" + raw
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https"):
        raise EndpointURLError(f"Only http:// and https:// servers are supported, not {raw!r}.")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise EndpointURLError(f"{raw!r} has an invalid port: {error}") from None
    if not parts.hostname:
        raise EndpointURLError(f"{raw!r} has no host name.")
    path = parts.path.rstrip("/") or "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def is_remote_path(path: str | None) -> bool:
    return bool(path) and str(path).lower().startswith(REMOTE_SCHEMES)


def split_model_path(path: str) -> tuple[Endpoint, str]:
    """'http://h:8080/v1#m%2F1' -> (Endpoint('http://h:8080/v1'), 'm/1')."""
    base, _, fragment = path.partition("#")
    return Endpoint(normalize_base_url(base)), unquote(fragment)


def remote_label(path: str) -> str:
    """'qwen2.5-32b on gpu-box:8080', how the window names a remote model."""
    endpoint, model = split_model_path(path)
    return f"{model or '(server default)'} on {endpoint.netloc}"


def display_name(path: str) -> str:
    """How a model is named in short texts: a file's name, or 'model on host:port'."""
    if is_remote_path(path):
        try:
            return remote_label(path)
        except ValueError:
            return path
    return PurePath(path).name
