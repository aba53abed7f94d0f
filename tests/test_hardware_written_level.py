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
