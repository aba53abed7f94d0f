"""Grounding: only items that the abstract itself shows are ever emitted (agent/claim_grounding.py)."""

from __future__ import annotations

import pytest

from agent.claim_grounding import check_speedup
from core.models import Speedup

ABSTRACT = (
    "Our design results in 2.8$\\times$ speedup and 2.5$\\times$ energy efficiency improvement over the "
    "state-of-the-art quantization accelerators. The search cost is only 8 epochs (30 TPU-hours), which is "
    "up to 5,000x faster compared to prior work. Energon achieves up to $10^4\\times$ and $10^3\\times$ "
    "energy reduction. It trains a model for less than $1k, an order of magnitude less than the "
    "state-of-the-art systems. LiquidGEMM delivers 1.12-1.63x performance gains. It is 1,4x faster and "
    "frees approximately 71.25% (57GB) of memory."
)


def item(value: float, evidence: str, unit: str = "x", metric: str = "speedup") -> Speedup:
    return Speedup(value=value, unit=unit, metric=metric, direction="faster", evidence=evidence)  # type: ignore[arg-type]


@pytest.mark.parametrize("value, unit, evidence", [
    (2.8, "x", "2.8$\\times$ speedup"),
    (2.5, "x", "2.5$\\times$ energy efficiency improvement over"),
    (5000, "x", "which is up to 5,000x faster compared to prior work"),
    (10000, "x", "up to $10^4\\times$ and $10^3\\times$ energy reduction"),
    (1000, "x", "up to $10^4\\times$ and $10^3\\times$ energy reduction"),
    (10, "x", "an order of magnitude less than the state-of-the-art systems"),
    (1.12, "x", "LiquidGEMM delivers 1.12-1.63x performance gains"),
    (1.63, "x", "LiquidGEMM delivers 1.12-1.63x performance gains"),
    (1.4, "x", "It is 1,4x faster"),
    (71.25, "%", "frees approximately 71.25% (57GB) of memory"),
])
def test_grounded(value: float, unit: str, evidence: str) -> None:
    assert check_speedup(ABSTRACT, item(value, evidence, unit)) is None


def test_evidence_must_be_verbatim() -> None:
    reason = check_speedup(ABSTRACT, item(2.8, "2.8x speedup"))  # LaTeX normalised away
    assert reason is not None and "substring" in reason


def test_evidence_must_show_the_value() -> None:
    reason = check_speedup(ABSTRACT, item(2.9, "2.8$\\times$ speedup"))
    assert reason is not None and "2.9" in reason


def test_evidence_must_show_the_unit() -> None:
    assert check_speedup(ABSTRACT, item(71.25, "frees approximately 71.25% (57GB) of memory", "x")) is not None
    # "57GB" is an absolute figure: 57 is written, but not as a ratio.
    assert check_speedup(ABSTRACT, item(57, "frees approximately 71.25% (57GB) of memory", "x")) is not None


def test_computed_values_are_not_grounded() -> None:
    # 28.75% would be 100 - 71.25: never compute a value.
    assert check_speedup(ABSTRACT, item(28.75, "frees approximately 71.25% (57GB) of memory", "%")) is not None
    # 0.0001 would be 1 / 10^4.
    assert check_speedup(ABSTRACT, item(0.0001, "up to $10^4\\times$ and $10^3\\times$ energy reduction")) is not None


def test_empty_evidence() -> None:
    assert check_speedup(ABSTRACT, item(2.8, "   ")) == "empty evidence"


def test_known_position_skips_the_search() -> None:
    evidence = "2.8$\\times$ speedup"
    assert check_speedup(ABSTRACT, item(2.8, evidence), at=ABSTRACT.find(evidence)) is None
    assert check_speedup(ABSTRACT, item(2.8, evidence), at=0) is not None

