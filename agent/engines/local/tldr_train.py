"""Fit the TL;DR candidate scorer on SciTLDR train and write agent/data/tldr_model.json.

    python -m agent.engines.local.tldr_train [--train FILE] [--out FILE] [--check]

Each abstract's candidates (tldr_features.candidates) that make_tldr could emit (no foreign number or
URL, and a whole sentence by tldr_grammar.dangling_shapes) are scored against the author TL;DR with
ROUGE (rouge-score, stemming; the target is the mean of R1/R2/RL F1). The model is a listwise
softmax regression: within one abstract, softmax(w . x) should match softmax(rouge / temperature),
with an L2 penalty; it is fitted by Newton's method from zero, so the result does not depend on a
seed. Weights are rounded before writing, which makes the file identical across runs and BLAS
builds. 5-fold cross-validation on train is reported in the file. --check re-trains and exits 1 if
the shipped file differs. Training needs numpy and rouge-score; using the model needs neither.

Tried on top of these features and not kept (5-fold train CV R1/R2/RL; shipped 37.92/18.48/31.70,
before the candidate-level content features of tldr_features.content_features 37.72/18.37/31.54):
a leave-one-out word lexicon, P(word in the TL;DR | in the abstract), 37.97/18.41/31.63 (dev +0.2 R1,
-0.1 R2); a bigram lexicon 37.92/18.41/31.64; MiniLM cosines (sentence vs abstract centroid, vs first
sentence) 38.05/18.37/31.69 at 0.06 CPU-s per abstract; the 384 MiniLM dimensions 37.76/18.33/31.52;
gradient-boosted trees on the same features 37.67/18.15/31.32; clause-prefix candidates +0.0 R1.
Round 4, all on top of the content features (37.89/18.49/31.69 before the URL guard):
prefixes cut at every clause boundary (", ", "; ", which/by/using/with/to/for/...) with the cut word as
a feature, 28.5 candidates per abstract instead of 9.7, train oracle R1 47.4 -> 50.0, yet CV
37.95/18.49/31.71 and dev -0.2 R1; "We propose X and show Y" method+result fusion 37.89/18.48/31.69;
two stages (this model picks the sentence, a second listwise model fitted on within-sentence groups
picks its cut, with features of the dropped words) 37.52/18.13/31.12; minimum-Bayes-risk reranking
(score + lambda * expected R1 against the other candidates under the softmax, lambda 0.1-3, tau
0.05-0.2) at most +0.07; a cross-fitted logistic word-importance model (df, first position, in the
cue sentence, acronym, ...) giving expected-overlap features 37.90/18.51/31.72 but dev -0.8 R1;
within-abstract gap-to-best and is-best features 37.87/18.46/31.69; temperature 0.05 / 0.2, l2 0.001
/ 0.01 and an R1-only target all within 0.1 or worse. The single-sentence picker is near what cheap
candidate-level features can tell apart: the oracle rises with more candidates, the pick does not.
Round 6 (a harness that keeps only candidates make_tldr could emit; baseline CV 37.92/18.49/31.70, dev
41.22/19.53/33.58 at 20.9 words, dev = the 200-abstract sample, max over its references): title-anchored
candidates are void: the engine is given the abstract alone (evals/tldr_suite.py, the published
abstract-only setting) and the train file has no titles. A length bias b * words added to the score
lowers both at every b (b -0.05: CV 36.41, dev 38.65 at 17 words; +0.03: 37.29 / 40.26 at 25 words;
+0.1: 34.64 / 38.19 at 29 words), so the fitted length features already sit at the best length (the dev
oracle within 28-35-word candidates, 37.4 R1, beats the 15-28-word bands' 34.4-34.9, yet choosing longer
loses). Pair fusion (every earlier sentence at a 16-word budget + a later results / "we show" sentence,
joined by "and" when both open with "we", else ";", with the second sentence's position, cues,
centrality and the gap as pair features; 11.5 candidates per abstract, dev oracle 48.6 -> 49.0)
37.89/18.41/31.65, dev 41.33/19.52/33.74. Parenthesis-free variants of each sentence 37.91/18.51/31.69,
dev 41.26. A cross-fitted word-deletion lexicon from the train alignment (non-stopwords of the picked
candidate that the author TL;DR lacks, drop rate >= 0.8-0.95 at support >= 10-20) deleted from the pick:
CV -0.04 to -0.24 R1, dev -0.1 to -0.3. Learned lexical features (candidate word indicators for the 156
words in >= 200 train abstracts) 37.85/18.24/31.58, dev 41.08; opening-bigram indicators
37.91/18.41/31.66, dev 41.65. Neighbour-sentence context (previous sentence is background / a contrast /
a question, next sentence shows results) 38.08/18.51/31.80 but dev 40.54; corpus IDF of the candidate's
words (train abstracts) 38.07/18.64/31.81 but dev 40.81; the repeated acronym/name of the abstract in
the candidate 37.94/18.51/31.72, dev 41.24; the TL;DR words of the 10 / 30 TF-IDF-nearest train
abstracts 37.77 / 37.81, dev 41.11 / 41.18; the share of the candidate's word bigrams that recur
elsewhere in the abstract 37.94/18.53/31.73, dev 41.20; kind x feature interactions 37.79, dev 41.13; an
expected-ROUGE objective (Adam from this model's weights) 37.84/18.33/31.56, dev 41.72; the single
candidate's compression budget (tldr_compress.TARGET_WORDS) 22 / 24 / 30 instead of 27: 37.92 / 37.90 /
37.87, dev 41.18 / 41.25 / 41.18. Where CV rises (context, IDF) dev falls, also against dev's author
TL;DRs alone (IDF: 36.49 -> 36.10 R1), so those CV gains do not transfer (IDF, paired per abstract: CV
+0.14 R1, standard error 0.08; dev -0.41, SE 0.27). The oracle within the picked sentence's own
candidates is only +1.2 R1 over the pick on dev (42.4), against 48.6 over all candidates: the loss is in
which sentence is chosen, not in how it is cut.
Round 7 (same harness; linear baseline CV 37.90/18.49/31.69, dev 41.26/19.51/33.53; dev standard error of
a paired R1 difference ~0.3): a nonlinear listwise ranker, the linear score plus a tanh MLP (hidden 8 /
16, Adam, L2 1e-3 / 3e-3, 5 seeds averaged), on the same standardised features: H 8 CV 37.97/18.61/31.80,
dev 40.90/19.29/33.26; H 16 37.87/18.48/31.77, dev 40.82/19.47/33.24 (the same net with no hidden layer
37.93/18.52/31.71, dev 41.30): capacity gives CV noise and costs dev, as the trees did. Span deletion:
the oracle over deleting one span of the pick (a parenthetical, a comma-delimited appositive, a
trailing by/with/using/via/which/where/and phrase, a leading "X," adverbial), whole sentences only, is
+0.6 R1 on dev (41.26 -> 41.85) and on 400 train abstracts (37.65 -> 38.26), with 0.45 deletable spans
per abstract: the compressor already removes most such spans, so a learned deletion model could gain
at most a fraction of 0.6 and was not built. A bag-of-words stand-in for the embedding cosines below
(cosine of the candidate's content-word counts to the abstract's, its rank and gap to the abstract's
best) 37.96/18.54/31.71, dev 40.87/19.13/33.15 (paired R1: CV +0.06, SE 0.08; dev -0.39, SE 0.25).
MiniLM at the candidate level (each compressed candidate embedded, its cosine to the embedded
abstract and to the mean of the abstract's candidates, and its rank and gap to the best cosine within
the abstract; 4 features added to the linear model) 38.41/18.84/32.02, dev 41.39/19.97/33.72: paired R1
CV +0.51 (SE 0.18), dev +0.13 (SE 0.46), R2 +0.35 / +0.46. The one CV gain so far that dev does not
contradict, but it needs every candidate embedded: ~0.015 CPU-s per text, ~0.16 CPU-s per abstract
(~6 TL;DRs per CPU-second against the 300 budget), so it could only ship as an opt-in mode with its own
model file, trained on vectors embedded one text per batch (embed_each) so that --check stays exact.
Round 9 (same harness and folds; linear CV 37.90/18.49/31.69, dev 41.26/19.51/33.53; "paired" = mean
per-abstract R1 difference against the linear picker, with its standard error): non-linear pickers and
metric-shaped losses over the same 62 features, fitted by bench/tldr_trees.py (Newton-boosted scikit-learn trees
with leaf values computed there, exported to lists and scored in pure Python): listwise softmax trees from
zero (200 x depth 3, lr 0.1, leaf >= 50) 37.97/18.59/31.83, dev 41.15/19.56/33.33 (paired CV +0.07, SE 0.20;
dev -0.11, SE 0.50); the same loss boosted on top of the linear score (100 x depth 3) 38.01/18.60/31.72, dev
40.90/19.42/33.37 (paired CV +0.11, SE 0.11; dev -0.36, SE 0.29); 300 x depth 2 on the linear score (lr
0.05, leaf >= 100) 37.95/18.53/31.67, dev 40.37; stumps, i.e. an additive per-feature shape model, from zero
(300 x depth 1) 37.74/18.25/31.49, dev 41.00/19.73/33.30 (paired CV -0.16, SE 0.14; dev -0.26, SE 0.48) and
on the linear score (100 x depth 1, lr 0.05) 37.87/18.46/31.65, dev 41.08 (paired CV -0.03, SE 0.05; dev
-0.18, SE 0.17); a top-1 LambdaRank loss (a pair weighted by the change of the picked candidate's ROUGE if
it swapped with the top, plus a tenth of its own gap) from zero 37.99/18.52/31.74, dev 40.81/19.37/33.10,
and on the linear score (100 x depth 3, lr 0.05) 37.95/18.43/31.68, dev 40.99; measured by a one-off script,
not kept in bench/tldr_trees: pointwise regression trees on the candidate's mean ROUGE minus its abstract's mean
(GradientBoostingRegressor, 200 x depth 3, lr 0.05) 37.61/18.18/31.35, dev 40.71/19.48/33.14. Pairwise
linear models (logistic on within-abstract feature differences, weighted by the ROUGE gap): best-vs-rest
pairs C 0.1 37.61/18.24/31.47, dev 39.87 (paired dev -1.39, SE 0.45), C 0.01 37.65, dev 40.24; all pairs
37.36/17.89/30.83, dev 40.46. As in rounds 4 and 7, capacity buys at most +0.1 R1 of CV (within one standard
error) and loses dev every time; the pairwise losses lose both. The trees would have fitted the budget (200
depth-3 trees: 72 KB of JSON, ~0.8 ms per abstract in pure Python), so it is the features, not the picker's
form, that bound the pick. Kept: the linear listwise model.
Round 10 (bench.tldr_embed_study, same harness and folds; linear CV 37.90/18.49/31.69, dev 41.26/19.51/33.53;
dev intervals are a paired bootstrap of the per-abstract difference, 10,000 resamples of the 200 abstracts):
MiniLM sentence features (tldr_embed: each sentence of split_sentences and the whole abstract embedded one
text per batch; a candidate inherits its sentence's values). Cosine to the abstract with its rank, gap and
is-best 38.23/18.64/31.88, dev 41.47/20.03/33.80 (paired R1: CV +0.33, SE 0.16; dev +0.22 [-0.55, +1.12]);
centrality alone (cosine to the other sentences' centroid, mean and max cosine to another sentence, LexRank)
37.94/18.47/31.69, dev 40.41/19.01/32.87 (CV +0.04, SE 0.10; dev -0.85 [-1.82, -0.09]); all nine, the CV
choice, 38.25/18.65/31.90, dev 41.26/20.04/33.72 at 20.8 words (CV +0.35, SE 0.16; dev R1 +0.01 [-0.77,
+0.92], R2 +0.53 [-0.32, +1.59]). Title features cannot be fitted (the train file has no titles, and the
engine is measured on the abstract alone). As with round 7's candidate-level cosines, CV rises by two
standard errors and dev does not move beyond noise, at ~0.12 CPU-s of embedding per abstract (~8 TL;DRs per
CPU-second against ~290 without): not shipped. Headroom and the other two questions, on dev: the best
emittable candidate per abstract scores 48.59/24.50/38.64 at 22.5 words (9.6 candidates per abstract; the
best is a single compressed sentence in 153 of 200), 7.3 R1 over the pick. The compressor earns its place at
equal words: the pick against its own source sentence cut to the same number of words +1.83 R1 [+1.07,
+2.62] (the whole sentence, 25.8 words: 40.67/18.88/32.12). The two-sentence candidates (next sentence,
headline clause) removed and the model refitted: CV 37.70/18.29/31.51, dev 40.84/19.07/33.03 at 20.6 words,
so they are worth +0.42 R1 [+0.02, +0.95] on dev at about equal words although only 5 of 200 picks are fusions.
Split by kind (a one-off run on the same cached groups): the method+result fusion (headline clause) is emittable
0.17 times per dev abstract, never picked and never the best candidate; without it CV 37.91, dev unchanged. The
next-sentence fusion carries it all: without it CV 37.65/18.28/31.48, dev 40.71/18.87/32.90 at 20.5 words (+0.55
R1 [+0.08, +1.16] for keeping it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from agent.engines.local import tldr_compress as base
from agent.engines.local import tldr_features as tf
from agent.engines.local.tldr_data import DEFAULT_TRAIN
from agent.engines.local.tldr_grammar import is_whole_sentence
from core.text import split_sentences

CONFIG = {"target": "mean", "temperature": 0.1, "l2": 0.003, "newton_steps": 25, "folds": 5}
DIGITS = 5


def read_records(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:limit] if limit else rows


def abstract_of(record: dict[str, Any]) -> str:
    return " ".join(s.strip() for s in record["source"] if s.strip())   # SciTLDR preprocessing


def build_groups(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per abstract: candidate feature dicts and their (R1, R2, RL) against the best target."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    groups = []
    for rec in records:
        abstract = abstract_of(rec)
        cands, feats = tf.featurize(split_sentences(abstract))
        keep = [(c, f) for c, f in zip(cands, feats) if emittable(base.finish(c.text), abstract)]
        if len(keep) < 2:
            continue            # nothing to choose between
        rouge = [best_rouge(scorer, base.finish(c.text), rec["target"]) for c, _ in keep]
        groups.append({"features": [f for _, f in keep], "rouge": np.array(rouge),
                       "texts": [c.text for c, _ in keep], "targets": rec["target"], "abstract": abstract})
    return groups


def emittable(text: str, abstract: str) -> bool:
    """The candidates make_tldr may emit: no foreign number or URL, and a whole sentence."""
    return base.usable(text, abstract) and is_whole_sentence(text)


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
          cv: bool = True) -> dict[str, Any]:
    config = {**CONFIG, **(config or {})}
    records = read_records(path, limit)
    groups = build_groups(records)
    names = feature_names(groups)
    model = fit(groups, names, config)
    model = {"format": 1, "kind": "listwise softmax regression over TL;DR candidates",
             "trained_on": {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                            "records": len(records), "abstracts_used": len(groups)},
             "config": config, **model}
    model["train_fit"] = evaluate(model, groups)
    if cv:
        model["train_cv"] = cross_validate(groups, names, config)
    return model


def dumps(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent.engines.local.tldr_train",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=DEFAULT_TRAIN, help="scitldr_train.jsonl")
    parser.add_argument("--out", type=Path, default=tf.MODEL_PATH, help="model JSON to write")
    parser.add_argument("--check", action="store_true", help="re-train; exit 1 if --out differs")
    args = parser.parse_args(argv)
    text = dumps(train(args.train))
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'identical to a re-train' if same else 'DIFFERS from a re-train'}")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    model = json.loads(text)
    print(f"wrote {args.out} ({len(text)} bytes): fit {model['train_fit']} cv {model['train_cv']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
