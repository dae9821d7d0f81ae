"""What the Inspector says for a model on a server: the KV cache and weights live there."""

from __future__ import annotations

from app.chat.remote import Endpoint
from app.chat.values import ModelInfo
from app.ui.common.format import UNKNOWN

TOKENS_NOTE = "A server's tokenizer cannot be reached through the OpenAI API."


def remote_texts(info: ModelInfo) -> dict[str, str]:
    """Inspector rows for a remote model, by label name."""
    where = Endpoint(info.endpoint).netloc
    return {
        "insp_kv_size": f"On the server ({where}): the KV cache is not in this computer's memory.",
        "insp_kv_fill": (
            "The server keeps the KV cache and decides what it reuses between turns; "
            "Statistics shows the reuse it reports."
        ),
        "insp_kv_next": (
            "When the context fills, the server decides what happens (llama-server can "
            "shift it; vLLM refuses a prompt that is too long)."
        ),
        "insp_quant": UNKNOWN,
        "insp_bpw": UNKNOWN,
        "insp_weights": f"On the server ({where})",
        "insp_ceiling": "Not estimated: the model runs on the server's hardware.",
        "insp_efficiency": UNKNOWN,
    }
