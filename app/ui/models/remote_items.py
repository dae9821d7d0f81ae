"""The model picker's rows for servers the person added: one group per server.

Each group is headed by the server ("Server gpu-box:8080 (remote)"; a loopback server says
it is on this computer); its rows are the model ids the server listed when it was added
(listing again would contact the server while none of its models is in use).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QStandardItem

from app.chat.remote import RemoteServer, remote_label, split_model_path

ItemFactory = Callable[..., QStandardItem]
KIND_ADD_SERVER = "add_server"
ADD_SERVER_TEXT = "Add a server…"
ADD_SERVER_TIP = (
    "Chat through an OpenAI-compatible server (llama-server, vLLM, Ollama, hearth --serve) "
    "when a model outgrows this computer."
)


def where(server: RemoteServer) -> str:
    return "on this computer" if server.endpoint.is_loopback else "remote"


def server_rows(
    servers: Sequence[RemoteServer], item: ItemFactory, header: str, model: str
) -> list[QStandardItem]:
    rows: list[QStandardItem] = []
    for server in servers:
        endpoint = server.endpoint
        title = f"Server {endpoint.netloc} ({where(server)})"
        rows.append(item(title, header, enabled=False, bold=True))
        for model_id in server.models:
            path = endpoint.model_path(model_id)
            text = f"{model_id} — {where(server)} · {endpoint.host}"
            tip = f"{model_id} on {endpoint.base_url}\nMessages are sent to {endpoint.netloc}."
            rows.append(item(text, model, tip, path))
        if not server.models:
            rows.append(item("The server listed no models", header, enabled=False))
    return rows


def current_label(path: str) -> str:
    """A remote model loaded from elsewhere (the command line, an old conversation)."""
    try:
        return remote_label(path)
    except ValueError:
        return path


def path_key(path: str) -> str:
    try:
        endpoint, model = split_model_path(path)
    except ValueError:
        return path
    return endpoint.model_path(model)
