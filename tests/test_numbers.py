"""Numeric mentions as written in abstracts (agent/numbers.py)."""

from __future__ import annotations

import time

import pytest

from agent.numbers import find_numbers, find_ranges, parse_number, quantity_mentions, same_value


def mentions(text: str) -> list[tuple[float, str | None, str]]:
    return [(m.value, m.unit, m.surface(text)) for m in find_numbers(text)]


@pytest.mark.parametrize("surface, value", [
    ("2.8", 2.8), ("2.90x", 2.9), ("5,000x", 5000.0), ("1,000,000", 1e6), ("1,4x", 1.4),
    ("10^4", 1e4), ("$10^4\\times$", 1e4), ("10^{3}", 1e3), ("an order of magnitude", 10.0),
    ("one order of magnitude", 10.0), ("two orders of magnitude", 100.0), ("threefold", 3.0),
    ("ten times", 10.0), ("+71%", 71.0), ("0.0003x", 0.0003),
])
def test_parse_number(surface: str, value: float) -> None:
    assert parse_number(surface) == pytest.approx(value)


def test_parse_number_without_a_number() -> None:
    assert parse_number("orders of magnitude") is None
    assert parse_number("") is None


@pytest.mark.parametrize("text, expected", [
    ("5,000x faster", [(5000.0, "x", "5,000x")]),
    ("1,4x speedup", [(1.4, "x", "1,4x")]),
    ("2.8$\\times$ speedup", [(2.8, "x", "2.8$\\times$")]),
    ("62.9 $\\times$ faster", [(62.9, "x", "62.9 $\\times$")]),
    ("1.5\\times $ higher", [(1.5, "x", "1.5\\times $")]),
    ("$88\\%$ less", [(88.0, "%", "88\\%$")]),
    ("42.9 % lower", [(42.9, "%", "42.9 %")]),
    ("30 percent less", [(30.0, "%", "30 percent")]),
    ("23X less", [(23.0, "x", "23X")]),
    ("240times every", [(240.0, "x", "240times")]),
    ("3.9 times faster", [(3.9, "x", "3.9 times")]),
    ("a 10-fold reduction", [(10.0, "x", "10-fold")]),
    ("2.8× speedup", [(2.8, "x", "2.8×")]),
    ("up to $10^4\\times$ and $10^3\\times$", [(1e4, "x", "10^4\\times$"), (1e3, "x", "10^3\\times$")]),
    ("an order of magnitude less", [(10.0, "x", "an order of magnitude")]),
    ("by a factor of 3", [(3.0, "x", "3")]),
])
def test_ratio_and_percent_surfaces(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert mentions(text) == expected


@pytest.mark.parametrize("text", [
    "512x512 images", "1248times1248 pixels", "a 3 x 3 kernel", "2$\\times$2 grid", "x2 and x4 upscaling",
])
def test_dimensions_and_upscaling_factors_are_not_ratios(text: str) -> None:
    assert all(m.unit is None for m in find_numbers(text))


def test_numbers_glued_to_words_are_identifiers() -> None:
    text = "ResNet-101 W4A8 INT8 V100 Stage-1 $A^3$ GPT-4o"
    assert find_numbers(text) == []


def test_bare_numbers_keep_their_span() -> None:
    text = "28 fps with 8GB and (1) enumerators"
    assert [(m.value, m.unit, m.surface(text)) for m in find_numbers(text)] == [
        (28.0, None, "28"), (8.0, None, "8"), (1.0, None, "1")]


def test_unquantified_magnitudes_are_not_numbers() -> None:
    assert find_numbers("orders of magnitude faster, many orders of magnitude") == []


@pytest.mark.parametrize("text, low, high", [
    ("1.2-3.4x", 1.2, 3.4), ("1.12-1.63x gains", 1.12, 1.63), ("$2.9\\times \\sim 12.5\\times$", 2.9, 12.5),
    ("1.3x~90.1x", 1.3, 90.1), ("2.0x to 8.4x", 2.0, 8.4), ("2x-3x", 2.0, 3.0), ("26%$\\sim $41%", 26.0, 41.0),
    ("50-180% less efficient", 50.0, 180.0), ("between 2x and 3x", 2.0, 3.0),
    ("range from 4.83% with layer-wise sampling to 44.92% with subgraph sampling", 4.83, 44.92),
])
def test_ranges(text: str, low: float, high: float) -> None:
    (found,) = find_ranges(text)
    assert (found.low.value, found.high.value, found.kind) == (low, high, "range")
    assert found.low.unit == found.high.unit


def test_percent_from_to_pair_is_not_a_range() -> None:
    (pair,) = find_ranges("reduces the miss rate from 42% to 11%")
    assert pair.kind == "from_to"


def test_sizes_do_not_start_ranges() -> None:
    assert find_ranges("a 1k to 2k budget with 128K-3x") == []


def test_quantity_mentions_give_bare_range_ends_their_unit() -> None:
    assert [(m.value, m.unit) for m in quantity_mentions("1.12-1.63x and 5 GB")] == [(1.12, "x"), (1.63, "x")]


def test_same_value_is_relative() -> None:
    assert same_value(5000.0, 5000.0000000001)
    assert not same_value(2.9, 2.91)
    assert same_value(0.0, 0.0)


@pytest.mark.parametrize("text", [
    "", "1" * 200_000, "1%" * 10_000, "." * 200_000, "$\\times$ \\% $10^{" * 5_000, "2x" * 10_000,
    "我们提出的方法快了3倍，内存减少40%。", "1-2-3-4-5-6-7-8-9x " * 1_000,
])
def test_hostile_input_is_linear_and_fast(text: str) -> None:
    started = time.process_time()  # CPU time, not wall time: robust on a loaded machine
    find_ranges(text, find_numbers(text))
    assert time.process_time() - started < 6.0


def test_plus_sign_lower_bound_keeps_its_unit():
    # invented: "N+%" / "N+x" is a lower bound written with the unit after the plus sign
    text = "The scheduler raises goodput by 25+% and serves 4+x more users; 3+4 is arithmetic."
    found = [(m.surface(text), m.value, m.unit) for m in find_numbers(text)]
    assert ("25+%", 25.0, "%") in found and ("4+x", 4.0, "x") in found
    assert ("3", 3.0, None) in found
