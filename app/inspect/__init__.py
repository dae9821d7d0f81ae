"""The inspector's figures: why a reply is fast or slow, measured, without Qt.

`figures` turns a reply's TurnStats and the model's ModelInfo into the numbers the
Inspector shows (timeline, KV cache, quantization, speed against the memory limit);
`forecast` says when the context window fills and what is dropped then; `history` keeps
the turns of one conversation; `bandwidth` measures this machine's memory read speed.
"""
