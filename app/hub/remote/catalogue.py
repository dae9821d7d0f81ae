"""A curated list of current instruct and reasoning models in GGUF form, smallest first,
and one small embedding model for document search (kind "embedding": never a chat model).

Repository ids were checked against public references (download links and `-hf` ids in
other projects' code, Hugging Face listings) in December 2026; see docs/thinking-cache.md
for which could not be confirmed file by file. Sizes are total parameters. The embedding
model, nomic-embed-text v1.5 (Nomic's own GGUF conversion; its Q4_K_M file,
nomic-embed-text-v1.5.Q4_K_M.gguf, is about 84 MB), is the one GPT4All's LocalDocs uses.
"""

from __future__ import annotations

from typing import Literal

from app.hub.remote.remote_values import RepoSummary


def _entry(
    repo_id: str,
    licence: str,
    parameters: float,
    description: str,
    thinks: bool = False,
    kind: Literal["chat", "embedding"] = "chat",
) -> RepoSummary:
    return RepoSummary(
        repo_id=repo_id,
        licence=licence,
        description=description,
        parameter_count=int(parameters * 1e9),
        thinks=thinks,
        kind=kind,
    )


CATALOGUE: tuple[RepoSummary, ...] = (
    _entry("nomic-ai/nomic-embed-text-v1.5-GGUF", "apache-2.0", 0.137,
           "For document search, not chat: choose it in Settings, Document search.",
           kind="embedding"),
    _entry("HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", "apache-2.0", 0.36,
           "Tiny and quick; fine for short answers and testing on any machine."),
    _entry("Qwen/Qwen3-0.6B-GGUF", "apache-2.0", 0.75,
           "Smallest Qwen3: thinks (switchable); quick on any laptop, weak on facts.", True),
    _entry("ggml-org/gemma-3-1b-it-GGUF", "gemma", 1.0,
           "Google's small Gemma 3: fluent short answers in many languages, no thinking."),
    _entry("bartowski/Llama-3.2-1B-Instruct-GGUF", "llama3.2", 1.24,
           "Meta's small Llama: good at summaries and simple chat, 128k context."),
    _entry("unsloth/DeepSeek-R1-Distill-Qwen-1.5B-GGUF", "mit", 1.78,
           "Always thinks at length; good at maths for its size, poor at plain chat.", True),
    _entry("Qwen/Qwen3-1.7B-GGUF", "apache-2.0", 2.03,
           "Qwen3 1.7B: thinks (switchable); solid small all-rounder for 8 GB RAM.", True),
    _entry("ggml-org/SmolLM3-3B-GGUF", "apache-2.0", 3.08,
           "Fully open 3B from Hugging Face; /think and /no_think, 64k context.", True),
    _entry("bartowski/Llama-3.2-3B-Instruct-GGUF", "llama3.2", 3.21,
           "Meta's 3B Llama: dependable general assistant, 128k context."),
    _entry("unsloth/Phi-4-mini-instruct-GGUF", "mit", 3.84,
           "Microsoft Phi-4-mini: strong reasoning and code for 3.8B, no thinking block."),
    _entry("unsloth/Phi-4-mini-reasoning-GGUF", "mit", 3.84,
           "Phi-4-mini tuned to think step by step; for maths, not for chat.", True),
    _entry("ggml-org/gemma-3-4b-it-GGUF", "gemma", 3.88,
           "Gemma 3 4B: good writing and many languages; 128k context (image input unused)."),
    _entry("Qwen/Qwen3-4B-GGUF", "apache-2.0", 4.02,
           "Qwen3 4B: thinks (switchable); the best small reasoner here, 16 GB RAM helps.", True),
    _entry("unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF", "mit", 7.62,
           "Always thinks, often for thousands of tokens; strong at maths, slow on a CPU.", True),
    _entry("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "llama3.1", 8.03,
           "Meta Llama 3.1 8B: widely used, steady general assistant; 16 GB RAM."),
    _entry("Qwen/Qwen3-8B-GGUF", "apache-2.0", 8.19,
           "Qwen3 8B: thinks (switchable); strong at code and maths; 16 GB RAM.", True),
    _entry("bartowski/google_gemma-3-12b-it-GGUF", "gemma", 12.2,
           "Gemma 3 12B: high-quality writing; needs 16-32 GB RAM, slow on a CPU."),
    _entry("unsloth/gpt-oss-20b-GGUF", "apache-2.0", 20.9,
           "OpenAI's open model: always reasons (effort low/medium/high); MoE, 16 GB+ RAM.", True),
    _entry("unsloth/Mistral-Small-3.2-24B-Instruct-2506-GGUF", "apache-2.0", 24.0,
           "Mistral Small 3.2: strong general assistant; needs 32 GB RAM or a big GPU."),
    _entry("unsloth/Magistral-Small-2509-GGUF", "apache-2.0", 24.0,
           "Mistral's reasoning model ([THINK] blocks); 32 GB RAM or a big GPU.", True),
)  # fmt: skip


def catalogue_entry(repo_id: str) -> RepoSummary | None:
    lowered = repo_id.lower()
    for entry in CATALOGUE:
        if entry.repo_id.lower() == lowered:
            return entry
    return None
