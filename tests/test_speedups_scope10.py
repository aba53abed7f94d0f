"""Round 10 (issue 13, strict metric/direction): the training scope of a number and its neighbours.
Every sentence here is invented, in the shape of a mechanism, not copied from a fixture.

- training scope read from the number's own clause (speedup_heads / speedup_rules: a training
  modifier makes a time head training time; speedup_scope: a trailing "when fine-tuning" frame,
  "reaches the target accuracy N x faster", training performance improving is faster; the lexicon's
  time to reach an accuracy);
- energy polarity: more of a saving is a reduction (speedup_rules.direction_word);
- one list of N numbers over N quantities, across unit changes (speedup_lists, speedup_coordination);
- spelled ranges "N-M times" after a change verb (speedup_blocks).
"""

from __future__ import annotations

import pytest

from agent.engines.local.speedups import extract_speedups

_INTRO = "We present Quill, a system for efficient learning. "


def _read(text: str) -> list[tuple[float, str, str, str | None]]:
    return [(s.value, s.metric, s.direction, s.qualifier) for s in extract_speedups(_INTRO + text)]


@pytest.mark.parametrize("sentence, expected", [
    # a training modifier on a time head: the runtime of training is training time (LABELLING §1.3 rule 4)
    ("Quill delivers 2.2x faster end-to-end training runtime than Megatron.", [(2.2, "training time", "faster", None)]),
    ("Quill achieves 3.1x lower on-device training latency than TinyTL.", [(3.1, "training time", "reduction", None)]),
    # a trailing adverbial frame names the process the speedup is about
    ("Quill achieves 1.5-2.1x speedups over LoRA baselines when fine-tuning 7B models.",
     [(1.5, "training time", "faster", "range_low"), (2.1, "training time", "faster", "range_high")]),
    ("Quill achieves 3.5x lower latency for on-device training than TinyTL.", [(3.5, "training time", "reduction", None)]),
    # time to accuracy, said with a verb
    ("Quill reaches the target accuracy 2.5x faster than FedAvg.", [(2.5, "training time", "faster", None)]),
    ("Quill reduces the time to reach target accuracy by 40% compared with FedProx.",
     [(40.0, "training time", "reduction", None)]),
    # convergence stays training time; an improving training performance is a speed (faster)
    ("Quill converges 2.5x faster than Adam.", [(2.5, "training time", "faster", None)]),
    ("Quill needs 2.5x less wall-clock time to converge than Adam.", [(2.5, "training time", "reduction", None)]),
    ("Quill achieves a 2.5x speedup over Adam when training GPT-2.", [(2.5, "training time", "faster", None)]),
    ("Experiments show about 20-35% improvement in distributed training performance over DeepSpeed.",
     [(20.0, "training time", "faster", "range_low"), (35.0, "training time", "faster", "range_high")]),
])
def test_training_scope(sentence, expected):
    assert _read(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Quill achieves 2.2x lower inference latency than vLLM.", [(2.2, "latency", "reduction", None)]),
    ("Quill improves training throughput by 36% over Megatron.", [(36.0, "throughput", "increase", None)]),
    ("Quill improves training time by 30% over DeepSpeed.", [(30.0, "training time", "reduction", None)]),
    ("Quill achieves 3.5x lower latency than TinyTL for inference and training.", [(3.5, "latency", "reduction", None)]),
    ("Quill delivers 3x lower latency to reach a decision.", [(3.0, "latency", "reduction", None)]),
])
def test_training_scope_leaves_other_phases(sentence, expected):
    assert _read(sentence) == expected


@pytest.mark.parametrize("sentence, direction", [
    ("Quill achieves 2.1-3.2x higher energy savings than the GPU.", "reduction"),
    ("Quill saves 2.1-3.2x more energy than the GPU.", "reduction"),
    ("Quill yields 20-30% greater energy reduction than the GPU.", "reduction"),
    ("Quill is 2-3x more energy-saving than the GPU.", "reduction"),
    ("Quill consumes 2-3x less energy than the GPU.", "reduction"),
    ("Quill is 2-3x more energy-efficient than the GPU.", "increase"),
])
def test_energy_polarity(sentence, direction):
    items = _read(sentence)
    assert [(m, d) for _, m, d, _ in items] == [("energy", direction)] * 2


@pytest.mark.parametrize("sentence", [
    "Quill achieves 1.8x, 2.4x and 35% improvements on token throughput, TTFT and energy, respectively.",
    "Compared with vLLM, Quill achieves improvements of 1.8x, 2.4x and 35% on token throughput, TTFT and energy.",
    "Throughput, latency and energy improve by 1.8x, 2.4x and 35%, respectively.",
])
def test_list_of_values_over_list_of_metrics(sentence):
    assert [(v, m, d) for v, m, d, _ in _read(sentence)] == [
        (1.8, "throughput", "increase"), (2.4, "latency", "reduction"), (35.0, "energy", "reduction")]


def test_list_with_an_introductory_phrase_keeps_its_subject():
    assert [(v, m) for v, m, _, _ in _read("In our tests, the latency and memory drop by 20% and 35%, respectively.")] \
        == [(20.0, "latency"), (35.0, "memory")]


@pytest.mark.parametrize("sentence, metric, direction", [
    ("Throughput is boosted 3-5 times over vLLM.", "throughput", "increase"),
    ("Quill speeds up decoding 3-5 times.", "speedup", "faster"),
])
def test_spelled_range_without_by(sentence, metric, direction):
    assert _read(sentence) == [(3.0, metric, direction, "range_low"), (5.0, metric, direction, "range_high")]


@pytest.mark.parametrize("sentence", [
    "Each experiment is repeated 5 times.",
    "We improved the prompts 3 times.",
])
def test_repetition_counts_stay_out(sentence):
    assert _read(sentence) == []
