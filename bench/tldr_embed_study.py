"""Do MiniLM features help the TL;DR picker? (issue 15, round 10; figures in tldr_train's notes)

    python -m bench.tldr_embed_study TRAIN_EMB.npz[,SHARD2.npz] DEV_EMB.npz [--cache DIR] [--configs a,b]

The embeddings come from bench.tldr_embed_cache. The harness is tldr_train's: per abstract the candidates
make_tldr could emit, each scored against the references with ROUGE, and the listwise softmax model fitted
on train. Each configuration (a feature set) is fitted on the 1,992 train abstracts, selected by 5-fold CV
on train, and scored on the 200 dev abstracts once, with the paired difference to the shipped features:
on CV the standard error, on dev a paired bootstrap (10,000 resamples of the 200 abstracts, fixed seed).
It also prints the dev oracle (the best candidate per abstract) and two length-matched studies: the
compressor against plain truncation of the same sentence to the same number of words, and the fusion
kinds (next sentence, headline clause) removed from the candidate set.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path
from typing import Any

CONFIGS = {  # name -> extra feature prefixes / names added to the 62 shipped features
    "base": (),
    "sent_abs": ("e_abs", "e_abs_rank", "e_abs_gap", "e_abs_top"),
    "sent_central": ("e_centroid", "e_mean_other", "e_max_other", "e_lexrank"),
    "sent_all": ("e_abs", "e_abs_rank", "e_abs_gap", "e_abs_top", "e_centroid", "e_mean_other",
                 "e_max_other", "e_lexrank", "e_first"),
    "cand": ("ce_abs", "ce_mean", "ce_rank", "ce_gap"),
    "sent_all+cand": ("e_abs", "e_abs_rank", "e_abs_gap", "e_abs_top", "e_centroid", "e_mean_other",
                      "e_max_other", "e_lexrank", "e_first", "ce_abs", "ce_mean", "ce_rank", "ce_gap"),
}
SEED = 15


def groups_of(split: str) -> list[dict[str, Any]]:
    """tldr_train.build_groups with every dev abstract kept (pairing needs all 200); `rec` is the record's
    index, `sent` / `cand` each kept candidate's source sentence and place in the full candidate list."""
    import numpy as np
    from rouge_score import rouge_scorer

    from agent.engines.local import tldr_compress as base
    from agent.engines.local import tldr_features as tf
    from agent.engines.local import tldr_train as tt
    from agent.engines.local.tldr_data import DEFAULT_TRAIN
    from core.text import split_sentences
    from evals.loaders import scitldr_path

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    records = tt.read_records(DEFAULT_TRAIN if split == "train" else scitldr_path())
    groups = []
    for i, rec in enumerate(records):
        abstract = tt.abstract_of(rec)
        sentences = split_sentences(abstract)
        cands, feats = tf.featurize(sentences)
        keep = [k for k, c in enumerate(cands) if tt.emittable(base.finish(c.text), abstract)]
        if len(keep) < (2 if split == "train" else 1):
            continue
        texts = [base.finish(cands[k].text) for k in keep]
        groups.append({"rec": i, "texts": texts, "kinds": [cands[k].kind for k in keep],
                       "sent": [cands[k].index for k in keep], "cand": keep,
                       "sources": [sentences[cands[k].index] for k in keep],
                       "features": [feats[k] for k in keep],
                       "rouge": np.array([tt.best_rouge(scorer, t, rec["target"]) for t in texts]),
                       "targets": rec["target"]})
    return groups


def with_embeddings(groups: list[dict[str, Any]], emb: dict[str, Any]) -> list[dict[str, Any]]:
    """The groups with the MiniLM features of tldr_embed merged into each candidate's features."""
    from bench import tldr_embed as te

    out = []
    for g in groups:
        i = g["rec"]
        per_sent = te.sentence_embedding_features(emb[f"{i}_sent"], emb[f"{i}_abs"][0])
        per_cand = te.candidate_embedding_features(emb[f"{i}_cand"], emb[f"{i}_abs"][0]) \
            if f"{i}_cand" in emb else None
        feats = [{**f, **per_sent[s], **(per_cand[c] if per_cand else {})}
                 for f, s, c in zip(g["features"], g["sent"], g["cand"])]
        out.append({**g, "features": feats})
    return out


def picks(model: dict[str, Any], groups: list[dict[str, Any]]) -> list[int]:
    from agent.engines.local import tldr_features as tf

    out = []
    for g in groups:
        scores = [tf.score(f, model) for f in g["features"]]
        out.append(max(range(len(scores)), key=lambda k: (scores[k], -k)))
    return out


def cv_per_abstract(groups: list[dict[str, Any]], names: list[str], config: dict[str, Any]) -> Any:
    """Held-out R1/R2/RL of each train abstract under tldr_train's folds (abstract i in fold i mod k)."""
    import numpy as np

    from agent.engines.local import tldr_train as tt

    k = config["folds"]
    out = np.zeros((len(groups), 3))
    for fold in range(k):
        idx = [i for i in range(len(groups)) if i % k == fold]
        model = tt.fit([g for i, g in enumerate(groups) if i % k != fold], names, config)
        for i, top in zip(idx, picks(model, [groups[i] for i in idx])):
            out[i] = groups[i]["rouge"][top]
    return out


def bootstrap(diff: Any, n: int = 10000) -> tuple[float, float, float]:
    """Paired bootstrap of a per-abstract difference: (mean, 2.5%, 97.5%), x100."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    means = diff[rng.integers(0, len(diff), size=(n, len(diff)))].mean(axis=1)
    return (100 * float(diff.mean()), 100 * float(np.percentile(means, 2.5)),
            100 * float(np.percentile(means, 97.5)))


def names_for(base_names: list[str], extra: tuple[str, ...]) -> list[str]:
    return base_names + list(extra)


def run_configs(train: list[dict[str, Any]], dev: list[dict[str, Any]], configs: dict[str, tuple]) -> dict:
    import numpy as np

    from agent.engines.local import tldr_train as tt

    config = dict(tt.CONFIG)
    base_names = [n for n in tt.feature_names(train) if not n.startswith(("e_", "ce_"))]
    results: dict[str, Any] = {}
    for name, extra in configs.items():
        if extra and extra[0] not in train[0]["features"][0]:
            continue
        names = names_for(base_names, extra)
        cv = cv_per_abstract(train, names, config)
        model = tt.fit(train, names, config)
        top = picks(model, dev)
        d = np.array([g["rouge"][k] for g, k in zip(dev, top)])
        words = float(np.mean([len(g["texts"][k].split()) for g, k in zip(dev, top)]))
        results[name] = {"cv": cv, "dev": d, "words": words, "model": model, "picks": top}
        line = f"{name:14s} CV {fmt(cv)}  dev {fmt(d)} at {words:.1f} words"
        if name != "base":
            dcv = cv[:, 0] - results["base"]["cv"][:, 0]
            lo = bootstrap(d[:, 0] - results["base"]["dev"][:, 0])
            lo2 = bootstrap(d[:, 1] - results["base"]["dev"][:, 1])
            line += (f"\n{'':14s} paired R1: CV {100 * dcv.mean():+.2f} (SE {100 * dcv.std(ddof=1) / len(dcv) ** .5:.2f});"
                     f" dev {lo[0]:+.2f} [{lo[1]:+.2f}, {lo[2]:+.2f}]; dev R2 {lo2[0]:+.2f} [{lo2[1]:+.2f}, {lo2[2]:+.2f}]")
        print(line, flush=True)
    return results


def fmt(m: Any) -> str:
    r = 100 * m.mean(axis=0)
    return f"{r[0]:.2f}/{r[1]:.2f}/{r[2]:.2f}"


def load(paths: str) -> dict[str, Any]:
    """One or more npz files of bench.tldr_embed_cache (shards), comma-separated."""
    import numpy as np

    out: dict[str, Any] = {}
    for path in paths.split(","):
        out.update(np.load(path))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.tldr_embed_study")
    parser.add_argument("train_emb", help="npz shards of bench.tldr_embed_cache, comma-separated ('-': none)")
    parser.add_argument("dev_emb")
    parser.add_argument("--cache", type=Path, default=None, help="pickle the scored groups here")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    args = parser.parse_args(argv)
    cached = args.cache / "groups.pkl" if args.cache else None
    if cached and cached.is_file():
        train, dev = pickle.loads(cached.read_bytes())
    else:
        train, dev = groups_of("train"), groups_of("dev")
        if cached:
            cached.write_bytes(pickle.dumps((train, dev)))
    if args.train_emb != "-":
        train, dev = with_embeddings(train, load(args.train_emb)), with_embeddings(dev, load(args.dev_emb))
    print(f"train {len(train)} abstracts, dev {len(dev)}", flush=True)
    results = run_configs(train, dev, {k: CONFIGS[k] for k in args.configs.split(",")})
    from bench.tldr_embed_extra import report_extras

    report_extras(train, dev, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
