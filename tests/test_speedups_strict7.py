"""Round-7 (issue 13) metric/direction mechanisms of the speedup extractor, each proved on an INVENTED
sentence of the shape it reads (none is copied from a fixture): where the quantity sits in the phrase
(a device named as a place, a speed verb's own predicate, the process a speed noun is for, a tail
modifier across a hyphenated compound, a rate unit's numerator or denominator, an operating point)."""

from __future__ import annotations

from agent.engines.local import speedup_rules as rules
from agent.engines.local.speedups import extract_speedups


def _items(text: str) -> list[tuple[float, str, str, str]]:
    return [(s.value, s.unit, s.metric, s.direction) for s in extract_speedups(text)]


def test_a_memory_device_named_as_the_place_of_a_measurement_is_no_memory_quantity():
    got = _items("We present Quux. Quux cuts the average lookup latency by 31% in DDR5 and 27% in SRAM, and "
                 "gives a 9% speedup in HBM.")
    assert got == [(31, "%", "latency", "reduction"), (27, "%", "latency", "reduction"),
                   (9, "%", "speedup", "faster")]


def test_a_memory_device_followed_by_its_own_quantity_noun_still_names_memory():
    assert _items("We present Quux. Quux trims the index by 30% in SRAM usage.") == [(30, "%", "memory", "reduction")]


def test_a_speed_verb_after_a_memory_claim_reports_a_speedup_not_memory():
    got = _items("We present Quux. Quux shrinks activation memory by up to 3.1x for A and 2.2x for B while "
                 "speeding up generation by up to 1.9x and 1.4x.")
    assert [(v, m, d) for v, _, m, d in got] == [(3.1, "memory", "reduction"), (2.2, "memory", "reduction"),
                                                  (1.9, "speedup", "faster"), (1.4, "speedup", "faster")]


def test_a_speed_verb_after_a_time_claim_keeps_the_time_quantity():
    got = _items("We present Quux. Quux lowers queueing delay by 40% and 35%, accelerating it by 2x.")
    assert got[:2] == [(40, "%", "latency", "reduction"), (35, "%", "latency", "reduction")]


def test_a_speedup_for_a_training_job_is_training_time():
    assert _items("We present Quux. Quux achieves up to 2.6x speedup for graph model training on 32 GPUs.") == [
        (2.6, "x", "training time", "faster")]
    assert _items("We present Quux. Quux wins by 1.8x speedup under asynchronous training settings.") == [
        (1.8, "x", "training time", "faster")]


def test_a_speedup_of_training_throughput_or_of_inference_and_training_is_not_training_time():
    assert _items("We present Quux. Quux gives a 1.7x speedup of training throughput.") == [
        (1.7, "x", "throughput", "faster")]
    assert _items("We present Quux. Quux gives a 3x speedup for inference and training.") == [
        (3, "x", "speedup", "faster")]


def test_a_tail_modifier_reaches_the_latency_head_across_a_hyphenated_compound():
    got = _items("We present Quux. Quux achieves a 35% reduction in tail time-per-output-token latency.")
    assert got == [(35, "%", "tail latency", "reduction")]


def test_a_rate_unit_is_a_benefit_per_unit_of_its_quantity_and_a_cost_when_spent_per_operation():
    assert rules.metric_of_unit("TOPS/W") == rules.Reading(metric="energy", benefit=True)
    assert rules.metric_of_unit("nJ/inference") == rules.Reading(metric="energy", benefit=False)
    got = _items("We present Quux. The chip runs a keyword spotter at only 80 nJ/op, 6.5x better than a "
                 "commodity microcontroller.")
    assert got == [(6.5, "x", "energy", "reduction")]


def test_a_figure_behind_at_is_the_operating_point_not_the_quantity_compared():
    got = _items("We present Quux. Quux reaches 4.2 TOPS/W at 20 fps, which is 2.5x better than Foo.")
    assert got == [(2.5, "x", "energy", "increase")]


def test_bandwidth_rises_when_improved_and_falls_when_a_requirement_is_cut():
    assert _items("We present Quux. Quux improves the sustained DRAM bandwidth by 2.2x.") == [
        (2.2, "x", "communication", "increase")]
    assert _items("We present Quux. Quux lowers the required link bandwidth by 5x.") == [
        (5, "x", "communication", "reduction")]


def test_a_fronted_frame_names_the_quantity_of_claims_that_name_none():
    got = _items("We present Quux. In terms of energy, Quux outperforms Foo by 3.3x and Bar by 40%.")
    assert [(v, m, d) for v, _, m, d in got] == [(3.3, "energy", "reduction"), (40, "energy", "reduction")]
    assert _items("We present Quux. For fine-tuning, Quux is 1.9x faster than Foo.") == [
        (1.9, "x", "training time", "faster")]


def test_a_fronted_setting_is_no_frame():
    assert _items("We present Quux. On servers with large memory, Quux achieves a 2.2x speedup.") == [
        (2.2, "x", "speedup", "faster")]


def test_a_trailing_measuring_frame_names_the_quantity_after_a_comma():
    assert _items("We present Quux. Quux outperforms Foo by 2.8x, as measured by p50 latency.") == [
        (2.8, "x", "latency", "reduction")]
    assert _items("We present Quux. Quux is 1.6x better than Foo with respect to throughput.") == [
        (1.6, "x", "throughput", "increase")]


def test_one_number_before_a_speedup_and_a_change_noun_gives_both_quantities():
    got = _items("We present Quux. Quux delivers over 4x speedup and energy savings compared to a CPU.")
    assert [(v, m, d) for v, _, m, d in got] == [(4, "speedup", "faster"), (4, "energy", "reduction")]


def test_a_density_is_a_per_area_normalisation_and_gives_no_item():
    got = _items("We present Quux. Quux reaches 5x higher throughput and 3x higher memory density than Foo.")
    assert got == [(5, "x", "throughput", "increase")]


def test_bare_comparatives_after_a_measured_latency_compare_the_model_not_the_latency():
    got = _items("We present Quux. Quux-S reaches 71% top-1 accuracy with 9.8 ms latency on a Pixel 6, "
                 "3.1x smaller and 1.7x faster than EfficientNet-B0.")
    assert [(v, m, d) for v, _, m, d in got] == [(3.1, "model size", "reduction"), (1.7, "speedup", "faster")]


def test_a_speed_comparative_inside_the_latency_phrase_stays_latency():
    got = _items("We present Quux. Quux beats the baseline in response time (27.5% faster).")
    assert got == [(27.5, "%", "latency", "faster")]


def test_a_trailing_comparator_participle_compares_the_main_clause_quantity():
    got = _items("We present Quux. Quux shrinks peak activation memory by 38%, outperforming Foo by 2.6x.")
    assert [(v, m, d) for v, _, m, d in got] == [(38, "memory", "reduction"), (2.6, "memory", "reduction")]
    got = _items("We present Quux. Quux gets a 1.4x speedup over A, surpassing B by 2x.")
    assert [(v, m, d) for v, _, m, d in got] == [(1.4, "speedup", "faster"), (2, "speedup", "faster")]


def test_a_shrink_to_a_share_of_the_baseline_is_a_relative_reduction_not_an_absolute_level():
    assert _items("We present Quux. Quux shrinks peak memory to 40% of that of Foo.") == [
        (40, "%", "memory", "reduction")]
    assert _items("We present Quux. Quux lowers the word error rate to 7.5%.") == []


def test_a_respectively_list_of_settings_after_a_head_noun_shares_the_head():
    got = _items("We present Quux. Quux achieves 3.2x and 1.6x speedups in convolution and attention, respectively.")
    assert got == [(3.2, "x", "speedup", "faster"), (1.6, "x", "speedup", "faster")]


def test_an_appositive_speedup_sums_up_the_time_quantity_of_its_clause():
    assert _items("We present Quux. Quux brings tuning time from 9 hours to 30 minutes, an 18x speedup.") == [
        (18, "x", "search cost", "faster")]
    assert _items("We present Quux. Quux trims memory from 8 GB to 2 GB, a 4x speedup.") == [
        (4, "x", "speedup", "faster")]


def test_a_restrictive_relative_clause_compares_its_own_noun_not_the_clause_around_it():
    got = _items("We present Quux. Quux cuts build time by 6x while emitting kernels that are 1.3x faster.")
    assert got == [(6, "x", "latency", "reduction"), (1.3, "x", "speedup", "faster")]
    # after a verb, "that" opens a complement clause: the earlier quantity is still the antecedent
    got = _items("We present Quux. Quux cuts build time by 6x; tests show that it is 1.3x faster.")
    assert got == [(6, "x", "latency", "reduction"), (1.3, "x", "latency", "faster")]


def test_a_unicode_times_sign_followed_by_its_latex_source_is_one_sign():
    got = _items("We present Quux. Quux runs at 0.3 ms latency, achieving up to 450×\\times and 25×\\times "
                 "speedup over CPU and GPU baselines, respectively.")
    assert [(v, m, d) for v, _, m, d in got] == [(450, "speedup", "faster"), (25, "speedup", "faster")]


def test_a_comparator_participle_over_a_list_of_baselines_compares_the_main_clause_quantity():
    got = _items("We present Quux. Quux keeps high training throughput under preemptions, outperforming Foo and "
                 "Bar by up to 1.3x and 1.8x, respectively.")
    assert [(v, m, d) for v, _, m, d in got] == [(1.3, "throughput", "increase"), (1.8, "throughput", "increase")]


def test_a_list_of_quantities_before_its_numbers_maps_in_order():
    got = _items("We present Quux. Quux brings a gain in throughput and energy efficiency of 9x and 4x over Foo.")
    assert [(v, m, d) for v, _, m, d in got] == [(9, "throughput", "increase"), (4, "energy", "increase")]


def test_the_subject_of_a_comparator_verb_names_the_quantity_over_a_list_of_baselines():
    got = _items("We present Quux. The goodput of Quux outperforms Foo and Bar by 1.4x and 2.2x, respectively.")
    assert [(v, m, d) for v, _, m, d in got] == [(1.4, "throughput", "increase"), (2.2, "throughput", "increase")]


def test_a_masked_aside_between_a_quantity_and_its_of_phrase_keeps_the_quantity_the_head():
    assert _items("We present Quux. The OPS (operations per second) of Quux beats Foo by 1.7x.") == [
        (1.7, "x", "throughput", "increase")]
