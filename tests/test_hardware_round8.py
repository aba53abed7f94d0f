"""Round-8 hardware kinds (LABELLING.md §3), each from an invented sentence of the shape seen on new abstracts:
a lexicon term heading a product, one product written twice, a name kept in the words written, DSP as an
FPGA resource, a comma list of modifiers sharing a head, a machine counted out in its processors."""

from __future__ import annotations

from agent.engines.local.entities import extract_hardware


def hw(text: str) -> list[tuple[str, str, str]]:
    return [(h.name, h.hw_class, h.level) for h in extract_hardware(text)]


def names(text: str) -> list[str]:
    return [h.name for h in extract_hardware(text)]


def test_any_lexicon_term_heading_a_product_gives_no_class_item():
    # "neuromorphic chip" and "clusters" head the product mention, as "GPU" does in "V100 GPU"
    assert "neuromorphic chip" not in names("The network is deployed on the Loihi 2 neuromorphic chip of Intel.")
    assert "cluster" not in names("It needs less memory than the DGX-A100 clusters used by prior systems.")
    # a free-standing term still counts
    assert "GPU cluster" in names("We train on a 64-node GPU cluster and on DGX-A100 machines.")


def test_a_later_short_mention_is_the_product_named_in_full():
    items = names("The model runs at 30 fps on an NVIDIA Jetson TX2 GPU and at 5 fps on the TX2 CPU alone.")
    assert "NVIDIA Jetson TX2" in items and "NVIDIA TX2" not in items
    # an abbreviation defined for a product is the same product
    assert names("Boards such as the Raspberry Pi (RPi) and the Jetson Nano were measured.").count("Raspberry Pi") == 1
    assert "RPi" not in names("Boards such as the Raspberry Pi (RPi) and the Jetson Nano were measured.")


def test_a_product_is_named_in_the_words_and_order_written():
    assert "NVIDIA TX2" in names("The detector reaches 40 FPS on a TX2 embedded GPU.")
    assert "NVIDIA Jetson Orin AGX" in names("We deploy the planner on a Jetson Orin AGX board.")
    # a bare model number is still completed by the catalog (LABELLING §3: 2080Ti -> NVIDIA RTX 2080 Ti)
    assert "NVIDIA RTX 2080 Ti" in names("Training takes 3 hours on a single 2080Ti.")


def test_dsp_counted_as_an_fpga_resource_is_no_processor():
    assert "DSP" not in names("The overlay is 2.1x more DSP efficient than prior FPGA accelerators.")
    assert "DSP" in names("The keyword spotter runs on a low-power DSP inside the hearing aid.")


def test_a_comma_list_of_modifiers_shares_the_head_noun():
    items = names("Large models rarely fit on resource-limited platforms like edge, mobile, and IoT platforms.")
    assert "edge device" in items and "mobile device" in items
    assert "mobile device" in names("The codec targets edge, mobile, or embedded devices.")


def test_a_machine_counted_out_in_its_processors_is_a_machine():
    assert ("Borealis", "datacenter", "specific") in hw("Training scales to 2048 GPUs of Borealis with 91% efficiency.")
    assert ("Frontier", "datacenter", "specific") in hw(
        "We show scaling on up to 1024 GPUs of Perlmutter and 512 GPUs of Frontier.")
    # what is counted out must be processors or nodes, and the name a name
    assert names("Each of the 16 cores of The chip shares one cache.") == []
