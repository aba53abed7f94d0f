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
    # the product is found (and classed) through its alias, and named in the words written (round 8)
    names = _names("Quux runs on the Orin AGX and on a Drive PX.")
    assert names == ["NVIDIA Orin AGX", "NVIDIA DRIVE PX"]


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


def _items(text: str) -> list[tuple[str, str]]:
    return [(h.name, h.hw_class) for h in find_hardware(text)]


def test_a_modified_term_spelled_out_with_its_acronym_is_one_mention():
    items = _items("Quux runs 3x faster on a mobile Graphics Processing Unit (GPU) and a mobile "
                   "neural processing unit (NPU).")
    assert items == [("mobile GPU", "mobile"), ("mobile NPU", "mobile")]


def test_an_acronym_that_does_not_spell_the_term_before_it_still_counts():
    names = _names("The design is an accelerator (NPU) for phones.")
    assert "accelerator" in names and "NPU" in names


def test_a_cluster_of_data_is_no_machine_but_a_cluster_of_machines_or_products_is():
    assert "cluster" not in _names("The PE groups local clusters of non-zero weights on the accelerator.")
    assert "cluster" in _names("We train on local clusters of up to 512 GPUs.")
    assert "cluster" in _names("Storage servers built from clusters of the Zorba drive run the jobs.")


def test_an_acronym_spelled_out_before_a_device_noun_names_a_platform():
    assert _items("Inference fits the ZAP (zero-area processing) MCU of the glider.") == [("ZAP", "edge")]
    # a lexicon term or a method-like head stays a class term or nothing
    assert _names("We add an NPU (neural processing unit) board.") == ["NPU"]
    assert _names("Our PIM (processing-in-memory) processor is 3x faster.") == []
    # the words must spell the acronym
    assert _names("A ZAP (fast tiny engine) MCU.") == []


def test_a_vendor_word_that_is_an_nvidia_brand_confirms_an_nvidia_model_number():
    assert _names("Serving runs on one Tesla T4.") == ["NVIDIA T4"]
    assert _names("Training used 512 Tesla P40 GPUs.") == ["NVIDIA P40"]


def test_model_numbers_listed_after_such_as_are_products():
    names = _names("It is deployed on microcontrollers, such as Zorb7c, Quix42 and on a phone.")
    assert "Zorb7c" in names and "Quix42" in names
