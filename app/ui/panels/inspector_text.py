"""What the Inspector says: row captions, one-sentence tooltips, and its sentences.

Pure functions over the figures of app.inspect (no widgets), so every text is tested
exactly. Unknown values read "—" (format.UNKNOWN), as in the stats panel.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.chat.events import TurnStats
from app.inspect.figures import (
    PHASE_DECODE,
    PHASE_LOAD,
    PHASE_OVERHEAD,
    PHASE_PROMPT,
    PHASE_THINKING,
    KvCacheFigures,
    QuantizationFigures,
    SpeedCeiling,
)
from app.inspect.forecast import OverflowForecast
from app.ui.common import format as fmt

PHASE_COLORS = {
    PHASE_LOAD: "#8250df",
    PHASE_PROMPT: "#d9822b",
    PHASE_THINKING: "#bf3989",
    PHASE_DECODE: "#2f81f7",
    PHASE_OVERHEAD: "#8c959f",
}
PHASE_ROWS = {
    PHASE_LOAD: "insp_load",
    PHASE_PROMPT: "insp_prompt",
    PHASE_THINKING: "insp_thinking",
    PHASE_DECODE: "insp_decode",
    PHASE_OVERHEAD: "insp_overhead",
}

# section title -> {objectName: (caption, one-sentence tooltip)}
SECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "This reply": {
        "insp_load": (
            "Model load",
            "Time spent loading the model file into memory before this reply could start.",
        ),
        "insp_prompt": (
            "Reading",
            "Time the model spent reading the new part of the conversation before writing.",
        ),
        "insp_thinking": (
            "Thinking",
            "Time a reasoning model spent thinking before its answer: tokens and tokens/s.",
        ),
        "insp_decode": (
            "Writing",
            "Time the model spent writing the reply, one token (a word or part of one) at a time.",
        ),
        "insp_answer_ttft": (
            "Answer after",
            "The wait for the answer's first word (after thinking) beside the reply's first token.",
        ),
        "insp_thinking_policy": (
            "Old thinking",
            "Earlier thinking kept in memory (no re-reading, more context) or left out as the "
            "template says.",
        ),
        "insp_overhead": (
            "App overhead",
            "Time Hearth itself spent around the model: preparing the prompt and passing text on.",
        ),
    },
    "Prompt": {
        "insp_prompt_tokens": (
            "Prompt size",
            "How many tokens (words or parts of words) the whole conversation takes as input.",
        ),
        "insp_prompt_reused": (
            "Reused",
            "Tokens not read again: the model kept its memory of earlier turns (per branch, "
            "restored after a switch).",
        ),
        "insp_prompt_evaluated": (
            "Read now",
            "Tokens the model had to read for this reply: only what is new since its last turn.",
        ),
    },
    "Memory": {
        "insp_kv_size": (
            "KV cache",
            "Memory holding what the model has read so far (its key-value cache), per token "
            "sized by the model's layers and attention heads.",
        ),
        "insp_kv_fill": (
            "Context held",
            "Tokens the model holds now out of the most it can hold (its context window).",
        ),
        "insp_kv_next": (
            "When it fills",
            "What happens when the context window is full: Hearth leaves out the oldest turns "
            "and keeps your system prompt.",
        ),
    },
    "Model file": {
        "insp_quant": (
            "Quantization",
            "How the model's numbers are stored: fewer bits make it smaller and faster to read, "
            "at a small cost in quality.",
        ),
        "insp_bpw": (
            "Bits per weight",
            "Average storage per model number (weight): the file size divided by the weights.",
        ),
        "insp_weights": (
            "Weights in memory",
            "Memory the model's weights take; all of them are read for every token written.",
        ),
    },
    "Speed against this machine": {
        "insp_bandwidth": (
            "Memory speed",
            "How fast this machine reads its memory (RAM), measured once by Hearth.",
        ),
        "insp_ceiling": (
            "Speed limit",
            "The fastest this model can write here: memory speed over the bytes read per token.",
        ),
        "insp_efficiency": (
            "Actual speed",
            "How close the reply's writing speed came to that limit.",
        ),
    },
    "This conversation": {
        "insp_history_ttft": (
            "First token",
            "Wait for the first word of each reply; it stays flat while earlier turns are reused.",
        ),
        "insp_history_decode": (
            "Writing speed",
            "Writing speed of each reply in this conversation, in tokens per second.",
        ),
    },
}
ROWS: dict[str, tuple[str, str]] = {
    name: row for section in SECTIONS.values() for name, row in section.items()
}


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def phase_text(phase: str, seconds: float, stats: TurnStats) -> str:
    if phase == PHASE_THINKING:
        return thinking_phase_text(seconds, stats)
    duration = fmt.format_seconds(seconds)
    if phase == PHASE_PROMPT:
        return f"{duration} · {stats.evaluated_tokens:,} read, {stats.cached_tokens:,} reused"
    if phase == PHASE_DECODE:
        return f"{duration} · {_plural(stats.generated_tokens, 'token')}"
    if phase == PHASE_LOAD and seconds <= 0:
        return "none"
    return duration


def thinking_phase_text(seconds: float, stats: TurnStats) -> str:
    if not stats.thinking_tokens:
        return "none"
    rate = fmt.format_rate(stats.thinking_tps)
    return f"{fmt.format_seconds(seconds)} · {_plural(stats.thinking_tokens, 'token')} · {rate}"


def answer_ttft_text(stats: TurnStats) -> str:
    first = fmt.format_seconds(stats.ttft_s)
    if not stats.thinking_tokens:
        return f"{first} (no thinking)"
    if stats.answer_ttft_s is None:
        return f"no answer · first token {first}"
    return f"{fmt.format_seconds(stats.answer_ttft_s)} · first token {first}"


def thinking_policy_text(stats: TurnStats) -> str:
    if stats.thinking_policy is None:
        return "the model does not think"
    if stats.thinking_policy == "keep":
        return f"kept (exact tokens) · {_plural(stats.old_thinking_tokens, 'token')} of context"
    return "follows the template (left out, re-read)"


def reused_text(stats: TurnStats) -> str:
    share = fmt.format_percent(stats.cached_tokens, stats.prompt_tokens)
    switched = stats.restored_from_disk and stats.cached_tokens
    where = ", kept state restored after a switch" if switched else ""
    return f"{stats.cached_tokens:,} ({share}{where})"


def kv_size_text(kv: KvCacheFigures) -> str:
    if kv.bytes_per_token <= 0:
        return fmt.UNKNOWN
    per_token = fmt.format_bytes(kv.bytes_per_token)
    return f"{fmt.format_bytes(kv.bytes_held)} ({per_token} per token × {kv.tokens_held:,})"


def kv_fill_text(kv: KvCacheFigures) -> str:
    if kv.context_size <= 0:
        return fmt.UNKNOWN
    share = fmt.format_percent(kv.tokens_held, kv.context_size)
    return f"{kv.tokens_held:,} / {kv.context_size:,} tokens ({share})"


def forecast_text(forecast: OverflowForecast | None) -> str:
    if forecast is None:
        return "Not known until a reply is finished."
    dropped = _plural(forecast.turns_dropped, "turn")
    if forecast.next_turn_drops:
        return f"Full: your next message leaves out the oldest {dropped}."
    more = _plural(forecast.turns_that_fit, "more turn")
    return f"Room for about {more}; then the oldest {dropped} will be left out."


def bits_text(q: QuantizationFigures) -> str:
    if q.bits_per_weight <= 0:
        return fmt.UNKNOWN
    text = f"{q.bits_per_weight:.2f} bits"
    if q.smaller_than_f16 > 1:
        text += f" ({q.smaller_than_f16:.1f}× smaller than 16-bit)"
    return text


def bandwidth_text(gbps: float | None, measuring: bool, failed: str = "") -> str:
    if measuring:
        return "measuring…"
    if failed:
        return f"could not measure ({failed})"
    return f"{gbps:.1f} GB/s" if gbps else "not measured yet"


def ceiling_text(ceiling: SpeedCeiling | None) -> str:
    if ceiling is None or ceiling.ceiling_tps <= 0:
        return fmt.UNKNOWN
    read = fmt.format_bytes(ceiling.bytes_per_token)
    return f"{fmt.format_rate(ceiling.ceiling_tps)} ({read} read per token)"


def efficiency_text(ceiling: SpeedCeiling | None) -> str:
    if ceiling is None or ceiling.decode_tps <= 0 or ceiling.ceiling_tps <= 0:
        return fmt.UNKNOWN
    percent = f"{100 * ceiling.fraction:.0f}%"
    return (
        f"{fmt.format_rate(ceiling.decode_tps)}: decoding at {percent} of what this "
        "machine's memory allows for this model"
    )


def series_text(values: Sequence[float], unit: str) -> str:
    """'120 ms → 130 ms over 5 turns' (first and last), or one value."""
    show = fmt.format_seconds if unit == "s" else fmt.format_rate
    if not values:
        return fmt.UNKNOWN
    if len(values) == 1:
        return f"{show(values[0])} (1 turn)"
    return f"{show(values[0])} → {show(values[-1])} over {len(values)} turns"
