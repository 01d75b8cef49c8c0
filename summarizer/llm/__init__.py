"""Model access: the OpenAI-compatible client (``client``), its HTTP transports, record and
replay (``recording``), and the embedded llama-server (``embedded``, built by ``build``).
Knows nothing of briefs: callers hand it the models and schemas to ask for."""
