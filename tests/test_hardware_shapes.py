"""Round-5: hardware products the catalog does not know, recognised by phrase shape (LABELLING.md §3).
Every sentence is invented; the product names are made up so the catalog cannot know them."""

from __future__ import annotations

import pytest

from agent.engines.local.entities import extract_hardware


def hw(text: str) -> list[tuple[str, str, str]]:
    return [(h.name, h.hw_class, h.level) for h in extract_hardware(text)]


@pytest.mark.parametrize("text, item", [
    # vendor + model number
    ("We port the tracker to a Rockchip RZ7731 and measure power.", ("Rockchip RZ7731", "edge", "specific")),
    ("On the Qualcomm Snapdragon 9 Elite the model runs at 40 FPS.",
     ("Qualcomm Snapdragon 9 Elite", "mobile", "specific")),
    ("Kernels are tuned for the Xilinx Zorvex X4410 card.", ("Xilinx Zorvex X4410", "fpga", "specific")),
    # model number + hardware head noun (the noun gives the class and no class item)
    ("Inference fits on a Tarvo4 Blue MCU with 256 KB of SRAM.", ("Tarvo4 Blue", "edge", "specific")),
    ("The detector runs on an Ultrix 7 phone in real time.", ("Ultrix 7", "mobile", "specific")),
    ("The detector runs on an Ultrix 8 Pro smartphone.", ("Ultrix 8 Pro", "mobile", "specific")),
    ("We evaluate on a Velox K80x development board.", ("Velox K80x", "edge", "specific")),
    ("Training used 512 GPUs of the Borealis supercomputer.", ("Borealis", "datacenter", "specific")),
    # a model number in parentheses after a generic term
    ("It targets a low-cost microcontroller (QX3302) with no FPU.", ("QX3302", "edge", "specific")),
])
def test_unknown_product_by_shape(text, item):
    assert item in hw(text)


def test_head_noun_of_a_shape_product_gives_no_class_item():
    items = hw("We compare a Zentra 5X GPU with the CPU baseline.")
    assert ("Zentra 5X", "gpu", "specific") in items
    assert [n for n, _, level in items if level == "class"] == ["CPU"]


def test_a_known_family_with_an_unknown_model_number_keeps_the_written_name_and_catalog_class():
    assert ("Intel Gaudi 7", "accelerator", "specific") in hw("Serving on Intel Gaudi 7 cuts cost by half.")


@pytest.mark.parametrize("text", [
    "The 28nm chip and the 8-bit MCU both use INT8 processors.",  # quantities and number formats
    "Google Gemma 2 and Meta Llama 3 are distilled into a 1B model.",  # models of hardware vendors
    "We exploit NVIDIA 2:4 sparsity on the tensor cores.",  # a ratio, not a model number
    "Table 3 GPU results are averaged over five runs.",  # a numbered part of the paper
    "Our design is 3x faster than the Eyeriss v2 chip.",  # a research chip named as a method: class only
])
def test_shapes_that_are_no_product(text):
    assert [n for n, _, level in hw(text) if level == "specific"] == []


def test_model_numbers_listed_after_a_generic_term_are_all_products():
    names = [n for n, _, level in hw("We test two MCUs (QX3302 and ZR-9, both Arm-based) and a phone.")
             if level == "specific"]
    assert names == ["QX3302", "ZR-9"]


def test_a_catalog_product_keeps_the_separators_written_and_is_listed_once():
    items = hw("Kernels for the GAP-9 are 3x faster; on GAP9 the energy drops too. We compare to TPUv2.")
    assert [n for n, _, level in items if level == "specific"] == ["GAP-9", "TPU v2"]


@pytest.mark.parametrize("text, names", [
    # digits-first model number in apposition to a generic term: the term gives no class item
    ("The kernel is 9x faster than the CPU (7713P) baseline.", ["7713P"]),
    # a colon list after a generic term: an item without a model number counts next to a known product
    ("We profile three boards: Tarsio Edge Mini, Raspberry Pi 5 and NVIDIA Jetson Nano.",
     ["Tarsio Edge Mini", "Raspberry Pi 5", "NVIDIA Jetson Nano"]),
    # the company's full name stays with the product, and a later bare mention is the same product
    ("We target GreenWaves Technologies GAP9; on GAP-9 the network runs at 20 fps.",
     ["GreenWaves Technologies GAP9"]),
    # a hyphen before a model number is written as such
    ("It beats an STM32-H735 MCU by 4x.", ["STM32-H735"]),
])
def test_products_named_in_lists_apposition_and_with_company_names(text, names):
    assert [(n, level) for n, _, level in hw(text)] == [(n, "specific") for n in names]


def test_a_list_of_capitalised_words_without_a_known_product_is_no_hardware():
    items = hw("We compare three boards: Orbit Flux and Delta Wave, all designed in-house.")
    assert [n for n, _, level in items if level == "specific"] == []


def test_an_acronym_spelled_out_as_no_hardware_gives_no_class_item():
    assert hw("Kernels use the digital signal processing (DSP) instructions of the core.") == []
    assert [n for n, _, _ in hw("It offloads to a digital signal processor (DSP).")] == ["DSP"]


def test_a_bare_model_name_in_apposition_to_a_generic_term_is_confirmed():
    assert [(n, level) for n, _, level in hw("We run it on the DSP (Hexagon) of a phone.")] == \
        [("Hexagon", "specific"), ("mobile phone", "class")]


def test_the_class_of_an_unknown_product_follows_the_words_of_its_sentence():
    text = "The Intel Zephyr 9 runs spiking networks as a neuromorphic accelerator."
    assert ("Intel Zephyr 9", "accelerator", "specific") in hw(text)
    # no cue word: the vendor's usual class in the catalog
    assert ("Intel Zephyr 9", "cpu", "specific") in hw("The compiled model runs on the Intel Zephyr 9.")


def test_a_vendor_without_catalog_products_gives_its_usual_class():
    assert ("NXP i.MX RT1180", "edge", "specific") in hw("Inference runs on an NXP i.MX RT1180 at 50 mW.")


def test_another_vendors_name_does_not_confirm_a_bare_model_number():
    # "P40" alone is an NVIDIA GPU in the catalog; written after Huawei with a phone noun it is a phone
    assert hw("Latency is measured on Huawei P40 smartphones.") == [("Huawei P40", "mobile", "specific")]


@pytest.mark.parametrize("text", [
    "The kernels are built with Intel MKL 2019 and AMD ROCm 6.1.",  # a year, a dotted version
    "We implement it in NVIDIA NeMo 3 and export to the Qualcomm AI Engine Direct SDK 2.",  # software words
])
def test_a_software_release_of_a_hardware_vendor_is_no_product(text):
    assert hw(text) == []


def test_a_machines_bare_name_counts_after_on_in_a_sentence_about_processors():
    assert ("Aurora", "datacenter", "specific") in hw("We reach 2 PFLOPS on Aurora using 512 GPUs.")
    assert hw("The team met on Aurora Street to plan the study.") == []
