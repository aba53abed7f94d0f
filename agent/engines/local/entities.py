"""Datasets and hardware named in an abstract (LABELLING.md §2 and §3), offline and deterministic.

Both extractors match a gazetteer compiled once into trie-shaped regexes (agent/data/datasets.yaml
and hardware.yaml), then apply the convention's rules around each match. Malformed input never
raises: anything that is not a non-empty string gives an empty list.
"""

from __future__ import annotations

from agent.engines.local.dataset_rules import find_datasets
from agent.engines.local.hardware_rules import find_hardware
from core.models import Hardware


def extract_datasets(abstract: str) -> list[str]:
    """Named datasets, benchmarks, benchmark suites and tasks, canonical, in order of first mention."""
    if not isinstance(abstract, str) or not abstract.strip():
        return []
    return find_datasets(abstract)


def extract_hardware(abstract: str) -> list[Hardware]:
    """Specific products and generic hardware terms, canonical, in order of first mention."""
    if not isinstance(abstract, str) or not abstract.strip():
        return []
    return find_hardware(abstract)
