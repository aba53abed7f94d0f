"""Issue 13 mechanisms of the speedup extractor, each proved on INVENTED sentences of the shapes
the dev-ext abstracts showed (none is copied from a fixture)."""

from __future__ import annotations

from agent.engines.local.speedups import extract_speedups


def _items(text: str) -> list[tuple[float, str, str, str]]:
    return [(s.value, s.unit, s.metric, s.direction) for s in extract_speedups(text)]


def test_direction_follows_the_metric_not_a_neighbouring_claims_speed_word():
    got = _items("Our chip delivers 4.1x speedup and 33.5x energy efficiency over a desktop GPU.")
    assert got == [(4.1, "x", "speedup", "faster"), (33.5, "x", "energy", "increase")]
    got = _items("The engine reaches 3.3\\times speedup and 12.7\\times energy efficiency over the baseline.")
    assert got == [(3.3, "x", "speedup", "faster"), (12.7, "x", "energy", "increase")]


def test_respectively_maps_numbers_to_quantities_in_order():
    got = _items("Compared with a mobile GPU, our design achieves speedup and energy savings of 7x and 19x, respectively.")
    assert got == [(7, "x", "speedup", "faster"), (19, "x", "energy", "reduction")]
    got = _items("The scheduler decreases deadline misses and costs by up to 41% and 27%, respectively, "
                 "compared to a static allocator.")
    assert got == [(27, "%", "cost", "reduction")]  # deadline misses: not an efficiency metric
    got = _items("The new array saves 15% and 52% in power and memory traffic, respectively, versus the baseline.")
    assert got == [(15, "%", "energy", "reduction"), (52, "%", "communication", "reduction")]


def test_respectively_over_baselines_is_not_a_quantity_list():
    got = _items("Our model gives up to 5.5x and 2.5x lower latency over FooNet and BarNet, respectively.")
    assert [(v, m, d) for v, _, m, d in got] == [(5.5, "latency", "reduction"), (2.5, "latency", "reduction")]


def test_number_in_parentheses_measures_the_noun_before_them():
    got = _items("The method cuts inference time (by up to 31%) and energy use (by up to 18%) on phones.")
    assert got == [(31, "%", "latency", "reduction"), (18, "%", "energy", "reduction")]


def test_means_clause_numbers_describe_the_mechanism_not_the_result():
    got = _items("We reach a 1.9x end-to-end speedup by exploiting the 20x bandwidth advantage of on-chip SRAM.")
    assert got == [(1.9, "x", "speedup", "faster")]


def test_latex_math_dollar_is_not_money_and_accuracy_gains_are_vetoed():
    assert _items("Our pipeline raises tracking accuracy by $4.2-6.8\\%$ without adding any latency costs.") == []
    assert _items("It lowers the serving cost by $2.4-3.1\\times$ on rented GPUs.") == [
        (2.4, "x", "cost", "reduction"), (3.1, "x", "cost", "reduction")]


def test_quality_word_in_a_trailing_clause_does_not_veto_the_claim():
    got = _items("The searched networks reduce the latency by 17% meanwhile preserving the accuracy.")
    assert got == [(17, "%", "latency", "reduction")]


def test_device_count_is_setup_but_device_latency_is_a_quantity():
    got = _items("Our kernels provide up to 9.5$\\times$ and 3.2$\\times$ GPU latency reduction over two libraries.")
    assert [(v, m, d) for v, _, m, d in got] == [(9.5, "latency", "reduction"), (3.2, "latency", "reduction")]
    assert _items("Training runs on 8x GPUs for two days.") == []


def test_every_multiplication_spelling_is_one_number_phrase():
    for sign in ("2.5×", "2.5x", "2.5$\\times$", "2.5\\(\\times\\)", "2.5×\\times×", "2.5\\times"):
        got = _items(f"Our library achieves up to {sign} end-to-end improvement over the stock one.")
        assert got == [(2.5, "x", "speedup", "faster")], sign


def test_lists_and_ranges_share_one_phrase():
    got = _items("Our planner yields 1.4x and 1.9x higher throughput on the two clusters.")
    assert got == [(1.4, "x", "throughput", "increase"), (1.9, "x", "throughput", "increase")]
    got = _items("It lowers peak memory by 3-5x compared to the eager runtime.")
    assert got == [(3, "x", "memory", "reduction"), (5, "x", "memory", "reduction")]


def test_bare_smaller_after_a_model_size_figure_is_model_size():
    got = _items("At 90 kB it matches a roughly 0.8 MB network while being 8.9x smaller.")
    assert got == [(8.9, "x", "model size", "reduction")]


def test_accuracy_and_quality_context_vetoes():
    assert _items("Our trainer sustains 47% model FLOPs utilization on 2048 accelerators.") == []
    assert _items("The student retains 96% of the teacher's performance while running 3.1x faster.") == [
        (3.1, "x", "speedup", "faster")]
    assert _items("By keeping the top 12% of tokens, the decoder cuts latency by 40%.") == [
        (40, "%", "latency", "reduction")]
    got = _items("It improves top-1 accuracy by 2.1% (0.8% absolute) and 1.7% (0.5% absolute) "
                 "while lowering latency by 25%.")
    assert got == [(25, "%", "latency", "reduction")]


def test_share_of_a_baselines_cost_quantity_is_a_claim():
    assert _items("Our compact model reaches 12% of the model size of the dense baseline.") == [
        (12, "%", "model size", "reduction")]
    assert _items("It needs only 30% of the memory used by the eager runtime.") == [(30, "%", "memory", "reduction")]
    assert _items("The kernel attains 90% of the peak bandwidth.") == []


def test_coordinated_conjuncts_share_the_head_noun():
    got = _items("It beats prior designs by up to 6.5x energy and 11.0x throughput efficiency gains.")
    assert got[0] == (6.5, "x", "energy", "increase")
