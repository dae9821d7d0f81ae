"""The documents feature's window parts: the collections dialog, the sources dialog, the
workers that index and retrieve off the GUI thread (and off the engine thread)."""
