"""`ask` end to end, leave-one-FILE-out: each tuning file answered with an answerability model fitted
on the other files only (the shipped model is fitted on all of them, so bench.qa_dev's figures for
the decline/answer decision are in-sample). This estimates how `ask` does on a new question file.

    PAPERS_HOME=/tmp/somewhere python -m bench.qa_lofo --skip qa_blind11.jsonl   # after `python -m bench.qa_dev --build`
    PAPERS_HOME=/tmp/somewhere python -m bench.qa_lofo --uncovered   # the uncovered-task-phrase model instead
    PAPERS_HOME=/tmp/somewhere python -m bench.qa_lofo --uncovered --gold-only   # ... fitted on round 5's rows

`--uncovered`: the answerability model stays the shipped one; agent/qa/uncovered_weight.py's model is
fitted per held-out file on the other files' rows (bench/qa_uncovered.py), every tuning file.

Per file and question kind (sets are left out: the model does not decide them): look-ups and
paraphrases answered with the right paper in the top 5, numeric right, not-covered declined.
The model file is swapped for a temporary one per held-out file; agent/data/answerability.json is
never written.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHOWN = ("right_top5", "paraphrase_right_top5", "numeric_right", "declined")


def held_out_model(raw: np.ndarray, y: np.ndarray, groups: np.ndarray, train: np.ndarray) -> dict:
    """The model and cut-off bench.qa_calibrate would ship, fitted on the `train` rows only."""
    from agent.qa.answerability import FEATURES
    from bench.qa_calibrate import held_out

    w, mean, scale, cut = held_out(raw, y, groups, train)
    return {"features": list(FEATURES), "mean": mean.tolist(), "scale": scale.tolist(),
            "weights": w[:-1].tolist(), "bias": float(w[-1]), "cutoff": cut}


def uncovered_main() -> None:
    from agent.corpus import open_store
    from agent.qa import uncovered_weight
    from bench import qa_uncovered
    from bench.qa_uncovered import fitted, rows
    from core.settings import get_settings

    settings = get_settings()
    store = open_store(settings)
    data = rows(store, settings)
    files = np.array([d[0] for d in data])
    raw = np.array([[d[2][k] for k in uncovered_weight.FEATURES] for d in data])
    y = np.array([d[3] for d in data], dtype=float)
    shipped = uncovered_weight.MODEL_PATH
    with tempfile.TemporaryDirectory() as tmp:
        uncovered_weight.MODEL_PATH = Path(tmp) / "uncovered_weight.json"
        try:
            for held in qa_uncovered.FILES:   # the files left after --skip: a held-out file stays unseen
                train = files != held
                uncovered_weight.MODEL_PATH.write_text(json.dumps(fitted(raw[train], y[train]) | {"cutoff": 0.5}))
                uncovered_weight.model.cache_clear()
                print(f"{held}: {_score_file(held, settings, store)}", flush=True)
        finally:
            uncovered_weight.MODEL_PATH = shipped
            uncovered_weight.model.cache_clear()


def _score_file(held: str, settings, store, shown: tuple[str, ...] = SHOWN + ("answered",)) -> str:
    from agent.qa import ask
    from evals.corpus_env import EvalCorpus
    from evals.qa_suite import by_kind, score_answer

    corpus = EvalCorpus(settings, store, True)
    scored = []
    for line in (ROOT / "evals" / "fixtures" / held).read_text().splitlines():
        q = json.loads(line)
        if q["kind"] == "set":
            continue
        answers = corpus.paper_ids(q["answers"])
        row = score_answer(q, answers, ask(q["question"], settings=settings, store=store))
        row["answers"] = answers
        scored.append(row)
    return "; ".join(f"{kind} " + ", ".join(f"{k} {v:.3f}" for k, v in f.items() if k in shown)
                     for kind, f in by_kind(scored).items())


def main() -> None:
    import sys

    if "--uncovered" in sys.argv:
        return uncovered_main()
    from agent.corpus import open_store
    from agent.qa import answerability
    from agent.qa.answerability import FEATURES
    from bench.qa_calibrate import FILES, rows
    from core.settings import get_settings

    settings = get_settings()
    store = open_store(settings)
    data = rows(store, settings)
    files = np.array([d[0] for d in data])
    raw = np.array([[d[2][k] for k in FEATURES] for d in data])
    y = np.array([d[3] for d in data], dtype=float)
    groups = np.array([d[4] for d in data])
    shipped = answerability.MODEL_PATH
    with tempfile.TemporaryDirectory() as tmp:
        answerability.MODEL_PATH = Path(tmp) / "answerability.json"
        try:
            for held in FILES:
                model = held_out_model(raw, y, groups, files != held)
                answerability.MODEL_PATH.write_text(json.dumps(model))
                answerability.model.cache_clear()
                figs = _score_file(held, settings, store, SHOWN)
                print(f"{held} (cut-off {model['cutoff']:.2f}): {figs}", flush=True)
        finally:
            answerability.MODEL_PATH = shipped
            answerability.model.cache_clear()


if __name__ == "__main__":
    main()
