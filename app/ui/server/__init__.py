"""The window's side of the local API server: the switch panel and its controller."""
