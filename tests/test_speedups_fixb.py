"""Claims defects a new user hit (issue 13, round 5 review), each proved on an INVENTED sentence of
the same shape: an accuracy list split by parenthetical asides, "trains X N× faster", and an
elided head noun ("N% savings") parallel to an earlier claim."""

from __future__ import annotations

from agent.engines.local.speedups import extract_speedups


def _items(text: str) -> list[tuple[float, str, str, str]]:
    return [(s.value, s.unit, s.metric, s.direction) for s in extract_speedups(text)]


def test_an_accuracy_list_split_by_parenthetical_asides_is_quality_throughout():
    got = _items("We present Quux. Our detector reaches 12.1ms, 9.8ms and 7.5ms latencies with 81.4%, 79% "
                 "(ResNet-50 level), and 74% (ResNet-18 level) top-1 accuracy respectively on a laptop, "
                 "consistently outperforming prior work.")
    assert got == []


def test_a_list_ending_in_accuracy_does_not_veto_a_conjunct_that_names_its_own_quantity():
    got = _items("We present Quux. Quux gives a 2.1x speedup (on GPUs), and 4% higher top-1 accuracy "
                 "over the baseline.")
    assert got == [(2.1, "x", "speedup", "faster")]


def test_trains_an_object_n_times_faster_is_training_time():
    got = _items("We present Quux. Quux trains sparse transformers 5× faster than dense training.")
    assert got == [(5.0, "x", "training time", "faster")]


def test_runs_inference_faster_after_a_training_clause_stays_speedup():
    got = _items("We present Quux. Quux trains the model once, and runs inference 2x faster.")
    assert got == [(2.0, "x", "speedup", "faster")]


def test_an_elided_head_noun_takes_the_quantity_of_the_parallel_claim_not_the_nearest():
    got = _items("We present Quux. Experiments show that Quux beats prior caching methods, achieving 41% "
                 "computational savings with 12% quality improvement on DiT-L (ImageNet), 57% savings with "
                 "9.5% improvement on SDXL (COCO), and 3x speedup on FLUX.")
    assert got == [(41.0, "%", "compute", "reduction"), (57.0, "%", "compute", "reduction"),
                   (3.0, "x", "speedup", "faster")]
