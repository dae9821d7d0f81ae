"""Thinking models for the tests: the default GGUF copied with a rewritten chat template.

The default model (SmolLM2-135M, ChatML) does not think by itself. Each copy here carries a
template in one real format (written after the real models' templates, reduced to what
matters); grammars force real generations into the format where needed.
"""

from __future__ import annotations

from pathlib import Path

_CHATML_MESSAGE = "{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}"

# Qwen3: `enable_thinking` switches; the generation prompt writes an empty block when off;
# earlier replies' thinking is left out of the history.
QWEN3 = (
    "{%- for m in messages -%}"
    "{%- if m.role == 'assistant' -%}"
    "{%- set c = m.content -%}"
    "{%- if '</think>' in c -%}{%- set c = c.split('</think>')[-1].lstrip('\\n') -%}{%- endif -%}"
    "{{ '<|im_start|>assistant\\n' + c + '<|im_end|>\\n' }}"
    "{%- else -%}" + _CHATML_MESSAGE + "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}"
    "{%- if enable_thinking is defined and enable_thinking is false -%}"
    "{{ '<think>\\n\\n</think>\\n\\n' }}{%- endif -%}{%- endif -%}"
)

# DeepSeek-R1 distills: the generation prompt opens <think>; no switch.
R1 = (
    "{%- for m in messages -%}" + _CHATML_MESSAGE + "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n<think>\\n' }}{%- endif -%}"
)

# SmolLM3: `/think` or `/no_think` in the system prompt; the flag is removed from it.
SMOLLM3 = (
    "{%- set ns = namespace(mode='/think') -%}"
    "{%- for m in messages -%}"
    "{%- if m.role == 'system' -%}"
    "{%- if '/no_think' in m.content -%}{%- set ns.mode = '/no_think' -%}{%- endif -%}"
    "{%- set c = m.content.replace('/no_think', '').replace('/think', '').strip() -%}"
    "{{ '<|im_start|>system\\n' + c + '<|im_end|>\\n' }}"
    "{%- else -%}" + _CHATML_MESSAGE + "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}"
    "{%- if ns.mode == '/no_think' -%}{{ '<think>\\n\\n</think>\\n' }}{%- endif -%}{%- endif -%}"
)

# Magistral: [THINK]…[/THINK], asked for in the system prompt.
MAGISTRAL = (
    "{{ '<|im_start|>system\\nDraft your thinking inside [THINK] and [/THINK].<|im_end|>\\n' }}"
    "{%- for m in messages -%}{%- if m.role != 'system' -%}" + _CHATML_MESSAGE + "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)

# gpt-oss: channels; the effort goes into the system message.
GPT_OSS = (
    "{{ '<|im_start|>system\\nReasoning: ' + (reasoning_effort | default('medium'))"
    " + '<|im_end|>\\n' }}"
    "{%- for m in messages -%}"
    "{%- if m.role == 'assistant' -%}"
    "{{ '<|im_start|>assistant\\n<|channel|>final<|message|>' + m.content + '<|im_end|>\\n' }}"
    "{%- elif m.role != 'system' -%}" + _CHATML_MESSAGE + "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}"
)

TEMPLATES = {
    "qwen3": QWEN3,
    "r1": R1,
    "smollm3": SMOLLM3,
    "magistral": MAGISTRAL,
    "gpt-oss": GPT_OSS,
}

# Grammars: a short thought of plain words, then an answer of plain words.
_WORDS = 'words ::= word (" " word){3,7}\nword ::= [a-z]{2,7}\n'
THINK_TAGS_GRAMMAR = 'root ::= "<think>\\n" words "\\n</think>\\n\\n" words "."\n' + _WORDS
BRACKETS_GRAMMAR = 'root ::= "[THINK]" words "[/THINK]" words "."\n' + _WORDS
GPT_OSS_GRAMMAR = (
    'root ::= "<|channel|>analysis<|message|>" words "<|end|><|start|>assistant'
    '<|channel|>final<|message|>" words "."\n' + _WORDS
)
# After an opened <think>: words only, no marker, never ending by itself before many tokens.
PLAIN_WORDS_GRAMMAR = 'root ::= word (" " word){40,200}\nword ::= [a-z]{2,7}\n'
# For prompts that already opened thinking: the model closes it itself.
OPENED_GRAMMAR = 'root ::= words "\\n</think>\\n\\n" words "."\n' + _WORDS


def build(source: Path, target: Path, template: str) -> Path:
    """Copy the GGUF at `source` to `target` with `template` as its chat template.

    The header is written by the `gguf` package; the tensor data is copied as raw bytes
    (the offsets inside the data section do not change), which is much faster.
    """
    import shutil

    import gguf

    reader = gguf.GGUFReader(str(source))
    arch = reader.fields[gguf.Keys.General.ARCHITECTURE].contents()
    writer = gguf.GGUFWriter(str(target), arch=arch, endianess=reader.endianess)
    for field in reader.fields.values():
        if field.name == gguf.Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue
        if field.name == gguf.Keys.Tokenizer.CHAT_TEMPLATE:
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)
    writer.add_chat_template(template)
    for tensor in reader.tensors:
        writer.add_tensor_info(
            tensor.name, tensor.data.shape, tensor.data.dtype, tensor.data.nbytes,
            tensor.tensor_type,
        )  # fmt: skip
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    alignment = int(reader.alignment)
    with source.open("rb") as src, target.open("ab") as out:
        out.write(b"\0" * (-out.tell() % alignment))
        src.seek(reader.data_offset)
        shutil.copyfileobj(src, out, 1 << 20)
    return target


class ThinkingModels:
    """Builds each format's copy on first use, once per test session."""

    def __init__(self, source: Path, folder: Path) -> None:
        self._source = source
        self._folder = folder
        self._built: dict[str, Path] = {}

    def __call__(self, name: str) -> Path:
        if name not in self._built:
            self._folder.mkdir(parents=True, exist_ok=True)
            target = self._folder / f"thinking-{name}.gguf"
            self._built[name] = build(self._source, target, TEMPLATES[name])
        return self._built[name]
