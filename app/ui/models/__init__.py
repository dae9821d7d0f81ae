"""Choosing and loading a model: the picker and the model controller; the download dialog
lives in `models.downloads`."""
