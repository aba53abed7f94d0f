"""Round 10, second pass (issue 13): number-word ranges and four more training frames.
Every sentence here is invented, in the shape of a mechanism, not copied from a fixture.

- a number-word range "three to five times" / "two- to four-fold" is one range (agent/numbers.py);
- training named only in a coordinated verb phrase of the same subject ("by pre-training ... and
  achieve a N x speedup"), an acronym the abstract defines for a training phrase ("... training (XYZ)"),
  a compared training process ("faster than prior XYZ approaches"), and federated learning as a training
  process for time figures (speedup_scope).
"""

from __future__ import annotations

import pytest

from agent.engines.local.speedups import extract_speedups
from agent.numbers import find_ranges

_INTRO = "We present Quill, a system for efficient learning. "


def _read(text: str, intro: str = _INTRO) -> list[tuple[float, str, str, str | None]]:
    return [(s.value, s.metric, s.direction, s.qualifier) for s in extract_speedups(intro + text)]


@pytest.mark.parametrize("sentence, expected", [
    ("Quill makes sparse joins three to five times faster than a hash join.",
     [(3.0, "speedup", "faster", "range_low"), (5.0, "speedup", "faster", "range_high")]),
    ("Quill gives two- to four-fold speedups over the default allocator.",
     [(2.0, "speedup", "faster", "range_low"), (4.0, "speedup", "faster", "range_high")]),
])
def test_number_word_range_gives_two_items(sentence, expected):
    assert _read(sentence) == expected


def test_number_word_range_needs_a_rising_pair():
    # "five to three times" is no range: the low end must be smaller
    assert [r.low.value for r in find_ranges("It ran five to three times faster.")] == []
    assert [(r.low.value, r.high.value) for r in find_ranges("It ran six to ten times faster.")] == [(6.0, 10.0)]


@pytest.mark.parametrize("sentence, expected", [
    # training named only in the coordinated verb phrase of the same subject
    ("We cut the cost by pre-training a sparse encoder on web text and achieve a 3x speedup over the dense one.",
     [(3.0, "training time", "faster", None)]),
    # no training in the coordinated phrase: the speedup stays generic
    ("We cut the cost by pruning a sparse encoder and achieve a 3x speedup over the dense one.",
     [(3.0, "speedup", "faster", None)]),
])
def test_coordinated_training_phrase(sentence, expected):
    assert _read(sentence) == expected


def test_defined_training_acronym_is_a_training_word():
    intro = "Sparsity-aware training (SAT) keeps accuracy at high sparsity but is slow. "
    assert _read("Quill is 12x faster than prior SAT approaches.", intro) == [(12.0, "training time", "faster", None)]
    assert _read("During SAT, Quill's kernels run 2.5x faster than cuSPARSE.", intro) == \
        [(2.5, "training time", "faster", None)]
    # an acronym the abstract never defines for training is not one
    assert _read("During SAT, Quill's kernels run 2.5x faster than cuSPARSE.") == [(2.5, "speedup", "faster", None)]


@pytest.mark.parametrize("sentence, expected", [
    ("Quill cuts the round time of FL by 40% compared with FedAvg.", [(40.0, "training time", "reduction", None)]),
    ("Quill reduces the wall-clock time of federated learning by 35%.", [(35.0, "training time", "reduction", None)]),
    ("Quill achieves a 2x speedup over FedAvg in federated learning.", [(2.0, "training time", "faster", None)]),
    # an inference time stays a latency
    ("Quill reduces the inference time of the model by 35%.", [(35.0, "latency", "reduction", None)]),
])
def test_federated_learning_is_a_training_process(sentence, expected):
    assert _read(sentence) == expected
