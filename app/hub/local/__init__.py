"""Models on this machine: GGUF headers, the local scan, the fit check, machine facts,
quant names, speed."""
