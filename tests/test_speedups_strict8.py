"""Round 8 (issue 13, strict metric/direction): every sentence here is invented, in the shape of a
mechanism, not copied from a fixture.

- the metric/direction consistency gate (agent/claim_consistency.py) on both engines' paths;
- two coordinated number lists with their own head nouns (speedup_pairing.py);
- count nouns and head nouns (speedup_lexicon.yaml, speedup_rules._compound_metric);
- training scope from the context (speedup_scope.py);
- what a system needs more of (speedup_needs.py); respectively lists across units.
"""

from __future__ import annotations

import pytest

from agent.claim_consistency import ALLOWED, consistent, reconcile
from agent.engines.local.speedups import extract_speedups
from core.models import METRICS, PaperText, Speedup


def _read(text: str) -> list[tuple[float, str, str, str | None]]:
    return [(s.value, s.metric, s.direction, s.qualifier) for s in extract_speedups(text)]


def _item(value: float, metric: str, direction: str, evidence: str) -> Speedup:
    return Speedup(value=value, unit="x", metric=metric, direction=direction, evidence=evidence)  # type: ignore[arg-type]


# -- the consistency table and gate -------------------------------------------------------------
def test_every_metric_has_its_allowed_directions():
    assert set(ALLOWED) == set(METRICS)
    assert not consistent("energy", "faster") and not consistent("memory", "faster")
    assert not consistent("speedup", "reduction") and not consistent("speedup", "increase")
    assert consistent("throughput", "faster") and consistent("memory", "increase")
    assert consistent("latency", "faster") and consistent("compute", "reduction")


@pytest.mark.parametrize("item, expected", [
    # the number's own head noun decides: the speed word was the claim's, not the energy's
    (_item(4, "energy", "faster", "a 4x speedup and lower energy"), ("speedup", "faster")),
    # a cost quantity takes the direction of its own comparison word
    (_item(3, "energy", "faster", "cuts the energy drawn by the board by 3x"), ("energy", "reduction")),
    (_item(5, "memory", "faster", "5x better memory efficiency"), ("memory", "increase")),
    # a count noun names the quantity; "fewer" gives the direction
    (_item(2, "speedup", "reduction", "needs 2x fewer solver iterations"), ("compute", "reduction")),
    # a measuring frame names the quantity of a measured slowdown
    (_item(30, "speedup", "reduction", "the old kernel is 30x less efficient in terms of memory"),
     ("memory", "reduction")),
    # a slowdown with nothing else named is a time that rose
    (_item(1.5, "speedup", "reduction", "a 1.5x slowdown of the pipeline"), ("latency", "increase")),
])
def test_an_inconsistent_pair_is_read_again_from_its_evidence(item, expected):
    fixed = reconcile("", item)
    assert (fixed.metric, fixed.direction) == expected
    assert fixed.value == item.value and fixed.evidence == item.evidence


def test_the_local_engines_items_pass_the_gate():
    # the rules read "slowdown" as a speedup that went down; the gate makes it a time that rose
    text = "In this paper, we show that the lookup stage is the main bottleneck, leading up to a 2.6x lookup-only " \
           "performance slowdown."
    assert _read(text) == [(2.6, "latency", "increase", "up_to")]


def test_a_consistent_item_passes_unchanged():
    item = _item(2, "energy", "reduction", "2x lower energy")
    assert reconcile("", item) is item


def test_the_openai_engines_items_pass_the_gate(fake_openai, llm_engine):
    from fakeopenai import extraction_answer

    abstract = "We present Quill, a storage engine. Quill cuts energy use by 3.4x and runs 2.2x faster than LevelDB."
    paper = PaperText(id="quill", title="Quill", abstract=abstract)
    said = [{"value": 3.4, "unit": "x", "metric": "energy", "direction": "faster", "baseline": None,
             "qualifier": None, "evidence": "Quill cuts energy use by 3.4x"},
            {"value": 2.2, "unit": "x", "metric": "speedup", "direction": "reduction", "baseline": "LevelDB",
             "qualifier": None, "evidence": "runs 2.2x faster than LevelDB"}]
    fake_openai.push(extraction_answer(speedups=said, tldr="Quill is a storage engine that saves energy."))
    out = llm_engine().extract(paper)
    assert [(s.value, s.metric, s.direction) for s in out.speedups] == [(3.4, "energy", "reduction"),
                                                                         (2.2, "speedup", "faster")]


def test_the_openai_item_check_repairs_the_pair():
    from agent.engines.llm.items import check_speedups
    from agent.engines.llm.validate import Checked

    abstract = "Our planner uses 6x less memory than the baseline."
    out = Checked()
    check_speedups(abstract, [{"value": 6, "unit": "x", "metric": "memory", "direction": "faster",
                               "baseline": "the baseline", "qualifier": None,
                               "evidence": "uses 6x less memory than the baseline"}], out)
    assert [(s.metric, s.direction) for s in out.values["speedups"]] == [("memory", "reduction")]


# -- the local engine ---------------------------------------------------------------------------
def test_two_lists_each_take_their_own_head_noun():
    text = ("Our accelerator achieves an average speedup of 12.5x, 3.4x, 2.2x and 20.1x, 6.3x, 4.4x energy "
            "reduction over three GPU baselines.")
    assert _read(text) == [(12.5, "speedup", "faster", "average"), (3.4, "speedup", "faster", "average"),
                           (2.2, "speedup", "faster", "average"), (20.1, "energy", "reduction", "average"),
                           (6.3, "energy", "reduction", "average"), (4.4, "energy", "reduction", "average")]


def test_one_list_and_a_list_with_its_own_noun_stay_as_they_were():
    assert _read("The kernel is 2.1x, 3.5x and 4.2x faster than A, B and C.") == [
        (2.1, "speedup", "faster", None), (3.5, "speedup", "faster", None), (4.2, "speedup", "faster", None)]
    assert _read("The engine delivers 2x and 3x speedup and 5x energy savings compared to the CPU.") == [
        (2.0, "speedup", "faster", None), (3.0, "speedup", "faster", None), (5.0, "energy", "reduction", None)]


@pytest.mark.parametrize("text, expected", [
    ("Our tuner needs 25x fewer trials than random search.", [(25.0, "search cost", "reduction", None)]),
    ("It yields iteration reductions of up to 3x over a greedy decoder.", [(3.0, "compute", "reduction", "up_to")]),
    ("Our system uses 12X fewer CPU cycles than the baseline and is 9X faster than exhaustive scanning.",
     [(12.0, "compute", "reduction", None), (9.0, "speedup", "faster", None)]),
    ("Our network runs in 5x less clock cycles than the library.", [(5.0, "latency", "reduction", None)]),
    # ... and a training verb makes the iterations of a training run its time
    ("Our solver converges with 3x fewer iterations than SGD.", [(3.0, "training time", "reduction", None)]),
])
def test_count_nouns_name_their_quantity(text, expected):
    assert _read(text) == expected


def test_the_head_noun_of_a_compound_names_the_quantity():
    assert _read("Our method can reduce KV cache computation by 40%.") == [(40.0, "compute", "reduction", None)]
    # generic heads keep the modifier: "energy efficiency", "memory cost", "weight storage"
    assert _read("It gives 2.5x energy efficiency improvement.") == [(2.5, "energy", "increase", None)]
    assert _read("It achieves 3x lower memory cost.") == [(3.0, "memory", "reduction", None)]
    assert _read("The weight storage requirement is compressed 12x with our format.") == [
        (12.0, "model size", "reduction", None)]


@pytest.mark.parametrize("text, metric", [
    ("In the public recommendation training benchmark, Sprig achieves a speedup of up to 11.2x over TensorFlow.",
     "training time"),
    ("We find that single-node training in Sprig achieves the target loss up to 6x faster than cluster training.",
     "training time"),
    ("We propose Sprig, a pipeline for sparse model training. Training large sparse models is slow. "
     "Sprig gives a reduction in time-to-solution by 3.1x on a cluster.", "training time"),
    # no training scope: an inference frame, or an abstract that also serves queries
    ("In the inference benchmark, Sprig achieves a speedup of up to 11.2x over TensorFlow.", "speedup"),
    ("We propose Sprig for model training and inference serving. Training is slow. "
     "Sprig gives a reduction in time-to-solution by 3.1x.", "latency"),
])
def test_training_scope_comes_from_the_context(text, metric):
    assert [m for _, m, _, _ in _read(text)] == [metric]


def test_what_a_system_needs_more_of():
    # the method's own added cost is an overhead (no item); the baseline's is the method's saving
    assert _read("However, our model requires 3x more iterations to converge.") == []
    assert _read("Our scheduler is accurate, and the baseline requires 6x more GPU resources to match it.") == [
        (6.0, "compute", "reduction", None)]


def test_a_respectively_list_pairs_numbers_with_different_units():
    text = ("Our new scheme beats the prior methods in terms of both accuracy and the number of solver iterations "
            "(up to 2% and 4x, respectively).")
    assert _read(text) == [(4.0, "compute", "reduction", "up_to")]
