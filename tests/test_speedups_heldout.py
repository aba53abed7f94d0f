"""Mechanisms fixed after the held-out dev_ext_2 check (issue 13), each proved on INVENTED sentences
of the same shape (none is copied from a fixture)."""

from __future__ import annotations

from agent.engines.local.speedups import extract_speedups
from agent.numbers import quantity_mentions


def _items(text: str) -> list[tuple[float, str, str, str, str | None]]:
    return [(s.value, s.unit, s.metric, s.direction, s.qualifier) for s in extract_speedups(text)]


def test_a_number_list_writes_its_unit_once_after_the_last_member():
    got = _items("With the new runtime, our kernels offer lower latency and memory by up to 1.75 and 3.5 times, "
                 "respectively.")
    assert got == [(1.75, "x", "latency", "reduction", "up_to"), (3.5, "x", "memory", "reduction", "up_to")]
    got = _items("Our design reduces energy by 12.5, 20.1 and 33.0% on the three boards, respectively.")
    assert [g[0] for g in got] == [12.5, 20.1, 33.0] and {g[1] for g in got} == {"%"}
    assert [m.value for m in quantity_mentions("a gain of 1.4 and 2.2x")] == [1.4, 2.2]  # grounding sees it too


def test_a_bare_configuration_number_before_a_ratio_stays_bare():
    assert _items("At batch size 1 and 1.2x larger models, the system runs 2x faster than the baseline.") == \
        [(2.0, "x", "speedup", "faster", None)]
    got = _items("It is between 2 and 5x faster than the reference solver.")
    assert [(g[0], g[4]) for g in got] == [(2.0, "range_low"), (5.0, "range_high")]


def test_a_percentile_written_after_the_latency_noun_is_tail_latency():
    assert _items("On the trace, request latency at P99 drops by 41% versus round-robin.")[0][2] == "tail latency"
    got = _items("In our deployment, TTFT p95 improves 8-12% without retraining.")
    assert [(g[0], g[2], g[3]) for g in got] == [(8, "tail latency", "reduction"), (12, "tail latency", "reduction")]


def test_what_the_method_gives_up_on_a_benefit_quantity_is_an_overhead():
    got = _items("The controller cuts p90 latency by 22% with a 4% throughput loss relative to static sharing.")
    assert [(g[0], g[2]) for g in got] == [(22, "tail latency")]
    assert [g[0] for g in _items("Tail latency improves 30% at 6% cost compared with the default policy.")] == [30]
    got = _items("It delivers 3x higher cost efficiency and 40% cost savings over spot-only provisioning.")
    assert [(g[0], g[2], g[3]) for g in got] == [(3, "cost", "increase"), (40, "cost", "reduction")]


def test_a_bare_size_in_a_respectively_list_is_model_size():
    got = _items("After conversion, our networks have lower latency and sizes by 1.6 and 2.9 times, respectively.")
    assert [(g[0], g[2]) for g in got] == [(1.6, "latency"), (2.9, "model size")]


def test_a_neighbouring_claims_direction_word_does_not_set_this_claims_direction():
    got = _items("The chip achieves up to 6.3x energy savings and 1.9x cost efficiency over the prior design.")
    assert [(g[2], g[3]) for g in got] == [("energy", "reduction"), ("cost", "increase")]
    got = _items("Our runtime cuts latency by 30% and memory by 2x.")
    assert [(g[2], g[3]) for g in got] == [("latency", "reduction"), ("memory", "reduction")]


def test_a_models_performance_on_tasks_is_quality_not_speed():
    assert _items("Distilled this way, the compact student's model performance rises by 3.1% on average over "
                  "six reading tasks.") == []
    assert _items("It improves performance by 35% on average across 12 workloads.") == \
        [(35, "%", "speedup", "faster", "average")]


def test_a_review_reports_other_systems_numbers_as_context():
    text = ("This survey covers memory offloading for LLM inference. It discusses the FlexStore design, which "
            "cuts loading time by 3-5x relative to naive paging. We also compare the designs qualitatively.")
    assert _items(text) == []
    own = "This survey covers offloading. Our own measurements show a 2x speedup from pinned buffers."
    assert [(g[0], g[2]) for g in _items(own)] == [(2, "speedup")]


def test_a_phase_after_during_does_not_name_the_quantity():
    got = _items("The method shrinks the memory footprint of optimizer states by 47% during pre-training.")
    assert [(g[0], g[2], g[3]) for g in got] == [(47, "memory", "reduction")]


def test_cost_effectiveness_is_a_more_is_better_quantity():
    assert [(g[2], g[3]) for g in _items("The planner is 2.5x more cost-effective than on-demand provisioning.")] == \
        [("cost", "increase")]
    assert [(g[2], g[3]) for g in _items("It lowers serving cost by 30% versus a static fleet.")] == [("cost", "reduction")]
