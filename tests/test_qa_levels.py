"""Entity levels in set questions, each over a small invented corpus: a product, a family (GPU
architecture, product line), a kind of hardware, a vendor; a model family and its sized variants; a
benchmark suite; baselines at a wider level; thresholds on a reported score or on "faster" claims."""

from __future__ import annotations

from setcorpus import P, entity_members

from agent.qa import quantities, thresholds
from agent.qa.vendors import baseline_covers, family_member, level_mentions

CORPUS = [
    P("v100", "Sparse kernels", "We evaluate the kernels on an NVIDIA V100 GPU and report a 2.1x speedup."),
    P("t4", "Serving on T4", "Our server runs on NVIDIA T4 GPUs with 35% lower latency."),
    P("a100", "Training at scale", "Experiments on 8 A100 GPUs show 1.7x faster training than Megatron."),
    P("rtx", "Desktop inference", "On a GeForce RTX 3090 our engine reaches 120 FPS."),
    P("titan", "Old cards", "We compare against a TITAN Xp GPU baseline."),
    P("ampere", "Architecture study", "We characterise tensor throughput on the Ampere architecture."),
    P("nano", "Edge boards", "The detector runs at 25 FPS on a Jetson Nano and a Raspberry Pi 4."),
    P("orin", "Robot perception", "We deploy the network on a Jetson AGX Orin in 12 ms."),
    P("xeon", "CPU inference", "Latency is measured on an Intel Xeon Gold 6248 CPU."),
    P("pixel", "Phone study", "Models run on a Google Pixel 4 phone in under 20 ms."),
]


def test_a_product_is_not_widened_to_its_family_or_vendor():
    assert entity_members("Which papers report results on an NVIDIA V100?", CORPUS) == {"v100"}
    assert entity_members("Which works deploy on the Jetson AGX Orin?", CORPUS) == {"orin"}
    assert entity_members("Which papers use a Jetson Orin?", CORPUS) == {"orin"}   # the line's AGX Orin, not all Jetsons


def test_a_gpu_architecture_lists_its_products_and_papers_naming_it():
    assert entity_members("Which papers run on Volta-generation GPUs?", CORPUS) == {"v100"}
    assert entity_members("Which papers measure on NVIDIA Turing GPUs (for example a T4)?", CORPUS) == {"t4"}
    # a paper naming the architecture counts as well as its products (A100, RTX 3090)
    assert entity_members("Which studies use GPUs of the Ampere generation?", CORPUS) == {"a100", "rtx", "ampere"}


def test_a_product_line_and_a_kind_of_hardware_list_their_members():
    assert entity_members("Which papers run on any Jetson board?", CORPUS) == {"nano", "orin"}
    assert entity_members("Which papers use GeForce RTX-class cards?", CORPUS) == {"rtx"}
    assert entity_members("Which papers evaluate on single-board computers such as a Raspberry Pi?", CORPUS) \
        == {"nano", "orin"}


def test_a_vendor_lists_every_product_of_the_vendor():
    assert entity_members("Which papers report measurements on Intel processors?", CORPUS) == {"xeon"}
    assert entity_members("Which papers measure on Google hardware?", CORPUS) == {"pixel"}


def test_the_level_a_question_asks_for_is_read_from_its_words():
    assert level_mentions("Which papers run on Ampere GPUs such as the A100?") == \
        [("Ampere GPUs such as the A100", "family:Ampere")]
    assert level_mentions("Which papers mention a Turing machine?") == []    # a common word, no hardware noun
    assert level_mentions("Which papers use a GeForce RTX 3090?") == []      # a product of the line
    assert family_member("Ampere", "NVIDIA RTX 3080 Ti") and not family_member("Ampere", "NVIDIA RTX 2080 Ti")


MODELS = [
    P("bertbase", "Pruning encoders", "We prune BERT-base and keep 99% of its GLUE score."),
    P("roberta", "Distilling", "Our student matches RoBERTa-large on SQuAD."),
    P("llama7", "Quantized LLMs", "We quantize LLaMA-2-7B and LLaMA-2-13B to 4 bits."),
    P("llama70", "Serving big models", "We serve Llama-3-70B on 8 GPUs."),
    P("vim", "Vision SSM", "PlainMamba-L3 reaches 81.7% top-1 accuracy on ImageNet."),
    P("vit", "Token pruning", "DeiT-S with our pruning keeps 79.8% accuracy on ImageNet."),
    P("derived", "Caching", "We propose LazyDiT, which skips redundant steps."),
]


def test_a_model_family_lists_every_variant_and_a_sized_variant_only_itself():
    assert entity_members("Which papers work with BERT models of any variant?", MODELS) == {"bertbase", "roberta"}
    assert entity_members("Which papers evaluate LLaMA models of any size?", MODELS) == {"llama7", "llama70"}
    assert entity_members("Which papers quantize LLaMA-2-13B?", MODELS) == {"llama7"}
    assert entity_members("Which papers study Mamba-style vision models?", MODELS) == {"vim"}
    assert entity_members("Which papers prune vision transformer backbones?", MODELS) == {"vit"}


def test_a_benchmark_suite_is_met_by_its_name():
    assert entity_members("Which papers report results on the GLUE benchmark?", MODELS) == {"bertbase"}


def test_a_baseline_at_a_wider_level_covers_its_products():
    assert baseline_covers("Volta GPUs", "NVIDIA V100 GPU")
    assert baseline_covers("a GPU", "NVIDIA Titan Xp")
    assert baseline_covers("Intel CPUs", "Intel Xeon 5220 CPU")
    assert not baseline_covers("a GPU", "Intel Xeon 5220 CPU")
    assert not baseline_covers("vLLM", "NVIDIA A100")


def test_a_percentage_bound_on_a_reported_score_reads_the_abstract():
    bound = quantities.find("Which papers report an ImageNet top-1 accuracy above 80%?")
    assert bound is not None and bound.kind == "score" and bound.metric == "accuracy"
    assert thresholds.find("Which papers report an ImageNet top-1 accuracy above 80%?") is None
    papers = {p.id: p for p in MODELS + [
        P("list", "Latency-aware NAS", "We reach 82.1%, 80% and 75% top-1 accuracy at 6 ms, 5 ms and 4 ms respectively."),
        P("delta", "Pruning", "We prune 85% of the weights with a 0.5% accuracy drop and a 90% reduction in FLOPs."),
        P("after", "Tiny nets", "The network reaches an accuracy of 81.5% with 2M parameters."),
    ]}
    assert set(quantities.members(papers, bound)) == {"vim", "list", "after"}
    # a change of the score, or a reduction of another quantity, is no reported score
    assert quantities.find("Which papers keep the accuracy loss under 1%?") is None or \
        quantities.find("Which papers keep the accuracy loss under 1%?").kind != "score"
    assert quantities.score_bound("Which papers reduce latency by more than 50%?") is None
    assert quantities.score_bound("Which papers reach at least 40% mAP on COCO?").metric == "mAP"
    assert quantities.score_bound("Which papers report 90% or higher accuracy?").inclusive


def test_a_speed_threshold_in_other_phrasings():
    for q in ("Which papers are more than 100 times faster than a baseline?",
              "Which papers report a speedup of at least 100x?",
              "Which papers claim 100x or more speedup?"):
        th = thresholds.find(q)
        assert th is not None and th.value == 100 and th.unit == "x", q
        assert thresholds.metrics_asked(q, None, th) == thresholds.SPEED_METRICS


SUITES = [
    P("glue", "Encoder pruning", "We keep 99% of the GLUE score."),
    P("tasks", "Sparse attention", "Results on SST-2, MNLI and QQP show a 2x speedup."),
    P("one", "Sentiment", "We fine-tune on SST-2 only."),
    P("lra", "Long sequences", "Our model solves ListOps and Path-X."),
]


def test_a_benchmark_suite_is_met_by_its_name_or_by_several_of_its_tasks():
    assert entity_members("Which papers report results on the GLUE benchmark?", SUITES) == {"glue", "tasks"}
    assert entity_members("Which papers evaluate on SST-2?", SUITES) == {"tasks", "one"}     # a task is not widened
    assert entity_members("Which papers report Long Range Arena results?", SUITES) == {"lra"}


def test_factor_thresholds_in_words_and_orders_of_magnitude():
    cases = {"Which papers are more than three times faster than a GPU?": (3, True),
             "Which papers speed up inference by over an order of magnitude?": (10, True),
             "Which papers report speedups of two orders of magnitude or more?": (100, False),
             "Which papers report more than a 2x reduction in memory?": (2, True),
             "Which papers cut energy by more than ten-fold?": (10, True)}
    for q, (value, strict) in cases.items():
        th = thresholds.find(q)
        assert th is not None and (th.value, th.unit, th.strict) == (value, "x", strict), q
    assert thresholds.find("Which papers report a 2.5x speedup over TVM?") is None    # a figure, no bound


def test_absolute_bounds_in_other_phrasings():
    cases = {"Which papers report latency of 10 ms or less?": ("time", 10, True, True),
             "Which papers report sub-10 ms latency?": ("time", 10, True, False),
             "Which papers report latency < 10 ms?": ("time", 10, True, False),
             "Which papers run in under a second?": ("time", 1000, True, False),
             "Which papers run at 30 FPS or more?": ("rate", 30, False, True),
             "Which papers run faster than 30 frames per second?": ("rate", 30, False, False),
             "Which papers generate more than 100 tokens per second?": ("token rate", 100, False, False),
             "Which papers need less than 5 mJ per inference?": ("energy", 5, True, False)}
    for q, want in cases.items():
        b = quantities.find(q)
        assert b is not None and (b.kind, b.value, b.upper, b.inclusive) == want, q
    papers = {"fast": P("fast", "Detector", "The detector runs at 45 FPS on a Jetson Nano."),
              "slow": P("slow", "Segmenter", "Segmentation runs at 12 FPS and draws 10 W.")}
    assert set(quantities.members(papers, quantities.find("Which papers run at 30 FPS or more?"))) == {"fast"}


def test_a_figure_after_faster_than_is_a_bound_not_a_baseline():
    from agent.qa import baselines

    assert baselines.asked("Which papers run faster than 30 frames per second?") is None
    assert baselines.asked("Which papers run faster than TensorRT?") == "TensorRT"


def test_a_software_baseline_in_another_spelling_or_by_a_member():
    from agent.qa.baselines import name_rx

    tflite = name_rx("TensorFlow-Lite")
    assert all(tflite.search(t) for t in ("compared with TFLite", "over TF Lite", "than TensorFlowLite"))
    assert not tflite.search("than TensorFlow")
    tvm = name_rx("TVM")
    assert tvm.search("outperforms Ansor by 1.5x") and not name_rx("Ansor").search("outperforms TVM")
    from agent.qa.baselines import without_citations

    # an example aside's dots do not end the comparing clause
    assert without_citations("better than GPUs (e.g., NVIDIA V100S) using vLLM") == "better than GPUs using vLLM"


def test_a_narrower_family_as_modifier_or_as_example_of_a_wider_kind():
    arm = [P("pi", "Pi", "We run on a Raspberry Pi 4 with a Cortex-A72 CPU."),
           P("mcu", "MCU", "On an STM32 board with a Cortex-M4 core."),
           P("esp", "ESP", "The model runs on an ESP32 microcontroller.")]
    assert entity_members("Which papers deploy on Cortex-M microcontrollers?", arm) == {"mcu"}
    assert entity_members("Which papers deploy on microcontrollers (e.g. a Cortex-M part)?", arm) == {"mcu", "esp"}
    assert entity_members("Which papers run on Arm Cortex-A CPUs?", arm) == {"pi"}
    assert family_member("Ampere", "NVIDIA RTX A6000")


def test_a_plural_names_the_family_and_a_wider_family_holds_the_narrower():
    nets = [P("r50", "CNN", "We prune ResNet-50 and ResNeXt-101."), P("mb", "Mobile", "MobileNetV2 runs in 8 ms."),
            P("s4", "Long", "S4 layers model long sequences."), P("vm", "Vision", "VMamba matches ViT accuracy.")]
    assert entity_members("Which papers report results on ResNets?", nets) == {"r50"}
    assert entity_members("Which papers build on state space models (SSMs) of any kind?", nets) == {"s4", "vm"}
    assert entity_members("Which papers use Mamba-style models?", nets) == {"vm"}


def test_a_model_family_in_a_parenthetical_gloss_is_no_constraint_of_its_own():
    from agent.qa.model_families import family_mentions

    assert family_mentions("Which papers accelerate diffusion models on a Transformer backbone (Diffusion Transformers, DiT)?") == []
    assert [f for _, f in family_mentions("Which papers study state space models (Mamba-style)?")] == ["state space model"]


def test_a_model_named_after_its_family_is_a_member():
    from agent.qa.model_families import meets_family

    assert meets_family("DiT", "We propose LazyDiT, which skips redundant steps.")
    assert meets_family("BERT", "TinyBERT is distilled.") and not meets_family("BERT", "Bertrand Russell")
