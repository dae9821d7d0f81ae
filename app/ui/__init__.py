"""The Qt user interface: windows, dialogs, views. Talks to the engine only via the runner."""
