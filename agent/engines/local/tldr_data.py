"""Where the SciTLDR train file is: the TL;DR model trainer and the verb-lexicon learner both fit on it."""

from __future__ import annotations

import os
from pathlib import Path

# Next to the repository as in evals/loaders.py; PAPERS_SCITLDR_TRAIN or --train moves it.
DEFAULT_TRAIN = Path(os.environ.get("PAPERS_SCITLDR_TRAIN") or Path(__file__).resolve().parents[3].parent
                     / "shared" / "data" / "scitldr_train.jsonl")
