"""Quantization names: llama.cpp's `general.file_type` enum, bits per weight, file-name parsing."""

from __future__ import annotations

import re

# llama_ftype from llama.h (removed types keep their numbers so the table stays aligned).
FILE_TYPE_NAMES: dict[int, str] = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    4: "Q4_1_SOME_F16",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    33: "Q4_0_4_4",
    34: "Q4_0_4_8",
    35: "Q4_0_8_8",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4_MOE",
}

# Average bits per weight of whole files (embeddings and norms included), from llama.cpp's
# quantize table. Used only to guess a parameter count from a file size.
BITS_PER_WEIGHT: dict[str, float] = {
    "F32": 32.0,
    "F16": 16.0,
    "BF16": 16.0,
    "Q8_0": 8.5,
    "Q6_K": 6.56,
    "Q5_1": 6.0,
    "Q5_K_M": 5.7,
    "Q5_K_S": 5.54,
    "Q5_0": 5.5,
    "Q4_1": 5.0,
    "Q4_K_M": 4.89,
    "Q4_K_S": 4.58,
    "Q4_0": 4.5,
    "IQ4_NL": 4.5,
    "IQ4_XS": 4.25,
    "Q3_K_L": 4.27,
    "Q3_K_M": 3.91,
    "Q3_K_S": 3.5,
    "IQ3_M": 3.66,
    "IQ3_S": 3.44,
    "IQ3_XS": 3.3,
    "IQ3_XXS": 3.06,
    "Q2_K": 3.35,
    "Q2_K_S": 2.96,
    "IQ2_M": 2.7,
    "IQ2_S": 2.5,
    "IQ2_XS": 2.31,
    "IQ2_XXS": 2.06,
    "IQ1_M": 1.75,
    "IQ1_S": 1.56,
    "TQ2_0": 2.06,
    "TQ1_0": 1.69,
    "MXFP4_MOE": 4.25,
}

# Display order, smallest first; anything unknown sorts after these.
QUANT_ORDER: tuple[str, ...] = (
    "IQ1_S", "IQ1_M", "TQ1_0", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "TQ2_0", "Q2_K_S", "Q2_K",
    "Q2_K_L", "IQ3_XXS", "IQ3_XS", "IQ3_S", "IQ3_M", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q3_K_XL",
    "IQ4_XS", "IQ4_NL", "Q4_0", "Q4_1", "Q4_K_S", "Q4_K_M", "Q4_K_L", "Q4_K_XL", "MXFP4_MOE",
    "Q5_0", "Q5_1", "Q5_K_S", "Q5_K_M", "Q5_K_L", "Q5_K_XL", "Q6_K", "Q6_K_L", "Q6_K_XL",
    "Q8_0", "Q8_K_XL", "F16", "BF16", "F32",
)  # fmt: skip

_QUANT_IN_NAME = re.compile(
    r"(?<![A-Za-z0-9])(?:UD-)?("
    r"I?Q[1-8]_K_(?:XXS|XS|S|M|L|XL)|I?Q[1-8]_(?:XXS|XS|S|M|NL|K|[01])|TQ[12]_0|MXFP4(?:_MOE)?"
    r"|BF16|F16|FP16|F32|FP32)"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def file_type_name(file_type: int | None) -> str | None:
    if file_type is None:
        return None
    return FILE_TYPE_NAMES.get(file_type, f"type {file_type}")


def quant_from_filename(name: str) -> str | None:
    """'Qwen2.5-7B-Instruct-Q4_K_M-00001-of-00002.gguf' -> 'Q4_K_M' (None if not named)."""
    matches = _QUANT_IN_NAME.findall(name.replace(".", "-"))
    if not matches:
        return None
    quant = str(matches[-1]).upper()
    return {"FP16": "F16", "FP32": "F32", "MXFP4": "MXFP4_MOE"}.get(quant, quant)


def quant_sort_key(quant: str | None) -> tuple[int, str]:
    if quant in QUANT_ORDER:
        return (QUANT_ORDER.index(quant), quant)
    return (len(QUANT_ORDER), quant or "")


def estimate_parameters(file_size: int, quant: str | None) -> int | None:
    """A parameter count guessed from the file size and the quantization's bits per weight."""
    bits = BITS_PER_WEIGHT.get(quant or "")
    if not bits or file_size <= 0:
        return None
    return int(file_size * 8 / bits)
