"""The inference engine: no Qt in here. One thread owns the model (see runner.py)."""
