"""The conversation being read and written: composer, transcript, Markdown rendering,
the chat controller."""
