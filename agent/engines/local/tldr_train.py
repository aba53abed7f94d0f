"""Fit the TL;DR candidate scorer on SciTLDR train and write agent/data/tldr_model.json.

    python -m agent.engines.local.tldr_train [--train FILE] [--out FILE] [--check]

It also writes the word lexicon (tldr_lexicon.tsv) next to --out.

Each abstract's candidates (tldr_features.candidates) are scored against the author TL;DR with
ROUGE (rouge-score, stemming; the target is the mean of R1/R2/RL F1). The model is a listwise
softmax regression: within one abstract, softmax(w . x) should match softmax(rouge / temperature),
with an L2 penalty; it is fitted by Newton's method from zero, so the result does not depend on a
seed. Weights are rounded before writing, which makes the file identical across runs and BLAS
builds. 5-fold cross-validation on train is reported in the file. --check re-trains and exits 1 if
the shipped file differs. Training needs numpy and rouge-score; using the model needs neither.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from agent.engines.local import tldr_compress as base
from agent.engines.local import tldr_features as tf
from core.text import split_sentences

# Next to the repository as in evals/loaders.py; PAPERS_SCITLDR_TRAIN or --train moves it.
DEFAULT_TRAIN = Path(os.environ.get("PAPERS_SCITLDR_TRAIN") or Path(__file__).resolve().parents[3].parent
                     / "shared" / "data" / "scitldr_train.jsonl")
CONFIG = {"target": "mean", "temperature": 0.1, "l2": 0.003, "newton_steps": 25, "folds": 5,
          "lexicon_alpha": 5.0, "lexicon_min_abstracts": 5}
DIGITS = 5
LEXICON_DIGITS = 4


def read_records(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def abstract_of(record: dict[str, Any]) -> str:
    return " ".join(s.strip() for s in record["source"] if s.strip())   # SciTLDR preprocessing


class Lexicon:
    """Word counts over train: in how many abstracts a word occurs, and in how many of those the
    author TL;DR has it too. The rate is smoothed towards the overall rate; rare words get that."""

    def __init__(self, records: list[dict[str, Any]], config: dict[str, Any]):
        self.alpha, self.min_abstracts = config["lexicon_alpha"], config["lexicon_min_abstracts"]
        self.seen: Counter[str] = Counter()
        self.kept: Counter[str] = Counter()
        for rec in records:
            seen, kept = self.words_of(rec)
            self.seen.update(seen)
            self.kept.update(kept)
        self.default = round(sum(self.kept.values()) / max(sum(self.seen.values()), 1), LEXICON_DIGITS)

    @staticmethod
    def words_of(rec: dict[str, Any]) -> tuple[set[str], set[str]]:
        seen = set(tf.lexicon_tokens(abstract_of(rec)))
        return seen, seen & set(tf.lexicon_tokens(" ".join(rec["target"])))

    def rate(self, seen: int, kept: int) -> float:
        if seen < self.min_abstracts:
            return self.default
        return round((kept + self.alpha * self.default) / (seen + self.alpha), LEXICON_DIGITS)

    def leave_one_out(self, rec: dict[str, Any]):
        """Rates without this record's own abstract and TL;DR, so its features are honest."""
        seen, kept = self.words_of(rec)
        return lambda w: self.rate(self.seen[w] - (w in seen), self.kept[w] - (w in kept))

    def text(self) -> str:
        rows = [f"*default*\t{self.default}"]
        rows += [f"{w}\t{self.rate(n, self.kept[w])}" for w, n in sorted(self.seen.items())
                 if n >= self.min_abstracts]
        return ("# word\tP(word in the author TL;DR | word in the abstract), SciTLDR train\n"
                + "\n".join(rows) + "\n")


def build_groups(records: list[dict[str, Any]], lexicon: Lexicon) -> list[dict[str, Any]]:
    """Per abstract: candidate feature dicts and their (R1, R2, RL) against the best target."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    groups = []
    for rec in records:
        abstract = abstract_of(rec)
        cands, feats = tf.featurize(split_sentences(abstract), lexicon.leave_one_out(rec))
        keep = [(c, f) for c, f in zip(cands, feats) if not base.foreign_numbers(base.finish(c.text), abstract)]
        if len(keep) < 2:
            continue            # nothing to choose between
        rouge = [best_rouge(scorer, base.finish(c.text), rec["target"]) for c, _ in keep]
        groups.append({"features": [f for _, f in keep], "rouge": np.array(rouge),
                       "texts": [c.text for c, _ in keep], "targets": rec["target"], "abstract": abstract})
    return groups


def best_rouge(scorer, prediction: str, targets: list[str]) -> tuple[float, float, float]:
    best = (0.0, 0.0, 0.0)
    for target in targets:
        s = scorer.score(target.strip(), prediction.strip())
        f = (s["rouge1"].fmeasure, s["rouge2"].fmeasure, s["rougeL"].fmeasure)
        best = f if f[0] > best[0] else best
    return best


def target_of(rouge: np.ndarray, how: str) -> np.ndarray:
    return rouge[:, 0] if how == "r1" else rouge.mean(axis=1)


def fit(groups: list[dict[str, Any]], names: list[str], config: dict[str, Any]) -> dict[str, Any]:
    """Standardise, then Newton steps on the listwise softmax cross-entropy (convex)."""
    X = np.array([[f.get(n, 0.0) for n in names] for g in groups for f in g["features"]])
    gid = np.repeat(np.arange(len(groups)), [len(g["features"]) for g in groups])
    starts = np.r_[0, np.cumsum(np.bincount(gid))[:-1]]
    mean = np.round(X.mean(axis=0), DIGITS + 1)
    scale = np.round(np.where(X.std(axis=0) > 1e-9, X.std(axis=0), 1.0), DIGITS + 1)
    Z = (X - mean) / scale
    y = np.concatenate([target_of(g["rouge"], config["target"]) for g in groups])
    q = group_softmax(y / config["temperature"], gid, starts)
    n_groups, lam = len(groups), config["l2"]
    w = np.zeros(len(names))
    for _ in range(config["newton_steps"]):
        p = group_softmax(Z @ w, gid, starts)
        grad = Z.T @ (p - q) / n_groups + 2 * lam * w
        m = np.add.reduceat(Z * p[:, None], starts, axis=0)
        hess = ((Z * p[:, None]).T @ Z - m.T @ m) / n_groups + 2 * lam * np.eye(len(names))
        w = w - np.linalg.solve(hess, grad)
    return {"features": names, "weights": [float(v) for v in np.round(w, DIGITS)],
            "mean": [float(v) for v in mean], "scale": [float(v) for v in scale]}


def group_softmax(s: np.ndarray, gid: np.ndarray, starts: np.ndarray) -> np.ndarray:
    s = s - np.maximum.reduceat(s, starts)[gid]
    e = np.exp(s)
    return e / np.add.reduceat(e, starts)[gid]


def evaluate(model: dict[str, Any], groups: list[dict[str, Any]]) -> dict[str, float]:
    """Mean R1/R2/RL (x100) of each abstract's top-scored candidate, and of the best candidate."""
    picked, oracle = [], []
    for g in groups:
        scores = [tf.score(f, model) for f in g["features"]]
        top = max(range(len(scores)), key=lambda k: (scores[k], -k))
        picked.append(g["rouge"][top])
        oracle.append(g["rouge"][int(np.argmax(g["rouge"][:, 0]))])
    p, o = 100 * np.mean(picked, axis=0), 100 * np.mean(oracle, axis=0)
    return {"rouge1": round(float(p[0]), 2), "rouge2": round(float(p[1]), 2), "rougeL": round(float(p[2]), 2),
            "oracle_rouge1": round(float(o[0]), 2), "n": len(groups)}


def cross_validate(groups: list[dict[str, Any]], names: list[str], config: dict[str, Any]) -> dict[str, float]:
    """k-fold by abstract (abstract i is in fold i mod k); mean of the held-out folds' scores."""
    k = config["folds"]
    folds = []
    for fold in range(k):
        train = [g for i, g in enumerate(groups) if i % k != fold]
        held = [g for i, g in enumerate(groups) if i % k == fold]
        folds.append(evaluate(fit(train, names, config), held))
    return {m: round(float(np.mean([f[m] for f in folds])), 2) for m in ("rouge1", "rouge2", "rougeL")}


def feature_names(groups: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for g in groups:
        for f in g["features"]:
            names.update(dict.fromkeys(f))
    return list(names)


def train(path: Path, limit: int | None = None, config: dict[str, Any] | None = None,
          cv: bool = True) -> tuple[dict[str, Any], str]:
    """The model (JSON-ready) and the lexicon file's text."""
    config = {**CONFIG, **(config or {})}
    records = read_records(path, limit)
    lexicon = Lexicon(records, config)
    groups = build_groups(records, lexicon)
    names = feature_names(groups)
    model = fit(groups, names, config)
    lexicon_text = lexicon.text()
    model = {"format": 1, "kind": "listwise softmax regression over TL;DR candidates",
             "trained_on": {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                            "records": len(records), "abstracts_used": len(groups)},
             "lexicon": {"file": tf.LEXICON_PATH.name, "words": lexicon_text.count("\n") - 2,
                         "sha256": hashlib.sha256(lexicon_text.encode()).hexdigest()},
             "config": config, **model}
    model["train_fit"] = evaluate(model, groups)
    if cv:
        model["train_cv"] = cross_validate(groups, names, config)
    return model, lexicon_text


def dumps(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent.engines.local.tldr_train",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN, help="scitldr_train.jsonl")
    parser.add_argument("--out", type=Path, default=tf.MODEL_PATH, help="model JSON to write")
    parser.add_argument("--check", action="store_true", help="re-train; exit 1 if --out differs")
    args = parser.parse_args(argv)
    model, lexicon_text = train(args.train)
    text, lexicon_out = dumps(model), args.out.with_name(tf.LEXICON_PATH.name)
    if args.check:
        same = all(p.is_file() and p.read_text(encoding="utf-8") == t
                   for p, t in ((args.out, text), (lexicon_out, lexicon_text)))
        print(f"{args.out}, {lexicon_out.name}: {'identical to a re-train' if same else 'DIFFER from a re-train'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    lexicon_out.write_text(lexicon_text, encoding="utf-8")
    model = json.loads(text)
    print(f"wrote {args.out} ({len(text)} bytes): fit {model['train_fit']} cv {model['train_cv']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
