"""Plain values shared by every layer: messages, parameters, events, stats."""
