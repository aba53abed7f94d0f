"""Benchmarks that print figures (not tests): `python -m bench.retrieval`, `python -m bench.search_speed`."""
