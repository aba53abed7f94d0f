"""`python -m agent.cli` runs the `papers` command (used by tests that spawn processes)."""

from agent.cli import main

main()
