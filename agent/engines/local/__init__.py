"""The local engine: deterministic, offline rules + gazetteers + the bundled embedding model."""
