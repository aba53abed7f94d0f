"""Prices, token estimates and the --max-cost budget: they live in core/llm_costs.py (store/'s OpenAI
embeddings are priced and budgeted too); re-exported here for the engine's modules."""

from core.llm_costs import (  # noqa: F401
    CHARS_PER_TOKEN, PRICES_FILE, TOKENS_PER_MESSAGE, Budget, Price, estimate_tokens, price_for)
