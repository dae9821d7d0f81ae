"""The chat template a loaded model declares, with its BOS/EOS token texts."""

from __future__ import annotations

from typing import Any

from app.engine.pieces import PieceDecoder
from app.engine.template import ChatTemplate


def template_for(llm: Any, pieces: PieceDecoder) -> ChatTemplate:
    meta = llm.metadata or {}

    def token_text(token: int) -> str:
        return (
            pieces.piece(token, special=True).decode("utf-8", errors="replace")
            if token >= 0
            else ""
        )

    return ChatTemplate(
        meta.get("tokenizer.chat_template"),
        token_text(llm.token_bos()),
        token_text(llm.token_eos()),
    )
