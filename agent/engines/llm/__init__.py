"""The LLM engines: `openai` (the model extracts, rules are the fallback) and `hybrid` (rules extract,
the model resolves what rules cannot). Any OpenAI-compatible server works (OPENAI_BASE_URL).

Layout:
- config.py     settings + secrets (read lazily from the environment, never stored or logged)
- transport.py  the openai SDK over one pooled async client; tenacity retries; cache; ledger
- modes.py      structured-output negotiation (json_schema -> tools -> json_object), per base URL
- costs.py      price table (core/data/prices.yaml, via core/llm_costs.py), token estimates, the --max-cost budget
- schemas.py    LLM-facing output models (strict JSON schema) and their conversion to core.models
- validate.py   grounding and vocabulary checks of what the model said
- engine.py     the openai engine: sync API, concurrent `extract_many`, `estimate`
- hybrid.py     the hybrid engine (rules first, the model resolves the rest)
- runner.py     the background event loop that lets sync callers drive async work

`agent.engines.registry.build_llm_engine` builds them.
Importing this package is cheap: langchain/openai are imported when the first request is made.
"""


def prefetch_client_modules(warm=None) -> None:
    """Import the openai SDK (~0.5 s of CPU, 1-2 s on a busy 2-core machine) in a daemon thread, so
    it overlaps with parsing options, reading the input and opening the store instead of delaying the
    first request; then run `warm` (e.g. the extraction checks once, so the vocabularies they load
    are read while the first requests are in flight, not when their answers arrive). Called again
    (the CLI starts the import before parsing, the engine adds its warm-up), a second thread just
    waits on Python's import lock, as does the transport's own import."""
    import threading

    def load() -> None:
        try:
            import openai  # noqa: F401
            from openai.types.chat import ChatCompletion  # noqa: F401
            if warm is not None:
                warm()
        except Exception:  # noqa: BLE001 - the real call reports any problem
            pass

    threading.Thread(target=load, name="papers-llm-import", daemon=True).start()
