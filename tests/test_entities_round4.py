"""Round-4 kinds of dataset/hardware errors on unseen abstracts, each from an invented sentence
(LABELLING.md §2 and §3)."""

from __future__ import annotations

import pytest

from agent.engines.local.entities import extract_datasets, extract_hardware


def hw(text: str) -> list[tuple[str, str]]:
    return [(h.name, h.level) for h in extract_hardware(text)]


# --- hardware: the lexicon term "cluster" --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Each job runs on eight GPUs. Benchmarks on three different clusters show that our planner cuts job time.",
    "A prototype deployed in a cluster serves twice as many requests per GPU.",
    "Existing trainers assume dedicated super-clusters with hundreds of GPUs and fast links.",
])
def test_cluster_as_a_place_of_machines_names_machines(text):
    assert ("cluster", "class") in hw(text)


@pytest.mark.parametrize("text", [
    "We re-weight the importance sampling of clusters when selecting a batch.",
    "Our regulariser enforces the cluster assumption on the target domain.",
    "The encoder learns a soft cluster assignment for every node.",
    "We add more clusters to the synthetic data and train on it.",
])
def test_cluster_in_generic_ml_text_is_no_hardware(text):
    assert hw(text) == []


@pytest.mark.parametrize("text", [
    "We group the patch embeddings with k-means and keep one token per cluster on each GPU.",
    "Our method builds semantic clusters of keys; clustering runs once per layer on the GPU.",
    "Cluster-Former splits long inputs into chunks across GPUs.",
])
def test_cluster_in_its_data_sense_is_no_hardware(text):
    assert [name for name, _ in hw(text) if "cluster" in name] == []


def test_a_gpu_cluster_also_names_gpus():
    assert hw("Our scheduler was evaluated on a 32-GPU cluster.") == [("GPU", "class"), ("GPU cluster", "class")]
    assert ("GPU cluster", "class") in hw("jobs that run on shared GPUs clusters")


def test_workstation_ampere_cards_keep_the_name_as_written():
    assert hw("Inference on one A5000 takes 40 ms.") == [("NVIDIA A5000", "specific")]
    assert hw("Inference on one RTX A5000 takes 40 ms.") == [("NVIDIA RTX A5000", "specific")]


# --- datasets ------------------------------------------------------------------------------------

def test_a_written_full_name_of_an_acronym_dataset_is_kept_without_the_acronym():
    text = "Models are compared after pre-training on the Colossal Clean Crawled Corpus for one epoch."
    assert extract_datasets(text) == ["Colossal Clean Crawled Corpus"]
    assert extract_datasets("Accuracy on the Street View House Numbers digits improves.") == \
        ["Street View House Numbers"]


def test_a_spelling_of_the_acronym_itself_is_not_a_full_name():
    assert extract_datasets("We pre-train on C4 before fine-tuning on GLUE.") == ["C4", "GLUE"]


def test_scores_in_parentheses_do_not_break_a_list_of_datasets():
    text = "It reaches new best accuracy on Cora (0.86) and Reddit (0.97) with half the memory."
    assert extract_datasets(text) == ["Cora", "Reddit"]


def test_a_capitalised_participle_before_dataset_is_no_name():
    assert extract_datasets("The network is calibrated on a Generated Dataset that mimics batch statistics.") == []
    assert extract_datasets("We release the Harbor dataset of ship images.") == ["Harbor"]


def test_a_model_name_blocks_its_variants_but_not_a_longer_dataset_name():
    assert extract_datasets("We fine-tune ResNet-50 and BERT-base on the Foxglove dataset.") == ["Foxglove"]
    assert extract_datasets("Pose error drops on the MPI-INF-3DHP and FooPose-3D datasets.") == \
        ["MPI-INF-3DHP", "FooPose-3D"]


def test_a_new_dataset_named_between_commas_after_a_singular_trigger():
    assert extract_datasets("We collect a new dataset, ShipTrack, of 8k harbour videos.") == ["ShipTrack"]
    assert extract_datasets("Across datasets, GPUs, and models, the method wins.") == []


def test_the_soc_edition_of_an_fpga_family_keeps_soc_in_its_name():
    assert hw("Peak throughput is reached on an Intel Arria 10 SoC FPGA board.") == \
        [("Intel Arria 10 SoC", "specific")]
    assert hw("It runs on an Intel Arria 10 FPGA.") == [("Intel Arria 10", "specific")]
