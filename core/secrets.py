"""Keeping the API key out of everything the tool prints, stores or raises."""

from __future__ import annotations

import os

KEY_ENV = "OPENAI_API_KEY"


def scrub(text: str) -> str:
    """`text` without the API key in it (server error bodies sometimes echo part of it)."""
    key = os.environ.get(KEY_ENV, "").strip()
    if key and len(key) >= 8:
        text = text.replace(key, "***")
    return text
