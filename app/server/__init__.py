"""Hearth's local OpenAI-compatible HTTP API (aiohttp, no Qt).

`create_app()` builds the aiohttp application over an EngineRunner; `ApiServer` starts and
stops it on the running asyncio loop (the Qt loop through qasync in the window, a plain
asyncio loop for `hearth --serve`).
"""

from app.server.config import ServerConfig
from app.server.records import RequestRecord
from app.server.service import ApiServer

__all__ = ["ApiServer", "RequestRecord", "ServerConfig"]
