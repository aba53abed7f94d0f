"""TL;DR speed of the local engine: TL;DRs per CPU-second (process time, so a busy machine does not
distort it), on the SciTLDR dev abstracts when present, else on the seed abstracts."""

from __future__ import annotations

import time

from bench.common import Bench


def _abstracts() -> tuple[list[str], str]:
    from evals.loaders import load_scitldr, scitldr_abstract, scitldr_path, seed_abstracts

    if scitldr_path().is_file():
        return [scitldr_abstract(r) for r in load_scitldr()], "SciTLDR dev"
    return list(seed_abstracts().values()), "seed"


def run_tldr(bench: Bench) -> None:
    from agent.engines.local.tldr import make_tldr
    from agent.engines.local.tldr_features import load_model

    abstracts, where = _abstracts()
    load_model()                                   # the model file is read once per process
    rates = []
    for _ in range(bench.sizes.mid_runs):
        start = time.process_time()
        for abstract in abstracts:
            make_tldr(abstract)
        rates.append(len(abstracts) / max(time.process_time() - start, 1e-9))
    rates.sort()
    bench.add("tldr", f"local TL;DR, {where} abstracts ({len(abstracts)})", rates[len(rates) // 2],
              "TL;DRs/CPU-s", len(rates), "learned candidate scorer, no embeddings; issue 15 target >= 300")
