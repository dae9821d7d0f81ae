"""Downloading models: one job per file, the queue manager, its store, listeners and the
verification."""
