"""Embed, once per machine, what the MiniLM TL;DR-feature study needs (issue 15, round 10).

    python -m bench.tldr_embed_cache SPLIT OUT.npz [--candidates] [--shard START:STOP]

Per abstract of SciTLDR train or dev (the 200-abstract sample): each sentence of core.text.split_sentences
(the engine's split) and the whole abstract; with --candidates also every candidate of
tldr_features.candidates (finished text). Every text is embedded on its own (a batch of one row), so a
vector depends on its text only and a re-run reproduces it bit for bit (the condition of a byte-exact
model file). Study-time only; the engine never reads these files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def texts_of(abstract: str, with_candidates: bool) -> list[list[str]]:
    from agent.engines.local import tldr_compress as base
    from agent.engines.local import tldr_features as tf
    from core.text import split_sentences

    sentences = split_sentences(abstract)
    out = [sentences, [abstract]]
    if with_candidates:
        out.append([base.finish(c.text) for c in tf.candidates(sentences)])
    return out


def main(argv: list[str] | None = None) -> int:
    import numpy as np

    from agent.engines.local.tldr_data import DEFAULT_TRAIN
    from agent.engines.local.tldr_train import abstract_of, read_records
    from agent.engines.local.topics import embed_each
    from evals.loaders import scitldr_path

    parser = argparse.ArgumentParser(prog="python -m bench.tldr_embed_cache")
    parser.add_argument("split", choices=("train", "dev"))
    parser.add_argument("out", type=Path)
    parser.add_argument("--candidates", action="store_true")
    parser.add_argument("--shard", default="0:", help="START:STOP record range (shards run side by side)")
    args = parser.parse_args(argv)
    records = read_records(DEFAULT_TRAIN if args.split == "train" else scitldr_path())
    start, _, stop = args.shard.partition(":")
    arrays: dict[str, np.ndarray] = {}
    for i in range(int(start), min(int(stop or len(records)), len(records))):
        rec = records[i]
        for part, texts in zip(("sent", "abs", "cand"), texts_of(abstract_of(rec), args.candidates)):
            arrays[f"{i}_{part}"] = embed_each(texts) if texts else np.zeros((0, 384), np.float32)
        if i % 200 == 0:
            print(i, flush=True)
    np.savez(args.out, **arrays)
    return 0


if __name__ == "__main__":
    sys.exit(main())
