"""Hearth: private, offline desktop chat with local language models."""

__version__ = "0.1.0"
