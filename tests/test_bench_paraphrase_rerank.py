"""The pure ranking arithmetic of bench/qa_paraphrase_rerank.py (the measurement that kept `ask`'s
look-up fusion): the dense first-choice slot, the chunk + sentence mix and the fitted fusion."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO))

from bench.qa_paraphrase_rerank import dense_slot, figures, fitted_rrf, mixed_dense  # noqa: E402


def record(**over) -> dict:
    x = {"file": "qa.jsonl", "kind": "paraphrase", "gold": {"g"},
         "hybrid": ["a", "b", "c", "d", "e"], "dense": ["g", "a", "b"], "bm25": ["a", "b", "c"],
         "fused": ["a", "b", "c", "d", "e", "g"],
         "chunk": {"a": 0.6, "b": 0.5, "g": 0.55}, "stop2": {"a": 0.3, "b": 0.2, "g": 0.7},
         "smax": {"a": 0.3, "b": 0.2, "g": 0.8}}
    x.update(over)
    return x


def test_dense_first_choice_keeps_a_place_behind_the_fusions_first_three():
    x = record()
    assert dense_slot(x)[:5] == ["a", "b", "c", "g", "d"]
    already = record(fused=["g", "a", "b", "c"])
    assert dense_slot(already) == ["g", "a", "b", "c"]


def test_mixed_dense_weights_chunk_and_sentence_similarity():
    x = record()
    assert mixed_dense(x, 1.0)[0] == "a"          # chunk cosine alone
    assert mixed_dense(x, 0.0)[0] == "g"          # best two sentences alone
    assert mixed_dense(x, 0.5)[0] == "g"          # 0.625 against 0.45 for "a"


def test_fitted_rrf_with_plain_weights_is_the_three_run_fusion_and_figures_score_ranks():
    x = record()
    plain = fitted_rrf(x, (1.0, 1.0, 0.0, 0.0))
    assert plain[0] == "a" and "g" in plain
    top1, top5, mrr = figures([x], lambda r: ["g"] + r["fused"])
    assert (top1, top5, mrr) == (1.0, 1.0, 1.0)
    top1, top5, mrr = figures([x], lambda r: r["fused"])
    assert top1 == 0.0 and top5 == 0.0 and abs(mrr - 1 / 6) < 1e-9


def test_a_question_is_cut_into_clauses_of_three_or_more_words():
    from bench.qa_paraphrase_rerank import clauses

    q = "Can a big chatbot be served from cheap chips instead of GPUs, leaning on their memory?"
    # "GPUs" (one word, after "instead of") is too short to be a clause of its own
    assert clauses(q) == ["Can a big chatbot be served from cheap chips", "leaning on their memory"]
    assert clauses("Which work is fastest?") == ["Which work is fastest"]
    assert clauses("GPU kernels?") == ["GPU kernels?"]
