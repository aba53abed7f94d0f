"""The LLM engines: `openai` (the model extracts, rules are the fallback) and `hybrid` (rules extract,
the model resolves what rules cannot). Any OpenAI-compatible server works (OPENAI_BASE_URL).

Layout:
- config.py     settings + secrets (read lazily from the environment, never stored or logged)
- transport.py  LangChain ChatOpenAI over one pooled async client; tenacity retries; cache; ledger
- costs.py      price table (agent/data/prices.yaml), token estimates, the --max-cost budget
- schemas.py    LLM-facing output models (strict JSON schema) and their conversion to core.models
- validate.py   grounding and vocabulary checks of what the model said
- engine.py     the openai engine: sync API, concurrent `extract_many`, `estimate`
- hybrid.py     the hybrid engine (rules first, the model resolves the rest)
- runner.py     the background event loop that lets sync callers drive async work

`agent.engines.registry.build_llm_engine` builds them.
Importing this package is cheap: langchain/openai are imported when the first request is made.
"""
