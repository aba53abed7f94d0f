"""LABELLING §3 sense decisions from syntax (round 7): "cluster" of cores on one chip is no machine
cluster, the place a system is evaluated in is one; a compute word inside a place term keeps the term."""

from __future__ import annotations

from agent.engines.local.hardware_rules import find_hardware
from agent.engines.local.hardware_term_sense import is_core_cluster


def _items(text: str) -> list[tuple[str, str]]:
    return [(h.name, h.hw_class) for h in find_hardware(text)]


def test_a_cluster_of_cores_on_one_chip_is_no_machine_cluster_anywhere_in_the_abstract():
    text = ("Zeta is a kernel library for a tightly coupled cluster of eight RISC-V cores. "
            "It exploits the cluster's parallelism and beats a sequential build by 9x on GPUs and nodes.")
    assert ("cluster", "datacenter") not in _items(text)
    octa = "an octa-core cluster runs it"
    assert is_core_cluster(octa, octa.index("cluster"), octa.index("cluster") + 7)
    assert is_core_cluster("a cluster of 16 processing elements", 2, 9)
    assert not is_core_cluster("a cluster of 16 GPU nodes", 2, 9)


def test_a_machine_cluster_is_still_one_next_to_a_core_cluster():
    text = "Each quad-core cluster of the chip is simulated; training then runs on a GPU cluster."
    assert ("GPU cluster", "datacenter") in _items(text)


def test_the_place_where_a_system_is_evaluated_is_a_machine_cluster():
    assert ("cluster", "datacenter") in _items("Thorough experiments in a cluster show that Quill halves latency.")
    assert ("cluster", "datacenter") in _items("The planner was deployed on our cluster for a month.")
    assert ("cluster", "datacenter") not in _items("Experiments in a cluster of similar sentences show gains.")


def test_a_compute_word_inside_a_place_term_keeps_the_term():
    assert _items("Grouped kernels are slow on many mobile processor platforms.") == [("mobile device", "mobile")]
    assert _items("Quux targets embedded computing devices.") == [("edge device", "edge")]


def test_a_capitalised_edition_word_after_a_product_is_part_of_its_name():
    items = _items("Quux is 3x faster than the Graphcore IPU Bow and 2x faster than an Apple M1 Ultra, while Zeta")
    assert ("Graphcore IPU Bow", "accelerator") in items
    assert ("Apple M1 Ultra", "cpu") in items
    # a hardware noun, a sentence word or a participle is no edition
    assert _items("It runs on an NVIDIA A100 Tensor Core GPU.")[0][0] == "NVIDIA A100"
    assert _items("Quux runs on the Xilinx ZCU104. The board draws 5 W.")[0][0] == "Xilinx ZCU104"
    assert [n for n, _ in _items("We ran it on an NVIDIA V100 Using the CUDA backend, it is 2x faster.")] == ["NVIDIA V100"]


def test_an_acronym_spelled_out_as_no_hardware_means_that_everywhere_in_the_abstract():
    text = (r"We propose \textbf{Delayed Shard Pruning} (DSP), a training rule. "
            "The DSP rule converges, and DSP halves the memory.")
    assert _items(text) == []
    # spelled out as hardware, or never spelled out: still a DSP
    assert _items("Quux offloads the attention to the DSP of a smartphone.") == [
        ("DSP", "accelerator"), ("mobile phone", "mobile")]


def test_a_device_word_that_modifies_another_head_is_no_device():
    assert _items("Users who make a phone call or share phone numbers are flagged.") == []
    assert _items("Quux runs on a phone in 20 ms.") == [("mobile phone", "mobile")]


def test_plural_points_clouds_are_no_datacenter():
    assert _items("We learn features for points clouds that move over time.") == []
    assert _items("Training runs in the cloud.") == [("cloud", "datacenter")]


def test_a_lower_case_spelling_of_a_mixed_case_product_is_no_product():
    assert _items("A big-little dual-module network skips updates.") == []
    assert ("Arm big.LITTLE", "cpu") in _items("Quux runs on an Arm big.LITTLE CPU.")
