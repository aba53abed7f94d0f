"""Round-9 hardware kinds (LABELLING.md §3), each from an invented sentence."""

from __future__ import annotations

from agent.engines.local.entities import extract_hardware


def test_a_model_number_suffix_ends_where_a_word_ends():
    names = [h.name for h in extract_hardware("Latency is measured on a Pixel 5 and a Galaxy S21 phone.")]
    assert names == ["Pixel 5", "Galaxy S21"]
    # a written variant letter is still read, and a plural keeps its product
    assert [h.name for h in extract_hardware("We also test a Pixel 6a handset.")] == ["Pixel 6a"]
