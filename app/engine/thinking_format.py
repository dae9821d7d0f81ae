"""Which thinking format a model uses, read from its GGUF chat template and metadata.

Reasoning models write their thinking between markers before the answer:
- `<think>…</think>`: Qwen3 (switch: the `enable_thinking` template variable), SmolLM3
  (switch: `/think` or `/no_think` in the system prompt), DeepSeek-R1 distills (their
  template opens `<think>` in the generation prompt; no switch);
- `[THINK]…[/THINK]`: Magistral;
- gpt-oss's channels: `<|channel|>analysis<|message|>…<|end|>`, then
  `<|start|>assistant<|channel|>final<|message|>` and the answer (switch: reasoning effort).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from app.chat.values import GenerationParams, Message

Switch = Literal["enable_thinking", "system_flags", "effort", "none"]


@dataclass(frozen=True, slots=True)
class ThinkingFormat:
    name: str  # "think-tags", "think-brackets", "gpt-oss"
    open: str  # the marker that starts thinking
    close: str  # the marker that ends it
    answer_start: str = ""  # a marker that must follow `close` before the answer (gpt-oss)
    switch: Switch = "none"  # how the template turns thinking on and off
    budget_close: str = ""  # what Hearth writes to end thinking at the budget

    @property
    def can_switch(self) -> bool:
        return self.switch in ("enable_thinking", "system_flags")


THINK_TAGS = ThinkingFormat("think-tags", "<think>", "</think>", budget_close="\n</think>\n\n")
THINK_BRACKETS = ThinkingFormat("think-brackets", "[THINK]", "[/THINK]", budget_close="[/THINK]")
GPT_OSS = ThinkingFormat(
    "gpt-oss",
    "<|channel|>analysis<|message|>",
    "<|end|>",
    answer_start="<|channel|>final<|message|>",
    switch="effort",
    budget_close="<|end|><|start|>assistant<|channel|>final<|message|>",
)


def detect_format(
    template: str | None, metadata: dict[str, Any] | None = None
) -> ThinkingFormat | None:
    """The thinking format of a chat template (and the file's metadata), or None."""
    source = template or ""
    architecture = str((metadata or {}).get("general.architecture", ""))
    if "<|channel|>" in source or architecture == "gpt-oss":
        return GPT_OSS
    if "[THINK]" in source:
        return THINK_BRACKETS
    if "<think>" in source or "</think>" in source:
        if "/no_think" in source:
            return replace(THINK_TAGS, switch="system_flags")
        if "enable_thinking" in source:
            return replace(THINK_TAGS, switch="enable_thinking")
        return THINK_TAGS
    return None


def template_variables(
    fmt: ThinkingFormat | None, template: str, params: GenerationParams
) -> dict[str, Any]:
    """Extra variables for the chat template: `enable_thinking`, `reasoning_effort`."""
    if fmt is None:
        return {}
    variables: dict[str, Any] = {}
    if params.thinking != "auto" and "enable_thinking" in template:
        variables["enable_thinking"] = params.thinking == "on"
    if fmt.switch == "effort":
        variables["reasoning_effort"] = params.reasoning_effort
    return variables


def with_system_flag(
    fmt: ThinkingFormat | None, messages: Sequence[Message], params: GenerationParams
) -> list[Message]:
    """SmolLM3 reads `/think` or `/no_think` from the system prompt."""
    if fmt is None or fmt.switch != "system_flags" or params.thinking == "auto":
        return list(messages)
    flag = "/think" if params.thinking == "on" else "/no_think"
    if messages and messages[0].role == "system":
        first = messages[0]
        return [Message("system", f"{first.content.rstrip()} {flag}".strip()), *messages[1:]]
    return [Message("system", flag), *messages]


def closed_prompt(fmt: ThinkingFormat | None, prompt: str, params: GenerationParams) -> str:
    """Thinking "off" on a template with no switch: write an empty thinking block into the
    generation prompt, so the model starts with its answer (what Qwen3's template does)."""
    if fmt is None or params.thinking != "off" or fmt.can_switch or fmt.switch == "effort":
        return prompt
    if prompt.rstrip().endswith(fmt.open):
        return prompt.rstrip() + "\n\n" + fmt.close + "\n\n"
    return prompt + fmt.open + fmt.close


def starts_in_thinking(fmt: ThinkingFormat | None, prompt: str) -> bool:
    """The generation prompt already opened thinking (DeepSeek-R1 distills)."""
    return fmt is not None and prompt.rstrip().endswith(fmt.open)


def switch_label(fmt: ThinkingFormat | None) -> str:
    """How thinking is controlled for this model, in words (for the UI and the Inspector)."""
    if fmt is None:
        return "this model does not think"
    return {
        "enable_thinking": "on/off through the template (enable_thinking)",
        "system_flags": "on/off through /think and /no_think",
        "effort": "reasoning effort low/medium/high",
        "none": "always thinks; off writes an empty thinking block",
    }[fmt.switch]


def render_prompt(
    template: Any, fmt: ThinkingFormat | None, messages: Sequence[Message], params: GenerationParams
) -> str:
    """The prompt through `template` (a ChatTemplate) with the thinking controls applied."""
    variables = template_variables(fmt, template.source, params)
    text = str(template.render(with_system_flag(fmt, messages, params), variables=variables))
    return closed_prompt(fmt, text, params)
