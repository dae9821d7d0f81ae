"""ChatGPT message contents as text: text parts as they are, everything else (images,
code and its output, quotes, browsing, errors) as a readable note, never dropped."""

from __future__ import annotations

from typing import Any

from app.transfer.clean import clean_text

_ASSET_PREFIXES = ("file-service://", "sediment://")


def _asset(part: dict[str, Any]) -> str:
    pointer = clean_text(part.get("asset_pointer"))
    for prefix in _ASSET_PREFIXES:
        pointer = pointer.removeprefix(prefix)
    return pointer


def part_text(part: object) -> str:
    """One entry of ``content.parts``: a string, or a dict such as an image pointer."""
    if isinstance(part, str):
        return clean_text(part)
    if not isinstance(part, dict):
        return ""
    kind = clean_text(part.get("content_type")) or "attachment"
    if kind == "image_asset_pointer":
        name = _asset(part)
        return f"[image omitted: {name}]" if name else "[image omitted]"
    if kind == "audio_transcription":
        return clean_text(part.get("text"))
    if kind.endswith("asset_pointer"):
        name = _asset(part)
        what = kind.removesuffix("_asset_pointer").replace("_", " ")
        return f"[{what} omitted: {name}]" if name else f"[{what} omitted]"
    text = clean_text(part.get("text"))
    return f"[{kind}] {text}" if text else f"[{kind} omitted]"


def _joined(parts: object) -> str:
    if not isinstance(parts, list):
        return ""
    return "\n\n".join(t for t in (part_text(p) for p in parts) if t)


def _fenced(label: str, text: str, language: str = "") -> str:
    fence = "````" if "```" in text else "```"
    return f"[{label}]\n{fence}{language}\n{text}\n{fence}"


def _thoughts(content: dict[str, Any]) -> str:
    thoughts = content.get("thoughts")
    if not isinstance(thoughts, list):
        return ""
    pieces = []
    for thought in thoughts:
        if isinstance(thought, dict):
            summary = clean_text(thought.get("summary"))
            body = clean_text(thought.get("content"))
            pieces.append("\n".join(x for x in (summary, body) if x))
    return "\n\n".join(p for p in pieces if p)


def content_text(content: object) -> tuple[str, str]:
    """(answer text, thinking) of a message's ``content``."""
    if not isinstance(content, dict):
        return "", ""
    kind = clean_text(content.get("content_type")) or "text"
    text = clean_text(content.get("text"))
    if kind in ("text", "multimodal_text"):
        return _joined(content.get("parts")), ""
    if kind == "thoughts":
        return "", _thoughts(content)
    if kind == "code":
        language = clean_text(content.get("language"))
        return _fenced("code", text, "" if language == "unknown" else language), ""
    if kind == "execution_output":
        return _fenced("code output", text), ""
    if kind == "tether_quote":
        source = " ".join(
            x for x in (clean_text(content.get("title")), clean_text(content.get("url"))) if x
        )
        quoted = "\n".join(f"> {line}" for line in text.splitlines())
        return f"[quote: {source}]\n{quoted}" if source else f"[quote]\n{quoted}", ""
    if kind == "tether_browsing_display":
        result = clean_text(content.get("result")) or clean_text(content.get("summary"))
        return (f"[browsing result]\n{result}" if result else ""), ""
    if kind == "system_error":
        return f"[error: {clean_text(content.get('name')) or 'unknown'}] {text}".rstrip(), ""
    if kind == "user_editable_context":
        profile = clean_text(content.get("user_profile"))
        rules = clean_text(content.get("user_instructions"))
        body = "\n\n".join(x for x in (profile, rules) if x)
        return (f"[custom instructions]\n{body}" if body else ""), ""
    if kind == "reasoning_recap":
        return (f"[{clean_text(content.get('content'))}]" if content.get("content") else ""), ""
    fallback = text or _joined(content.get("parts"))
    return (f"[{kind}]\n{fallback}" if fallback else f"[{kind} omitted]"), ""
