"""The bottom layer: errors, settings, the output-contract records, secret scrubbing and text basics.

Imports nothing of the project; `store/`, `agent/` and `evals/` all build on it
(cli -> evals -> agent -> store -> core, enforced by tests/test_layering.py).
"""
