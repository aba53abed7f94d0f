"""Round-8 (issue 13) item finding of the speedup extractor: which numbers become items. Each mechanism
is proved on an INVENTED sentence of the shape it reads (none is copied from a fixture): a gain restated
as an absolute figure inside a parenthesis, a reduction verb over a list of "N% of <quantity>", a second
quantity named with a longer change noun phrase, a percentile rank, a share of a peak, an amount of
data, and the quality a number is measured in named after it."""

from __future__ import annotations

from agent.engines.local.speedups import extract_speedups
from agent.numbers import find_numbers


def _items(text: str) -> list[tuple[float, str, str, str]]:
    return [(s.value, s.unit, s.metric, s.direction) for s in extract_speedups(text)]


def test_a_gain_restated_as_an_absolute_figure_names_its_quantity_after_it():
    got = _items("We present Quux. Quux serves 3x higher cache hit rates (42.5% or 210 ms lower TTFT) than "
                 "prior caches.")
    assert (42.5, "%", "latency", "reduction") in got
    assert all(v != 3 for v, *_ in got)  # the hit rate is a proxy ratio


def test_a_reduction_verb_governs_a_list_of_shares_of_quantities():
    got = _items("We present Quux. Quux can cut up to 64% of message volume, 38% of communication steps, and "
                 "reach up to 1.7x higher training throughput and end-to-end training time reduction.")
    assert (64, "%", "communication", "reduction") in got
    assert (38, "%", "communication", "reduction") in got
    assert (1.7, "x", "throughput", "increase") in got
    assert (1.7, "x", "training time", "reduction") in got


def test_a_percentile_rank_is_no_percent():
    assert [n.unit for n in find_numbers("It lowers the 99%ile latency by 2x.")] == [None, "x"]
    assert _items("We present Quux. Quux lowers the 99%ile response time by 1.4x on average.") == [
        (1.4, "x", "latency", "reduction")]


def test_a_share_of_a_peak_is_a_utilisation_level():
    assert _items("We present Quux. Quux trains a 70B model on 256 GPUs and sustains over 48.2% theoretical "
                  "compute power of each GPU.") == []
    assert _items("We present Quux. Quux reaches 61% of peak FLOPS on one node.") == []


def test_an_amount_of_data_is_a_configuration():
    assert _items("We present Quux, which retrains the pruned model with a small share (<4%) of the original "
                  "training data.") == []
    # a saving of a cost quantity is still a claim
    assert _items("We present Quux. Quux saves 40% of the energy used by the baseline.") == [
        (40, "%", "energy", "reduction")]


def test_the_quality_named_after_the_number_vetoes_it():
    assert _items("We present Quux. Quux beats the baseline on all latency budgets by about 2% on ImageNet "
                  "top-1 accuracy.") == []
    assert _items("We present Quux. Quux cuts latency by 30% on ImageNet.") == [(30, "%", "latency", "reduction")]


def test_efficiency_per_fpga_resource_is_a_proxy():
    got = _items("We present Quux, an FPGA overlay that is 2.5x faster and 1.8x more DSP efficient than prior "
                 "FPGA designs.")
    assert got == [(2.5, "x", "speedup", "faster")]
