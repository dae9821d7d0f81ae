"""Side panels: the stats panel with its sparklines and the inspector."""
