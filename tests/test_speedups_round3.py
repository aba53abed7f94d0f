"""Round-3 (issue 13) mechanisms of the speedup extractor, each proved on INVENTED sentences of the
shapes the dev-ext abstracts showed (none is copied from a fixture)."""

from __future__ import annotations

from agent.engines.local.speedups import extract_speedups


def _items(text: str) -> list[tuple[float, str, str, str]]:
    return [(s.value, s.unit, s.metric, s.direction) for s in extract_speedups(text)]


def test_two_lists_in_one_sentence_keep_their_own_quantities():
    got = _items("We present Quux. On average, Quux gives 3x, 11x, 25x speedup and 5x, 90x, 210x energy "
                 "savings over P, Q, and R, respectively.")
    assert got == [(3, "x", "speedup", "faster"), (11, "x", "speedup", "faster"), (25, "x", "speedup", "faster"),
                   (5, "x", "energy", "reduction"), (90, "x", "energy", "reduction"),
                   (210, "x", "energy", "reduction")]


def test_resulting_in_a_gain_is_a_result_not_a_problem_statement():
    got = _items("We present Quux. Its kernels use ternary codes, resulting in 16x memory savings.")
    assert got == [(16, "x", "memory", "reduction")]
    # ... while a problem's effect stays context
    assert _items("We present Quux. Naive padding leads to 4x higher latency on long inputs.") == []


def test_comparative_next_to_the_number_sets_the_direction():
    got = _items("We present Quux. Decoding acceleration on Quux yields up to 6x lower power compared to a CPU.")
    assert got == [(6, "x", "energy", "reduction")]


def test_performance_per_watt_and_ops_per_access_are_benefits():
    assert _items("We present Quux. Quux raises performance/Watt by 1.9x over its predecessor.") == [
        (1.9, "x", "energy", "increase")]
    assert _items("We present Quux. Quux beats Baz by 2.2x in terms of operations per memory access.") == [
        (2.2, "x", "communication", "increase")]


def test_share_of_a_quantity_governed_by_a_consumption_or_saving_verb():
    got = _items("Compared to a GPU server, our board matches its speed while drawing only 31.5% of the energy.")
    assert got == []  # "drawing" is no consumption verb of the list: stay silent rather than guess
    got = _items("Compared to a GPU server, our board runs 1.4x faster while consuming only 31.5% of the energy.")
    assert got == [(1.4, "x", "speedup", "faster"), (31.5, "%", "energy", "reduction")]
    got = _items("We present Quux. Quux trails Baz by 0.4 AP but saves 41% of computation and 29% of parameters.")
    assert got == [(41, "%", "compute", "reduction"), (29, "%", "model size", "reduction")]
    # a share of a part, with no comparison, is a size, not a saving
    assert (5, "%", "cost", "reduction") not in _items("We present Quux. Its cache uses only 5% of the chip budget.")


def test_training_and_inference_give_two_items_per_number():
    got = _items("We present Quux. Quux speeds up graph training and inference by up to 12x on CPU and 4x on GPU.")
    assert got == [(12, "x", "training time", "faster"), (12, "x", "speedup", "faster"),
                   (4, "x", "training time", "faster"), (4, "x", "speedup", "faster")]


def test_chip_area_is_off_the_metric_list():
    got = _items("The new array saves 22% and 47% in area and power, respectively, versus a systolic baseline.")
    assert got == [(47, "%", "energy", "reduction")]
    got = _items("We present Quux. Quux surpasses prior engines by up to 8.5x energy and 14x area efficiency gains.")
    assert got == [(8.5, "x", "energy", "increase")]


def test_lexicon_quantities_of_round_three():
    assert _items("We present Quux. Quux cuts the off-chip memory movement cost by 1.8x.") == [
        (1.8, "x", "communication", "reduction")]
    assert _items("We present Quux. Quux reaches a gradient compression ratio of 150x.")[0][2] == "communication"
    assert _items("We present Quux. Pruning removes the number of connections by 11x.") == [
        (11, "x", "model size", "reduction")]


def test_generic_fallback_word_yields_to_a_named_quantity():
    got = _items("We present Quux. On a laptop, the compressed model has 2x to 3x kernel speedup.")
    assert got == [(2, "x", "speedup", "faster"), (3, "x", "speedup", "faster")]


def test_the_outperformed_noun_phrase_is_the_baseline_not_the_quantity():
    got = extract_speedups("We present Quux. Quux outperforms current distributed training frameworks by 6.3x.")
    assert [(s.value, s.metric, s.direction, s.baseline) for s in got] == [
        (6.3, "speedup", "faster", "current distributed training frameworks")]


def test_retained_share_of_quality_is_no_claim():
    got = _items("We present Quux. The student keeps over 97.1% the accuracy of its teacher while being 5x faster.")
    assert got == [(5, "x", "speedup", "faster")]


def test_unmarked_lists_map_in_order():
    got = _items("We present Quux. Quux shows 12x and 40x improvement in performance and energy efficiency over a CPU.")
    assert got == [(12, "x", "speedup", "faster"), (40, "x", "energy", "increase")]
    got = _items("We present Quux. Quux lowers the latency/memory by 3x/1.6x over Baz.")
    assert got == [(3, "x", "latency", "reduction"), (1.6, "x", "memory", "reduction")]
    # a list over things that are no quantities keeps the shared quantity
    got = _items("We present Quux. Quux achieves 1.5x and 1.8x higher throughput on Alpha and Beta.")
    assert got == [(1.5, "x", "throughput", "increase"), (1.8, "x", "throughput", "increase")]


def test_respectively_list_named_by_the_subject():
    got = _items("We present Quux. With a new bound, the space complexity and the time complexity of the solver "
                 "can drop by 40% and 75%, respectively.")
    assert got == [(40, "%", "memory", "reduction"), (75, "%", "compute", "reduction")]


def test_a_number_modifying_an_off_list_noun_is_no_claim():
    got = _items("We present Quux. Quux admits up to 4x higher request rates or 3x more jitter tolerance.")
    assert [g[0] for g in got] == [4]
    assert _items("We present Quux. A packed layout reduces the number of partial tiles by two orders of magnitude.") == []
    # ... but a unit noun or a memory term still continues the claim's quantity
    got = _items("We present Quux. Quux needs 2.5x less SRAM and 4.2x less Flash compared to Baz.")
    assert got == [(2.5, "x", "memory", "reduction"), (4.2, "x", "memory", "reduction")]


def test_carbon_emissions_are_off_the_metric_list():
    got = _items("We present Quux. Quux uses ~2x less energy and emits ~9x less CO2e than older chips.")
    assert got == [(2, "x", "energy", "reduction")]


def test_storage_of_a_model_is_model_size():
    assert _items("We present Quux. Quux cuts the storage requirement of deep networks by 20x.") == [
        (20, "x", "model size", "reduction")]
    assert _items("We present Quux. Quux lowers the storage of checkpoint files by 3x.") == [
        (3, "x", "storage", "reduction")]


def test_optimisation_time_and_required_capacity():
    assert _items("We present Quux. Quux gives a 3.1x speed up in optimization time over a tuner.") == [
        (3.1, "x", "search cost", "faster")]
    assert _items("We present Quux. Quux cuts the write traffic by 5x and the required capacity by 2x.") == [
        (5, "x", "communication", "reduction"), (2, "x", "storage", "reduction")]


def test_a_latex_brace_does_not_glue_two_sentences():
    got = _items("Prior work compares the latency and throughput of many tasks. {We find that our NPU is "
                 "2.1$\\times$ faster for speech tasks.")
    assert got == [(2.1, "x", "speedup", "faster")]


def test_every_spelling_of_the_multiplication_sign():
    for sign in ("\\(\\times\\)", "$\\mathbf{\\times}$", " \\texttimes{}", "⨉", "✕", "$\\text{x}$", "\\,$\\times$"):
        got = _items(f"We present Quux. Quux is 3{sign} faster than Baz.")
        assert got == [(3, "x", "speedup", "faster")], sign
    assert _items("Tiles of 64✕64 pixels are used.") == []  # a dimension, not a ratio


def test_list_over_settings_shares_the_quantity():
    got = _items("We present Quux. Quux achieves 1.4x and 1.7x higher throughput on Alpha and Beta, respectively.")
    assert got == [(1.4, "x", "throughput", "increase"), (1.7, "x", "throughput", "increase")]
    got = _items("We present Quux. Quux gives 2.2x and 2.6x speedups for small and large batches, respectively.")
    assert got == [(2.2, "x", "speedup", "faster"), (2.6, "x", "speedup", "faster")]


def test_average_of_and_share_of_a_baseline():
    assert _items("We present Quux. Quux reduces latency by an average of 17%.") == [(17, "%", "latency", "reduction")]
    assert _items("We present Quux. Quux needs only 9% of the model size of Baz.") == [
        (9, "%", "model size", "reduction")]


def test_off_list_noun_still_takes_the_quantity_its_own_verb_names():
    assert _items("We present Quux. Quux converges with 2x fewer iterations.") == [(2, "x", "training time", "reduction")]


def test_throughput_is_more_is_better_whatever_words_name_it():
    assert _items("We present Quux. Quux achieves 3.3x higher tokens/s than Baz.") == [(3.3, "x", "throughput", "increase")]
