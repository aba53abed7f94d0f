"""LABELLING §3: a product line written without its model ("Jetson Orin", whose line also holds
Orin NX and Orin Nano) is named at the level written, not widened to one product of the line."""

from __future__ import annotations

from agent.engines.local.hardware_rules import find_hardware


def _names(text: str) -> list[str]:
    return [h.name for h in find_hardware(text)]


def test_an_alias_that_begins_other_products_names_is_kept_as_written():
    names = _names("We deploy Quux on an NVIDIA Jetson Orin and on a Jetson Xavier NX.")
    assert names == ["NVIDIA Jetson Orin", "NVIDIA Jetson Xavier NX"]


def test_unambiguous_aliases_still_map_to_their_product():
    names = _names("Quux runs on the Orin AGX and on a Drive PX.")
    assert names == ["NVIDIA Jetson AGX Orin", "NVIDIA DRIVE PX"]


def test_a_question_on_the_line_is_met_by_its_products_but_not_by_other_boards():
    from agent.qa.constraints import hardware_covers

    def covers(asked: str, named: str) -> bool:
        return hardware_covers(asked, [tuple(named.lower().split())])

    assert covers("NVIDIA Jetson Orin", "NVIDIA Jetson AGX Orin")
    assert covers("NVIDIA Jetson Orin", "NVIDIA Jetson Orin NX")
    assert covers("NVIDIA Jetson Orin", "NVIDIA Jetson Orin")
    assert not covers("NVIDIA Jetson Orin", "NVIDIA Jetson Nano")
    assert not covers("NVIDIA Jetson AGX Orin", "NVIDIA Jetson Orin")     # the paper wrote the wider line


def test_another_name_of_a_product_is_kept_as_written_less_its_hardware_noun():
    # invented sentences: a marketing name is not rewritten to the catalog's model number
    names = _names("Zeta exploits the fast CPU-GPU link of the NVIDIA Grace Hopper Superchip.")
    assert "NVIDIA Grace Hopper" in names and "NVIDIA GH200" not in names


def test_written_separators_stay_but_glued_seams_and_shortened_names_are_completed():
    assert "NVIDIA DGX-H100" in _names("Training runs on eight Nvidia DGX-H100 GPUs.")
    assert "NVIDIA RTX 2080 Ti" in _names("We time it on an RTX 2080-Ti and a GTX1080 Ti.")
    assert "NVIDIA RTX 3060" in _names("Inference on a single RTX3060 card.")
    assert "NVIDIA RTX 2080 Ti" in _names("Measured on a 2080 Ti GPU.")
