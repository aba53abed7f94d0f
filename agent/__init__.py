"""papers: question, filter and trust piles of ML-systems paper abstracts.

Kept import-free on purpose: `papers --help` must not pay for pydantic, chromadb or torch.
"""

__version__ = "0.1.0"
