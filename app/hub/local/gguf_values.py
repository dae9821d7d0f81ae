"""What a GGUF header says about a model, as one value (built by `app.hub.local.gguf_header`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.hub.local.quant_names import estimate_parameters, file_type_name

# Encoder architectures llama.cpp runs only as embedding models (no text generation).
EMBEDDING_ARCHITECTURES = frozenset(
    {"bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "jina-bert-v3", "modern-bert",
     "neo-bert", "t5encoder", "gemma-embedding"}
)  # fmt: skip
_SIZE_LABEL = re.compile(r"^\s*(?:(\d+)\s*x\s*)?(\d+(?:\.\d+)?)\s*([KMBT])", re.IGNORECASE)
_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


@dataclass(frozen=True, slots=True)
class GgufMetadata:
    version: int
    tensor_count: int
    architecture: str | None
    name: str | None
    size_label: str | None
    parameter_count: int | None
    parameter_count_is_estimate: bool  # True when guessed from file size and quantization
    file_type: int | None
    quantization: str | None  # "Q4_1", "Q4_K_M", "F16", ...
    context_length: int | None
    block_count: int | None
    head_count: int | None
    head_count_kv: int | None
    embedding_length: int | None
    key_length: int | None
    value_length: int | None
    vocab_size: int | None
    split_count: int | None
    has_chat_template: bool
    chat_template: str | None
    header_bytes: int  # how many bytes were read
    values: Mapping[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def head_dim(self) -> int | None:
        """Key head size: `{arch}.attention.key_length`, else embedding / heads."""
        if self.key_length:
            return self.key_length
        if self.embedding_length and self.head_count:
            return self.embedding_length // self.head_count
        return None

    @property
    def value_head_dim(self) -> int | None:
        return self.value_length or self.head_dim

    @property
    def is_embedding_model(self) -> bool:
        """A model for vectors, not chat: an encoder architecture, or one with its own
        pooling (`{arch}.pooling_type`, as Qwen3-Embedding has)."""
        arch = self.architecture or ""
        return arch in EMBEDDING_ARCHITECTURES or f"{arch}.pooling_type" in self.values


def parse_size_label(label: str | None) -> int | None:
    """'135M' -> 135_000_000, '1.7B' -> 1_700_000_000, '8x7B' -> 56_000_000_000."""
    if not label:
        return None
    match = _SIZE_LABEL.match(label)
    if not match:
        return None
    experts = int(match.group(1)) if match.group(1) else 1
    return round(experts * float(match.group(2)) * _SCALE[match.group(3).upper()])


def _int(values: Mapping[str, object], key: str) -> int | None:
    value = values.get(key)
    if isinstance(value, tuple):  # per-layer values (e.g. head_count_kv): take the largest
        numbers = [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
        return max(numbers) if numbers else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def _str(values: Mapping[str, object], key: str) -> str | None:
    value = values.get(key)
    return value if isinstance(value, str) else None


def _arch_fields(values: Mapping[str, object], arch: str | None) -> dict[str, int | None]:
    """The `{arch}.*` numbers a memory estimate and the model picker need."""
    prefix = f"{arch}." if arch else "\0"
    return {
        "context_length": _int(values, prefix + "context_length"),
        "block_count": _int(values, prefix + "block_count"),
        "head_count": _int(values, prefix + "attention.head_count"),
        "head_count_kv": _int(values, prefix + "attention.head_count_kv")
        or _int(values, prefix + "attention.head_count"),
        "embedding_length": _int(values, prefix + "embedding_length"),
        "key_length": _int(values, prefix + "attention.key_length"),
        "value_length": _int(values, prefix + "attention.value_length"),
        "vocab_size": _int(values, prefix + "vocab_size"),
    }


def build_metadata(
    version: int,
    tensor_count: int,
    values: Mapping[str, object],
    array_lengths: Mapping[str, int],
    file_size: int | None,
    header_bytes: int,
) -> GgufMetadata:
    arch = _str(values, "general.architecture")
    fields = _arch_fields(values, arch)
    tokens = array_lengths.get("tokenizer.ggml.tokens")
    fields["vocab_size"] = tokens or fields["vocab_size"]
    file_type = _int(values, "general.file_type")
    quant = file_type_name(file_type)
    size_label = _str(values, "general.size_label")
    params = parse_size_label(size_label)
    estimated = params is None
    if params is None and file_size:
        params = estimate_parameters(file_size, quant)
    template = _str(values, "tokenizer.chat_template")
    return GgufMetadata(
        version=version,
        tensor_count=tensor_count,
        architecture=arch,
        name=_str(values, "general.name"),
        size_label=size_label,
        parameter_count=params,
        parameter_count_is_estimate=estimated and params is not None,
        file_type=file_type,
        quantization=quant,
        split_count=_int(values, "split.count"),
        has_chat_template=bool(template),
        chat_template=template,
        header_bytes=header_bytes,
        values=dict(values),
        **fields,
    )
