"""The Hugging Face Hub: client, catalogue, repository files, remote fit check, errors."""
