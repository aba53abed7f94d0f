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


def test_cutting_remote_fetches_is_a_communication_reduction_not_the_previous_claims_quantity():
    got = _items("We present Quux. Quux raises sampling throughput by 2.1x over DistFoo, while cutting remote "
                 "data fetches by 6x.")
    assert got == [(2.1, "x", "throughput", "increase"), (6, "x", "communication", "reduction")]


def test_a_hedged_second_number_shares_the_quantity_of_the_number_it_is_coordinated_with():
    got = _items("We present Quux. Quux has a model size of 2.0MB (>9x and ~4x smaller than Foo and Bar, "
                 "respectively) and needs 1.2B operations per image (>40% and ~22% lower than Foo and Bar, "
                 "respectively).")
    assert [(v, m) for v, _, m, _ in got] == [(9, "model size"), (4, "model size"), (40, "compute"),
                                              (22, "compute")]


def test_a_relative_quality_loss_after_a_compression_claim_is_no_item():
    got = _items("We present Quux. Quux shrinks the ranking model by 20x while incurring only a 2% relative "
                 "drop in MRR.")
    assert got == [(20, "x", "model size", "reduction")]


def test_relative_to_still_ends_the_claims_own_phrase():
    got = _items("We present Quux. Quux cuts the memory footprint by 3x relative to the dense baseline.")
    assert [(s.value, s.metric, s.baseline) for s in extract_speedups(
        "We present Quux. Quux cuts the memory footprint by 3x relative to the dense baseline.")] \
        == [(3, "memory", "dense baseline")]
    assert got == [(3, "x", "memory", "reduction")]


def test_improving_an_averaged_acronym_metric_off_the_list_is_no_speed_claim():
    got = _items("We present Quux. Compared to Foo, Quux improves the mean QoS by up to 2.7x, or serves "
                 "up to 1.4x higher request rate.")
    assert got == [(1.4, "x", "throughput", "increase")]


def test_improving_a_named_system_stays_a_speed_claim():
    got = _items("We present Quux. Quux improves FooServe by 2.2x on long prompts.")
    assert got == [(2.2, "x", "speedup", "faster")]


def test_better_than_a_baseline_in_a_cost_quantity_is_a_reduction_of_it():
    got = _items("We present Quux. On the edge board, Quux is 35% better than FooNet in energy.")
    assert got == [(35, "%", "energy", "reduction")]


def test_a_quality_number_never_takes_a_trailing_quantity():
    assert _items("We present Quux. Quux improves top-1 accuracy by 2% on latency benchmarks.") == []


def test_on_average_after_the_comparator_still_qualifies_the_number():
    got = [(s.value, s.qualifier) for s in extract_speedups(
        "We present Quux. Quux lowers the per-request latency by 2.7x over Foo on average, and by up to 4x "
        "over Bar.")]
    assert got == [(2.7, "average"), (4, "up_to")]


def test_a_figure_restated_by_an_anaphoric_subject_takes_the_previous_claims_quantity():
    got = _items("We present Quux. Quux beats the FooSched schedule by up to 18% in throughput at equal memory. "
                 "This gain can be raised to 27% when more memory is allowed.")
    assert got == [(18, "%", "throughput", "increase"), (27, "%", "throughput", "increase")]


def test_an_absolute_level_without_an_anaphoric_subject_stays_blocked():
    got = _items("We present Quux. Quux beats FooSched by 18% in throughput. Memory use is reduced to 27%.")
    assert got == [(18, "%", "throughput", "increase")]
