"""The window people see: the app start-up, MainWindow, its actions, settings and welcome dialogs.

Only this package composes the feature packages (chat, conversations, models, panels)."""
