"""Scoring functions against hand-computed values (every expected number is worked out in a comment)."""

from __future__ import annotations

import pytest

from evals.claims_scoring import score_hardware, score_record, score_speedups
from evals.metrics import (PRF, contains_fact, dedupe, match_speedups, max_matching, mean, normalise_fact,
                           numbers_in, rank_of, recall_at, reciprocal_rank, rouge_scorer, scitldr_rouge,
                           set_prf, set_recall, speedup_compatible, speedup_grounded, value_written_in,
                           values_close)
from evals.results import OK, NOT_AVAILABLE, SuiteResult
from evals.thresholds import check


def sp(value, unit="x", metric="speedup", direction="faster", evidence=""):
    return {"value": value, "unit": unit, "metric": metric, "direction": direction, "baseline": None,
            "qualifier": None, "evidence": evidence}


# -- precision / recall / F1 ---------------------------------------------------------------------
def test_prf_hand_computed():
    m = PRF(tp=3, fp=1, fn=2)
    assert m.precision == 0.75              # 3 / (3 + 1)
    assert m.recall == 0.6                  # 3 / (3 + 2)
    assert m.f1 == pytest.approx(2 / 3)     # 2*3 / (2*3 + 1 + 2) = 6/9
    total = m + PRF(tp=1, fp=0, fn=0)       # micro: sum the counts, then divide
    assert (total.tp, total.fp, total.fn) == (4, 1, 2) and total.f1 == pytest.approx(8 / 11)


def test_prf_empty_is_undefined_not_perfect():
    assert PRF().precision is None and PRF().recall is None and PRF().f1 is None
    assert PRF(fp=2).precision == 0.0 and PRF(fp=2).recall is None and PRF(fp=2).f1 == 0.0


# -- one-to-one matching -------------------------------------------------------------------------
def test_max_matching_beats_greedy():
    # p0 fits g0 and g1, p1 fits only g0: greedy p0->g0 leaves p1 alone; optimal matches both.
    edges = {(0, 0), (0, 1), (1, 0)}
    assert max_matching(2, 2, lambda p, g: (p, g) in edges) == [(0, 1), (1, 0)]


def test_speedup_matching_is_optimal_on_values():
    gold = [sp(2.0), sp(2.02)]
    pred = [sp(2.01), sp(1.985)]  # 2.01 is within 1% of both; 1.985 only of 2.0 (|0.035| > 0.0202)
    assert len(match_speedups(pred, gold)) == 2


def test_value_tolerance_is_one_percent_relative():
    assert values_close(1.01, 1.0)           # exactly 1% off
    assert not values_close(1.0102, 1.0)     # 1.02% off
    assert values_close(4950, 5000) and not values_close(4940, 5000)
    assert values_close(0, 0) and not values_close(0.001, 0)


def test_unit_must_match_and_strict_needs_metric_and_direction():
    assert not speedup_compatible(sp(31, unit="%"), sp(31, unit="x"))
    assert speedup_compatible(sp(2.5, metric="energy", direction="reduction"), sp(2.5, metric="energy", direction="increase"))
    assert not speedup_compatible(sp(2.5, metric="energy", direction="reduction"),
                                  sp(2.5, metric="energy", direction="increase"), strict=True)


def test_score_speedups_loose_strict_and_diff():
    gold = [sp(2.8), sp(2.5, metric="energy", direction="increase"), sp(14)]
    pred = [sp(2.8), sp(2.5, metric="energy", direction="reduction")]
    loose, strict, diff = score_speedups(pred, gold)
    # loose: 2 matched of 2 predicted and 3 gold -> P 1, R 2/3, F1 2*2/(4+0+1) = 0.8
    assert (loose.tp, loose.fp, loose.fn) == (2, 0, 1) and loose.f1 == pytest.approx(0.8)
    # strict: only 2.8 agrees on metric/direction -> tp 1, fp 1, fn 2, F1 2/(2+1+2) = 0.4
    assert (strict.tp, strict.fp, strict.fn) == (1, 1, 2) and strict.f1 == pytest.approx(0.4)
    assert diff["missing"] == ["14x speedup/faster"] and diff["extra"] == []
    assert diff["wrong"] == ["2.5x energy/reduction (gold energy/increase)"]


def test_duplicate_prediction_counts_once_as_match_once_as_extra():
    loose, _, diff = score_speedups([sp(3.0), sp(3.0)], [sp(3.0)])
    assert (loose.tp, loose.fp, loose.fn) == (1, 1, 0) and diff["extra"] == ["3x speedup/faster"]


# -- names as sets -------------------------------------------------------------------------------
def test_set_prf_case_insensitive_exact():
    m = set_prf(["imagenet", "COCO", "COCO "], ["ImageNet", "KITTI"])
    assert (m.tp, m.fp, m.fn) == (1, 1, 1) and m.f1 == 0.5   # ImageNet hit; COCO extra; KITTI missing
    assert set_prf(["ImageNet-1k"], ["ImageNet"]).tp == 0     # exact, not fuzzy


def test_hardware_names_classes_and_wrong_class():
    gold = [{"name": "NVIDIA V100", "class": "gpu", "level": "specific"},
            {"name": "GPU", "class": "gpu", "level": "class"},
            {"name": "FPGA", "class": "fpga", "level": "class"}]
    pred = [{"name": "nvidia v100", "class": "gpu", "level": "specific"},
            {"name": "FPGA", "class": "asic", "level": "class"},
            {"name": "CPU", "class": "cpu", "level": "class"}]
    names, classes, diff = score_hardware(pred, gold)
    assert (names.tp, names.fp, names.fn) == (2, 1, 1)        # V100, FPGA | CPU | GPU
    assert (classes.tp, classes.fp, classes.fn) == (1, 2, 1)  # {gpu,asic,cpu} vs {gpu,fpga}
    assert diff["wrong"] == ["FPGA [asic] (gold [fpga])"] and diff["missing"] == ["GPU"]


def test_score_record_only_scores_parts_that_ran():
    gold = {"id": "f#0", "speedups": [sp(2.0)], "datasets": ["COCO"], "hardware": [], "topics": ["nas", "edge-mobile"]}
    rec = score_record({"topics": ["edge-mobile", "nas"]}, gold, parts={"topics"})
    assert set(rec.prf) == {"topics"} and rec.prf["topics"].f1 == 1.0
    assert rec.primary_topic is False            # same set, but the central tag is not first
    assert rec.errors == 0


# -- numbers as written --------------------------------------------------------------------------
@pytest.mark.parametrize("text,value", [
    ("up to 5,000x faster", 5000), ("1,4x", 1.4), ("up to $10^4\\times$", 10000),
    ("an order of magnitude less", 10), ("two orders of magnitude", 100), ("2.8$\\times$ speedup", 2.8),
    ("26%$\\sim $41%", 41), ("twice as fast", 2)])
def test_numbers_written(text, value):
    assert value_written_in(value, text), numbers_in(text)


def test_numbers_not_invented():
    assert not value_written_in(5000, "5,001x") and not value_written_in(2.8, "28 fps")
    assert numbers_in("INT8 and 2:8") == [8.0, 2.0, 8.0]


def test_speedup_grounded():
    abstract = "Our design results in 2.8$\\times$ speedup over GOBO."
    assert speedup_grounded(sp(2.8, evidence="2.8$\\times$ speedup"), abstract)
    assert not speedup_grounded(sp(2.8, evidence="2.8x speedup"), abstract)          # not verbatim
    assert not speedup_grounded(sp(3.0, evidence="2.8$\\times$ speedup"), abstract)  # value not written
    assert not speedup_grounded(sp(2.8, evidence=""), abstract)


# -- ROUGE as SCITLDR.md computes it -------------------------------------------------------------
def test_rouge_single_target_hand_computed():
    # pred "the cat sat" vs "the cat sat on the mat": R1 P=3/3 R=3/6 -> F 2/3; R2 2 of 2 vs 2 of 5
    # -> F 2*(1*0.4)/1.4 = 0.5714; LCS 3 -> same as R1.
    r1, r2, rl = scitldr_rouge(rouge_scorer(), "the cat sat", ["the cat sat on the mat"])
    assert (r1, r2, rl) == pytest.approx((2 / 3, 4 / 7, 2 / 3))


def test_rouge_reports_the_best_r1_target_not_max_per_metric():
    # target A "cat the sat": R1 1.0, R2 0 (no shared bigram), LCS 2 -> RL 2/3.
    # target B has a better R2 (0.571) but a worse R1 (0.667): the SciTLDR convention keeps A's R2.
    r1, r2, rl = scitldr_rouge(rouge_scorer(), "the cat sat", ["the cat sat on the mat", "cat the sat"])
    assert (r1, r2, rl) == pytest.approx((1.0, 0.0, 2 / 3))


def test_rouge_uses_stemming_and_handles_no_targets():
    assert scitldr_rouge(rouge_scorer(), "models running", ["model runs"])[0] == pytest.approx(1.0)
    assert scitldr_rouge(rouge_scorer(), "anything", []) == (0.0, 0.0, 0.0)


# -- retrieval -----------------------------------------------------------------------------------
def test_retrieval_metrics_hand_computed():
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert rank_of(ranked, ["c"]) == 3 and rank_of(ranked, ["z"]) is None
    assert recall_at(ranked, ["c"], 1) == 0.0 and recall_at(ranked, ["c"], 5) == 1.0
    assert reciprocal_rank(ranked, ["c"]) == pytest.approx(1 / 3) and reciprocal_rank(ranked, ["z"]) == 0.0
    assert set_recall(ranked, ["a", "x", "f"], 5) == pytest.approx(1 / 3)   # a yes, f is 6th, x absent
    assert set_recall(ranked, ["a", "x", "f"], 6) == pytest.approx(2 / 3)
    assert dedupe(["a", "a", "b", "a"]) == ["a", "b"]


# -- QA key facts ----------------------------------------------------------------------------------
@pytest.mark.parametrize("answer,fact", [
    ("up to 5,000 × faster", "5,000x"), ("by 10.0$\\times$ on average", "10.0x"), ("2.3x less time", "2.3X"),
    ("saves 80 \\% of memory", "80%"), ("Async-Fork moves the copy", "Async-fork"),
    ("10.97 times", "10.97x")])
def test_key_facts_found(answer, fact):
    assert contains_fact(answer, fact), (normalise_fact(answer), normalise_fact(fact))


def test_key_facts_not_found():
    assert not contains_fact("a 5,00 speedup", "5,000x") and not contains_fact("1.95", "1.95x")


def test_mean_skips_none():
    assert mean([1.0, None, 0.0]) == 0.5 and mean([None]) is None


# -- the gate ------------------------------------------------------------------------------------
def test_threshold_check():
    res = SuiteResult("claims", metrics={"speedups": {"f1": 0.59, "precision": None}, "topics": {"f1": 0.9}},
                      unavailable={"datasets": "not yet"})
    thresholds = {("claims", "speedups", "f1"): 0.6, ("claims", "speedups", "precision"): 0.1,
                  ("claims", "topics", "f1"): 0.9, ("claims", "datasets", "f1"): 0.5,
                  ("tldr", "engine", "rouge1"): 30.0}
    checks = {c.name: c.passed for c in check([res], thresholds)}
    # 0.59 < 0.6 fails; None fails ("n/a" is no pass); 0.9 >= 0.9 passes; an unavailable field and a
    # suite that did not run are not checked.
    assert checks == {"claims.speedups.f1": False, "claims.speedups.precision": False, "claims.topics.f1": True}
    assert check([SuiteResult("claims", status=NOT_AVAILABLE)], thresholds) == []
    assert OK == "ok"
