"""Datasets and hardware extraction (local engine) against hand-written LABELLING.md §2/§3 cases."""

from __future__ import annotations

import time

import pytest

from agent.engines.local.dataset_rules import dataset_gazetteer
from agent.engines.local.entities import extract_datasets, extract_hardware
from agent.engines.local.hardware_lexicon import hardware_gazetteer
from core.models import Hardware


def hw(text: str) -> list[tuple[str, str, str]]:
    return [(h.name, h.hw_class, h.level) for h in extract_hardware(text)]


def hw_names(text: str) -> list[str]:
    return [h.name for h in extract_hardware(text)]


# --- hardware: specific products and the NVIDIA naming rule -------------------------------------

@pytest.mark.parametrize("text, name", [
    ("on a Nvidia Tesla-V100", "NVIDIA V100"),
    ("on a single 2080Ti", "NVIDIA RTX 2080 Ti"),
    ("one RTX6000 takes 26.5 minutes", "NVIDIA RTX 6000"),
    ("trained on GeForce GTX 1080 Ti cards", "NVIDIA GTX 1080 Ti"),
    ("on TITAN Xp", "NVIDIA Titan Xp"),
    ("on eight A100s", "NVIDIA A100"),
    ("an NVIDIA Jetson AGX Xavier", "NVIDIA Jetson AGX Xavier"),
])
def test_nvidia_products_get_the_prefix_and_lose_tesla_and_geforce(text, name):
    assert hw_names(text) == [name]


def test_mobile_microarchitecture_keeps_mobile_gpu_and_is_class_mobile():
    assert hw("runs in real time on mobile Ampere GPUs") == [("NVIDIA Ampere mobile GPU", "mobile", "specific")]


def test_microarchitecture_needs_nvidia_or_a_gpu_noun():
    assert hw_names("NVIDIA Volta and Turing GPUs") == ["NVIDIA Volta", "NVIDIA Turing"]
    assert hw_names("a Turing machine evaluated on Pascal VOC") == []


@pytest.mark.parametrize("text, expected", [
    ("compared with Intel Xeon 5220 CPU", ("Intel Xeon 5220", "cpu")),
    ("over a Xeon CPU", ("Xeon", "cpu")),
    ("2.9 ms on a Samsung S8", ("Samsung S8", "mobile")),
    ("on a Samsung Galaxy S20", ("Samsung Galaxy S20", "mobile")),
    ("measured on Pixel 1", ("Pixel 1", "mobile")),
    ("a 1.4x speedup on an iPhone X", ("iPhone X", "mobile")),
    ("the original Sdcpp on M1 pro", ("M1 Pro", "cpu")),
    ("deployed on a OnePlus 12", ("OnePlus 12", "mobile")),
    ("on a Xilinx VCU1525 FPGA card", ("Xilinx VCU1525", "fpga")),
    ("like the Qualcomm QDSPs with HVX", ("Qualcomm QDSP", "accelerator")),
    ("mapped onto SpiNNaker 2", ("SpiNNaker 2", "accelerator")),
    ("an Nvidia Jetson TX2 GPU", ("NVIDIA Jetson TX2", "edge")),
    ("a Raspberry Pi 4", ("Raspberry Pi 4", "edge")),
    ("on Intel Loihi", ("Intel Loihi", "accelerator")),
    ("on Google TPUv3", ("Google TPU v3", "tpu")),
    ("on an Arm Cortex-A72", ("Arm Cortex-A72", "cpu")),
    ("on a Snapdragon 855", ("Snapdragon 855", "mobile")),
])
def test_other_vendors_are_kept_only_as_written_with_the_product_class(text, expected):
    assert hw(text) == [(*expected, "specific")]


def test_bare_model_numbers_count_only_next_to_a_product_or_gpu_noun():
    assert hw_names("GPUs (A100, RTX 6000, 4090, 3090)") == [
        "NVIDIA A100", "NVIDIA RTX 6000", "NVIDIA RTX 4090", "NVIDIA RTX 3090"]
    assert hw_names("a 4090 GPU") == ["NVIDIA RTX 4090"]
    assert hw_names("4090 images of 3090 classes") == []


# --- hardware: generic terms, the head-noun and apposition exceptions ----------------------------

def test_head_noun_of_a_specific_mention_gives_no_class_item():
    assert hw("energy savings compared to the NVIDIA V100 GPU") == [("NVIDIA V100", "gpu", "specific")]
    assert hw("on a Samsung S8 phone") == [("Samsung S8", "mobile", "specific")]


def test_term_in_apposition_to_a_product_gives_no_class_item():
    text = ("reduced by 36% and 46% on a server GPU (Nvidia Tesla-V100) and an edge device "
            "(Nvidia Jetson TX2 GPU) respectively")
    assert hw(text) == [("NVIDIA V100", "gpu", "specific"), ("NVIDIA Jetson TX2", "edge", "specific")]
    assert hw_names("commodity GPUs (A100, RTX 6000)") == ["NVIDIA A100", "NVIDIA RTX 6000"]
    assert hw_names("achieves 17 FPS using GPU on Samsung Galaxy S20") == ["Samsung Galaxy S20"]


def test_class_item_is_added_even_when_a_product_of_that_class_is_named_elsewhere():
    text = "on the multi-core processors (e.g. GPUs) ... on a server GPU (Nvidia Tesla-V100)"
    assert hw(text) == [("multi-core processor", "other", "class"), ("GPU", "gpu", "class"),
                        ("NVIDIA V100", "gpu", "specific")]


def test_vendor_qualified_generic_terms_lose_the_vendor():
    assert hw("1.5x lower latency on Arm CPU and on an Arm mobile-NPU") == [
        ("CPU", "cpu", "class"), ("mobile NPU", "mobile", "class")]
    assert hw_names("on two mainstream NVIDIA GPUs") == ["GPU"]


@pytest.mark.parametrize("text, item", [
    ("high GPU utilization", ("GPU", "gpu")),
    ("within 30 GPU-hours", ("GPU", "gpu")),
    ("inefficient dequantization on CUDA Cores", ("GPU", "gpu")),
    ("the throughput of Tensor Cores", ("GPU", "gpu")),
    ("on mobile GPUs", ("mobile GPU", "mobile")),
    ("leveraging CPU memory as a buffer", ("CPU", "cpu")),
    ("an FPGA-based design", ("FPGA", "fpga")),
    ("custom ASICs", ("ASIC", "asic")),
    ("needs 30 TPU-hours", ("TPU", "tpu")),
    ("a co-processor architecture", ("accelerator", "accelerator")),
    ("a systolic array", ("accelerator", "accelerator")),
    ("a Neural Processing Unit", ("NPU", "accelerator")),
    ("on DSPs", ("DSP", "accelerator")),
    ("on neuromorphic hardware", ("neuromorphic chip", "accelerator")),
    ("resource-limited platforms such as mobile devices", ("mobile device", "mobile")),
    ("a paired phone", ("mobile phone", "mobile")),
    ("on the smartphone", ("mobile phone", "mobile")),
    ("on resource-constrained edge-computing platforms", ("edge device", "edge")),
    ("on IoT devices", ("edge device", "edge")),
    ("a single earbud", ("earbud", "edge")),
    ("deployed in datacenters", ("datacenter", "datacenter")),
    ("the Redis database in public clouds", ("cloud", "datacenter")),
    ("training on GPU clusters", ("GPU cluster", "datacenter")),
    ("modern AI clusters", ("cluster", "datacenter")),
    ("on supercomputers", ("HPC system", "datacenter")),
    ("data centers, cloud platforms, and SoCs", ("SoC", "other")),
    ("silicon spin-qubit hardware", ("quantum processor", "other")),
])
def test_lexicon_terms_map_to_name_and_class(text, item):
    assert (*item, "class") in hw(text)


@pytest.mark.parametrize("text", [
    "Mobile monocular 3D object detection (e.g., on a vehicle, a drone, or a robot)",
    "registration of distant outdoor LiDAR point clouds and camera images with IMU data",
    "reduces DRAM access, PCIe traffic and texture memory use with a DIMM-based memory; DSP48 slices",
    "built on CUDA, TensorRT, Triton, vLLM, Llama.cpp and TVM",
    "model weights are sent to and from the server each round",
    "general-purpose hardware, commodity hardware and resource-constrained devices and platforms",
    "tokens are grouped into semantic clusters",
    "smart contracts on Ethereum",
])
def test_non_hardware_mentions_give_nothing(text):
    assert hw(text) == []


def test_hardware_items_in_order_of_first_mention_once_each():
    text = ("GPU virtual memory management; a CPU-GPU heterogeneous approach; 57GB of memory on the "
            "NVIDIA A100 GPU; GPUs again and another CPU")
    assert hw(text) == [("GPU", "gpu", "class"), ("CPU", "cpu", "class"), ("NVIDIA A100", "gpu", "specific")]


def test_hardware_returns_model_objects_with_the_json_alias():
    item = extract_hardware("on an NVIDIA A100")[0]
    assert isinstance(item, Hardware)
    assert item.to_json() == {"name": "NVIDIA A100", "class": "gpu", "level": "specific"}


# --- datasets ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("81.7% accuracy on the ImageNet classification task", ["ImageNet"]),
    ("on the ImageNet validation set and ILSVRC2012", ["ImageNet"]),
    ("COCO object detection and MS-COCO", ["COCO"]),
    ("semantic segmentation on ADE20k", ["ADE20K"]),
    ("perplexity on WikiText103 and Wikitext-103", ["WikiText-103"]),
    ("on long range arena tasks", ["Long Range Arena"]),
    ("on the KITTI 3D benchmark", ["KITTI"]),
    ("on CIFAR10 and CIFAR-100", ["CIFAR-10", "CIFAR-100"]),
    ("on CIFAR-10/100", ["CIFAR-10", "CIFAR-100"]),
])
def test_dataset_names_are_canonical_without_task_words(text, expected):
    assert extract_datasets(text) == expected


def test_versions_are_kept_and_replace_the_bare_name():
    assert extract_datasets("results on MultiWOZ 2.1") == ["MultiWOZ 2.1"]
    assert extract_datasets("the MLPerf 1.1 suite") == ["MLPerf 1.1"]
    assert extract_datasets("MultiWOZ is popular; on MultiWOZ 2.1 we gain") == ["MultiWOZ 2.1"]
    # issue 13: a stated variant is kept as written, not collapsed to the gazetteer's spelling
    assert extract_datasets("on SQuAD and on SQuAD v1.1") == ["SQuAD v1.1"]
    assert extract_datasets("improves GLUE by 1.5 points") == ["GLUE"]


def test_dataset_variants_are_kept_as_written():
    """Invented sentences of the shapes the dev-ext abstracts showed (issue 13)."""
    assert extract_datasets("top-1 accuracy on ImageNet-1K improves while ImageNet-1K latency drops") == ["ImageNet-1K"]
    assert extract_datasets("answers on SQuAD v2.0 and SQuAD v1.1 question sets") == ["SQuAD v2.0", "SQuAD v1.1"]
    assert extract_datasets("BLEU on the WMT 2016 English-to-Romanian task rises") == ["WMT 2016 English-to-Romanian"]
    # another spelling of a known name, alone in the abstract, is kept as written (round 5, second pass)
    assert extract_datasets("scores on WMT14 En-De and on ILSVRC2012") == ["WMT14 En-De", "ILSVRC2012"]
    assert extract_datasets("MSCOCO detection results") == ["COCO"]
    # round 3: a year in its own spelling, and a family name extended with an edition, stay as written
    assert extract_datasets("BLEU on the WMT'17 news task and on CIFAR10 images") == ["WMT'17", "CIFAR-10"]
    assert extract_datasets("accuracy on the ImageNet ILSVRC-2012 validation images") == ["ImageNet ILSVRC-2012"]


def test_derived_names_numeric_compounds_and_task_acronyms():
    assert extract_datasets("arrhythmia labels from PTB-XL recordings") == ["PTB-XL"]
    assert extract_datasets("we pretrain on a 300B-token corpus of web text") == []
    assert extract_datasets("fast low-light image enhancement (LOL) models beat baselines") == []
    assert extract_datasets("results on the LOL dataset improve") == ["LOL"]


def test_full_name_wins_over_acronym():
    assert extract_datasets("on the Schema-Guided Dialogue (SGD) dataset") == ["Schema-Guided Dialogue"]
    assert extract_datasets("the Long Range Arena (LRA) benchmark; LRA results") == ["Long Range Arena"]
    assert extract_datasets("the Stanford Sentiment Treebank (SST-2)") == ["Stanford Sentiment Treebank"]


def test_derived_benchmarks_stay_distinct():
    text = "on KITTI and nuScenes datasets ... by 7.1% on LoKITTI and 4.6% on LoNuScenes"
    assert extract_datasets(text) == ["KITTI", "nuScenes", "LoKITTI", "LoNuScenes"]
    assert extract_datasets("ImageNet and ImageNet-C") == ["ImageNet", "ImageNet-C"]


@pytest.mark.parametrize("text, expected", [
    ("baseline methods on DoTA and UCF-Crime datasets", ["DoTA", "UCF-Crime"]),
    ("experiments on the Zorblax dataset", ["Zorblax"]),
    ("we evaluate on the FooQA and BarNLI benchmarks", ["FooQA", "BarNLI"]),
    ("benchmarks such as Quux-7 and Frob2", ["Quux-7", "Frob2"]),
    ("we introduce HydraBench, a suite of 50 tasks", ["HydraBench"]),
    ("we release WidgetQA, a large-scale dataset for widgets", ["WidgetQA"]),
    ("a new driving dataset DIVA is collected", ["DIVA"]),
    ("the winning solution of the 3rd Low Power Computer Vision Challenge (LPCVC)",
     ["Low Power Computer Vision Challenge"]),
    ("named tasks such as Path256 and Path-X", ["Path256", "Path-X"]),
    ("on KernelBench and the MLPerf suite", ["KernelBench", "MLPerf"]),
])
def test_unseen_and_suite_names_are_found_from_context(text, expected):
    assert extract_datasets(text) == expected


@pytest.mark.parametrize("text", [
    "Extensive experiments on two real-world datasets show gains",
    "improves efficiency on HPC datasets",
    "Extensive experiments on 30 benchmarks show that",
    "on image classification, object detection and instance segmentation",
    "Extensive experiments on both NLP and CV benchmarks demonstrate",
    "without the original datasets under privacy-sensitive scenarios",
    "evaluated on three IMU datasets collected from phones",
    "across various benchmarks and datasets",
])
def test_generic_phrases_are_not_datasets(text):
    assert extract_datasets(text) == []


@pytest.mark.parametrize("text", [
    "the latency of a ResNet-101 on BERT-base and LLaMA-7B with YOLOv4 and DeiT-T",
    "frameworks TensorFlow and PyTorch, compiled by TVM, simulated in MetaDrive",
    "lists of books on Goodreads, smart contracts on Ethereum, the Redis database, Google",
    "compared with SpAtten, H2O, vLLM, GOBO and MnasNet",
    "image quality (PSNR, FID, CLIP Score)",
    "posts collected from Reddit and Twitter",
])
def test_models_methods_software_platforms_and_metrics_are_not_datasets(text):
    assert extract_datasets(text) == []


def test_ambiguous_platform_names_count_next_to_dataset_words():
    assert extract_datasets("on the Reddit and Yelp datasets") == ["Reddit", "Yelp"]
    assert extract_datasets("on Cora, Citeseer and PubMed") == ["Cora", "Citeseer", "PubMed"]


def test_datasets_in_order_of_first_mention_once_each():
    text = "We train on COCO, test on KITTI, then report COCO and ImageNet-pretrained KITTI results."
    assert extract_datasets(text) == ["COCO", "KITTI", "ImageNet"]


# --- robustness and data -------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["", "   \n\t", None, 42, b"bytes"])
def test_bad_input_gives_empty_lists(bad):
    assert extract_datasets(bad) == []  # type: ignore[arg-type]
    assert extract_hardware(bad) == []  # type: ignore[arg-type]


def test_non_english_and_odd_characters_do_not_crash():
    text = ("我们在 ImageNet 数据集上评估了该方法，并在 NVIDIA A100 GPU 上测得 2.1 倍加速。"
            " Ünïcödé ✓ 🚀 \x00 \u200b $\\times$ (((( ]]] ?*+")
    assert extract_datasets(text) == ["ImageNet"]
    assert hw_names(text) == ["NVIDIA A100"]


def test_one_megabyte_text_is_handled_quickly():
    chunk = ("We evaluate on the KITTI dataset with an NVIDIA V100 GPU and edge devices. "
             "Results on 30 benchmarks (A100, 4090) and real-world datasets. ")
    text = chunk * (1_000_000 // len(chunk))
    started = time.process_time()  # CPU time, not wall time: robust on a loaded machine
    datasets, hardware = extract_datasets(text), extract_hardware(text)
    assert time.process_time() - started < 30
    assert datasets == ["KITTI"]
    assert [h.name for h in hardware] == ["NVIDIA V100", "edge device", "NVIDIA A100", "NVIDIA RTX 4090"]


def test_gazetteers_are_broad_and_load_without_alias_conflicts():
    datasets = {alias.canonical for alias in dataset_gazetteer().strong_keys.values()}
    assert len(datasets) >= 500
    gazetteer = hardware_gazetteer()
    products = {p.product.canonical for p in [*gazetteer.products._payloads.values(),
                                               *gazetteer.families._payloads.values()]}
    assert len(products) >= 300


def test_a_modifier_before_a_slash_pair_distributes_to_the_second_term():
    # invented: "mobile CPU/GPU" names a mobile GPU (LABELLING §3 lexicon), the CPU stays a CPU
    names = [h.name for h in extract_hardware("Inference is limited by the weak mobile CPU/GPU of the handset.")]
    assert "mobile GPU" in names and "GPU" not in names and "CPU" in names
    assert [h.name for h in extract_hardware("We compare server CPU and NPU backends.")] == ["CPU", "NPU"]


def test_hardware_names_keep_written_variants_round3():
    """Invented sentences of the shapes the dev-ext abstracts showed (issue 13, round 3)."""
    names = lambda text: [h.name for h in extract_hardware(text)]  # noqa: E731
    # a hyphen-joined variant is part of the name as written
    assert names("latency measured on a Raspberry Pi-3 board") == ["Raspberry Pi-3"]
    assert names("fits on one H100-94GB accelerator card")[0] == "NVIDIA H100-94GB"
    # family and model written side by side are one product
    assert names("we deploy it on an Nvidia Jetson Tegra X1 module") == ["NVIDIA Jetson Tegra X1"]
    # further model numbers listed after a family name, with or without parentheses
    assert names("tested on STM32 F4, L4 and G0 boards") == ["STM32 F4", "STM32 L4", "STM32 G0"]
    assert names("profiled on two STM32 devices (F7 and H5).") == ["STM32 F7", "STM32 H5"]


def test_hardware_vendor_possessive_bare_repeat_and_distributed_head():
    names = lambda text: [h.name for h in extract_hardware(text)]  # noqa: E731
    # "Intel's X" names Intel X, and a later bare "X" is the same product
    assert names("we port it to Intel's Loihi 2 chip; later runs on Loihi 2 are 3x faster")[0] == "Intel Loihi 2"
    assert "Loihi 2" not in names("we port it to Intel's Loihi 2 chip; later runs on Loihi 2 are 3x faster")
    # "mobile or server platforms": the head distributes to the first modifier
    assert names("models too heavy for mobile or desktop platforms") == ["mobile device"]
