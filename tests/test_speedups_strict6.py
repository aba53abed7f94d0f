"""Round-5 second pass (issue 13): metric/direction phrase shapes the held-out dev_ext_7 abstracts
showed, each proved on INVENTED sentences of the same shape (none is copied from a fixture)."""

from __future__ import annotations

from agent.engines.local.speedups import extract_speedups


def _items(text: str) -> list[tuple[float, str, str, str]]:
    return [(s.value, s.unit, s.metric, s.direction) for s in extract_speedups(text)]


def test_quantity_named_after_the_number_behind_on_decides_metric_and_polarity():
    got = _items("We present Quux. Quux beats existing schedulers by 2X to 6X on mean latency and 3X to 9X on "
                 "p95 latency.")
    assert got == [(2, "x", "latency", "reduction"), (6, "x", "latency", "reduction"),
                   (3, "x", "tail latency", "reduction"), (9, "x", "tail latency", "reduction")]


def test_improvement_on_a_benefit_quantity_is_an_increase():
    got = _items("We present Quux. Against a CPU baseline, our design achieves a 4.1x improvement in the frame "
                 "rate (31 FPS vs. 7.6 FPS).")
    assert got == [(4.1, "x", "throughput", "increase")]


def test_a_quantity_word_that_only_modifies_a_platform_after_on_is_no_metric():
    got = _items("We present Quux. Quux outperforms the reference kernels by 3.3x on energy efficient "
                 "microcontrollers.")
    assert got == [(3.3, "x", "speedup", "faster")]
