"""Models on disk and on the Hugging Face Hub: GGUF metadata, local scan, fit check, download."""
