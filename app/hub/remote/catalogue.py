"""A curated list of well-known instruct models in GGUF form, smallest first."""

from __future__ import annotations

from app.hub.remote.remote_values import RepoSummary


def _entry(repo_id: str, licence: str, parameters: float, description: str) -> RepoSummary:
    return RepoSummary(
        repo_id=repo_id,
        licence=licence,
        description=description,
        parameter_count=int(parameters * 1e9),
    )


CATALOGUE: tuple[RepoSummary, ...] = (
    _entry("HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", "apache-2.0", 0.36,
           "Tiny and quick; fine for short answers and testing on any machine."),
    _entry("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "apache-2.0", 0.49,
           "Smallest Qwen 2.5: fast on any laptop, many languages, 32k context."),
    _entry("bartowski/Llama-3.2-1B-Instruct-GGUF", "llama3.2", 1.24,
           "Meta's small Llama: good at summaries and simple chat, 128k context."),
    _entry("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "apache-2.0", 1.54,
           "Strong for its size at chat, code and maths; runs well on 8 GB RAM."),
    _entry("HuggingFaceTB/SmolLM2-1.7B-Instruct-GGUF", "apache-2.0", 1.71,
           "Fully open small model from Hugging Face; English chat and rewriting."),
    _entry("bartowski/gemma-2-2b-it-GGUF", "gemma", 2.61,
           "Google's Gemma 2 2B: friendly writing style, 8k context."),
    _entry("Qwen/Qwen2.5-3B-Instruct-GGUF", "qwen-research", 3.09,
           "A good all-rounder for 8-16 GB machines (research licence)."),
    _entry("bartowski/Llama-3.2-3B-Instruct-GGUF", "llama3.2", 3.21,
           "Meta's 3B Llama: solid general assistant, 128k context."),
    _entry("bartowski/Phi-3.5-mini-instruct-GGUF", "mit", 3.82,
           "Microsoft Phi 3.5 mini: reasoning and code above its size, MIT licence."),
    _entry("bartowski/Mistral-7B-Instruct-v0.3-GGUF", "apache-2.0", 7.25,
           "The classic Mistral 7B: dependable general chat, Apache licence."),
    _entry("Qwen/Qwen2.5-7B-Instruct-GGUF", "apache-2.0", 7.62,
           "Qwen 2.5 7B: excellent at code, maths and many languages; split files."),
    _entry("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "llama3.1", 8.03,
           "Meta Llama 3.1 8B: widely used, strong general assistant; 16 GB RAM."),
    _entry("bartowski/gemma-2-9b-it-GGUF", "gemma", 9.24,
           "Google's Gemma 2 9B: high-quality writing; needs 16 GB RAM or more."),
)  # fmt: skip


def catalogue_entry(repo_id: str) -> RepoSummary | None:
    lowered = repo_id.lower()
    for entry in CATALOGUE:
        if entry.repo_id.lower() == lowered:
            return entry
    return None
