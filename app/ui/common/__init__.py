"""Shared UI helpers every feature may use: theme, icons, number formats, background work,
the engine bridge. Imports no feature package."""
