"""Chat through an OpenAI-compatible server (llama-server, vLLM, Ollama, `hearth --serve`).

`RemoteEngine` implements the same `ChatEngine` protocol as `LlamaEngine`; `SwitchingEngine`
holds both and routes by the model "path" (a URL means remote, see `app.chat.remote`).
httpx is imported lazily, only when a remote model is used.
"""
