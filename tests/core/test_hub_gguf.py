"""GGUF metadata reader: the real default model, synthetic headers, and damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.hub.local.gguf_header import GgufFormatError, parse_gguf_metadata, read_gguf_metadata
from app.hub.local.gguf_values import parse_size_label
from app.hub.local.quant_names import quant_from_filename
from tests.core.hub_gguf_files import gguf_bytes, llama_values, write_gguf


def test_reads_the_default_model(default_model: Path) -> None:
    meta = read_gguf_metadata(default_model)
    assert meta.version == 3
    assert meta.architecture == "llama"
    assert meta.quantization == "Q4_1"
    assert meta.parameter_count == 135_000_000
    assert not meta.parameter_count_is_estimate
    assert meta.context_length == 8192
    assert (meta.block_count, meta.head_count, meta.head_count_kv) == (30, 9, 3)
    assert meta.embedding_length == 576
    assert meta.head_dim == 64
    assert meta.vocab_size == 49152
    assert meta.has_chat_template
    assert meta.chat_template is not None and "<|im_start|>" in meta.chat_template
    assert meta.tensor_count == 272
    # The vocabulary (49,152 strings) and merges are skipped, not kept.
    assert "tokenizer.ggml.tokens" not in meta.values
    assert meta.header_bytes < default_model.stat().st_size


def test_stopping_at_the_tokenizer_reads_far_less(default_model: Path) -> None:
    full = read_gguf_metadata(default_model)
    with default_model.open("rb") as handle:
        early = parse_gguf_metadata(handle.read, stop_at_tokenizer=True)
    assert (early.block_count, early.head_count_kv, early.head_dim) == (30, 3, 64)
    assert early.quantization == "Q4_1"
    assert early.chat_template is None
    assert early.header_bytes < 2_000 < full.header_bytes


def test_synthetic_header_fields_and_parameter_estimate(tmp_path: Path) -> None:
    path = write_gguf(
        tmp_path / "tiny.gguf",
        llama_values(**{"llama.attention.key_length": 96, "split.count": 1}),
        padding=4_890_000,
    )
    meta = read_gguf_metadata(path)
    assert meta.quantization == "Q4_K_M"
    assert meta.head_dim == 96  # key_length wins over embedding / heads (= 32)
    assert meta.vocab_size == 500
    assert meta.split_count == 1
    assert meta.chat_template == "{{ messages }}"
    # No size label: estimated from the file size at 4.89 bits per weight.
    assert meta.parameter_count_is_estimate
    size = path.stat().st_size
    assert meta.parameter_count == int(size * 8 / 4.89)


def test_per_layer_kv_heads_take_the_largest(tmp_path: Path) -> None:
    values = llama_values(**{"llama.attention.head_count_kv": [2, 4, 4, 1]})
    meta = read_gguf_metadata(write_gguf(tmp_path / "a.gguf", values))
    assert meta.head_count_kv == 4


def test_missing_kv_head_count_falls_back_to_head_count(tmp_path: Path) -> None:
    values = llama_values()
    del values["llama.attention.head_count_kv"]
    meta = read_gguf_metadata(write_gguf(tmp_path / "a.gguf", values))
    assert meta.head_count_kv == 8


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 a zip file", "not a GGUF file"),
        (b"", "truncated"),
        (b"GGUF\x03\x00", "truncated"),
        (b"GGUF" + (1).to_bytes(4, "little") + b"\0" * 16, "version 1 is too old"),
        (b"GGUF" + (9).to_bytes(4, "little") + b"\0" * 16, "newer than this app"),
        (b"GGUF\x00\x00\x00\x03" + b"\0" * 16, "big-endian"),
    ],
)
def test_damaged_files_raise_a_clear_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(GgufFormatError) as caught:
        read_gguf_metadata(path)
    assert reason in caught.value.reason


def test_truncated_inside_the_vocabulary(default_model: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.gguf"
    with default_model.open("rb") as handle:
        path.write_bytes(handle.read(300_000))
    with pytest.raises(GgufFormatError, match="truncated"):
        read_gguf_metadata(path)


def test_absurd_string_length_is_damage(tmp_path: Path) -> None:
    data = gguf_bytes({"general.name": "x"})
    broken = data[:24] + (1 << 40).to_bytes(8, "little") + data[32:]
    path = tmp_path / "x.gguf"
    path.write_bytes(broken)
    with pytest.raises(GgufFormatError, match="damaged"):
        read_gguf_metadata(path)


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(GgufFormatError, match="cannot read"):
        read_gguf_metadata(tmp_path / "nope.gguf")


@pytest.mark.parametrize(
    ("label", "count"),
    [("135M", 135_000_000), ("1.7B", 1_700_000_000), ("8x7B", 56_000_000_000), ("x", None)],
)
def test_size_labels(label: str, count: int | None) -> None:
    assert parse_size_label(label) == count


@pytest.mark.parametrize(
    ("name", "quant"),
    [
        ("Qwen2.5-7B-Instruct-Q4_K_M.gguf", "Q4_K_M"),
        ("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf", "Q4_K_M"),
        ("Llama-3.2-1B-Instruct-IQ4_XS.gguf", "IQ4_XS"),
        ("Phi-3.5-mini-instruct.Q8_0.gguf", "Q8_0"),
        ("gemma-2-2b-it-f16.gguf", "F16"),
        ("model-bf16.gguf", "BF16"),
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "Q4_1"),
        ("Q3_K_L/model-00001-of-00002.gguf", "Q3_K_L"),
        ("model.gguf", None),
    ],
)
def test_quantization_from_file_names(name: str, quant: str | None) -> None:
    assert quant_from_filename(name) == quant
