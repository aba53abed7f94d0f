"""The fitted metric/direction second opinion (agent/engines/local/speedup_metric_model.py), on invented
sentences: its features read the number's own phrase, it overrides the rules only when confident, the
extractor consults it for every item, and the shipped model can only choose pairs the convention allows."""

from __future__ import annotations

import pytest

from agent.claim_consistency import consistent
from agent.engines.local import speedup_metric_model as mm
from agent.engines.local.speedups import extract_speedups

SENTENCE = ("We present Quill, a low-bit recipe for language models. Quill finishes fine-tuning 6.5x faster than "
            "full-precision training on eight GPUs.")


def _span(text: str, surface: str) -> tuple[int, int]:
    start = text.index(surface)
    return start, start + len(surface)


def test_features_read_the_numbers_own_phrase_and_scope():
    names = mm.features(SENTENCE, _span(SENTENCE, "6.5x"), "x", 6.5, ("speedup", "faster"))
    assert {"rp=speedup/faster", "rm=speedup", "rd=faster", "u=x"} <= set(names)
    assert {"b1:fine-tuning", "b2:finishes", "a1:faster", "a2:than", "dw=faster", "s:train"} <= set(names)
    # the previous sentence is not the number's phrase
    assert not any(n.endswith(":recipe") for n in names)


def _tiny_model(threshold: float) -> dict:
    """Two pairs; "fine-tuning" right before the number says training time."""
    return {"bias": {"speedup/faster": 0.0, "training time/faster": -1.0},
            "weights": {"b1:fine-tuning": {"training time/faster": 4.0}, "b1:runs": {"training time/faster": 4.0}},
            "override_above": threshold}


@pytest.mark.parametrize("threshold, expected", [(0.6, ("training time", "faster")), (0.99, ("speedup", "faster"))])
def test_the_model_overrides_only_when_confident(threshold, expected):
    span = _span(SENTENCE, "6.5x")
    assert mm.revise(SENTENCE, span, "x", 6.5, ("speedup", "faster"), _tiny_model(threshold)) == expected


def test_the_extractor_consults_the_model_for_every_item(monkeypatch):
    kernel = "Our fused attention kernel runs 6.5x faster than the cuDNN baseline."
    monkeypatch.setattr(mm, "load_model", lambda: _tiny_model(0.6))
    [item] = extract_speedups(kernel)
    assert (item.value, item.metric, item.direction) == (6.5, "training time", "faster")
    monkeypatch.setattr(mm, "load_model", lambda: None)   # without a model the rules decide alone
    [item] = extract_speedups(kernel)
    assert (item.metric, item.direction) == ("speedup", "faster")


def test_the_fitted_model_chooses_only_pairs_the_convention_allows():
    import json

    from evals.train_speedup_metric_model import CANDIDATE_PATH

    model = json.loads(CANDIDATE_PATH.read_text(encoding="utf-8"))
    assert 0.5 <= model["override_above"] <= 1.0
    pairs = set(model["bias"])
    assert all(consistent(*pair.split("/")) for pair in pairs)
    assert {"speedup/faster", "latency/reduction", "energy/reduction", "training time/faster"} <= pairs


def test_an_item_whose_number_cannot_be_found_keeps_its_pair():
    from core.models import Speedup

    item = Speedup(value=9.0, unit="x", metric="speedup", direction="faster", evidence="runs faster")
    assert mm.revise_item("It runs faster.", item, 3) is item
