"""Questions answered from the claims tables and from the paper a question names, on a small invented
corpus (systems, numbers and baselines made up for these tests; nothing from the QA fixtures):

- a question naming a system answers from the paper that introduces it, not from one that beats it;
- "more than N x / at least N %" set questions filter the claims table by value (and metric);
- "which papers compare against X" lists the papers whose claims have X as their baseline;
- a numeric question naming a baseline quotes the claim against that baseline;
- a hardware product no paper uses is `missing`; a question whose facts an abstract states is answered.
"""

from __future__ import annotations

from ask_corpus import ask_in as _ask, corpus_fixtures, short_titles as _titles

PAPERS = [
    ("QuillNet: Sparse Token Pruning for Attention Accelerators", "2022-03-01", "cs.AR",
     "Attention is expensive on long sequences. We present QuillNet, an algorithm-architecture co-design that "
     "prunes unimportant tokens and heads on the fly. On twelve benchmarks QuillNet achieves 41x speedup and "
     "consumes 960x less energy than an Intel Xeon server processor."),
    ("FernAccel: Approximate Attention with Hashing", "2023-05-01", "cs.AR",
     "We propose FernAccel, a hashing-based approximate attention accelerator. Compared with the QuillNet "
     "accelerator, FernAccel achieves 1.7x speedup and 1.5x higher energy efficiency. It reports 120x speedup "
     "and 400x energy savings over the Xeon CPU on text classification."),
    ("Lumen Forest: Learning Oblique Trees as Vision Backbones", "2024-01-10", "cs.CV",
     "We propose a vision backbone built from oblique decision trees, called LuF. On ImageNet, LuF matches "
     "the accuracy of ResNet-50 while being 2.6x faster than ResNet-50 on a mobile CPU."),
    ("Tarnview: Real-Time Detection on Phones by Compiler Co-Design", "2021-07-01", "cs.CV",
     "We propose Tarnview, a compression-compilation co-design for object detection on phones. Pruning "
     "compresses HawkDet 12x, so Tarnview runs faster, at 21 FPS on a Samsung Galaxy S21. "
     "Tarnview outperforms the original HawkDet by 4.5x speedup with the same accuracy."),
    ("Pallas Serve: Paged Prefix Sharing for LLM Serving", "2024-06-01", "cs.DC",
     "Serving large language models wastes memory on duplicated prefixes. We present Pallas Serve, which "
     "shares KV cache pages across requests. Pallas Serve improves throughput by 2.4x compared to vLLM "
     "and reduces time-to-first-token latency by 35% on chat workloads."),
    ("Marlowe: Fair Scheduling of LLM Agent Programs", "2024-08-01", "cs.DC",
     "LLM applications issue many dependent calls. We present Marlowe, a scheduler for LLM applications "
     "that orders them by memory-centric service cost. We have implemented Marlowe atop vLLM, and it "
     "reduces average completion time of applications by 28% while keeping fairness."),
    ("Sparrow: Fine-tuning Language Models on Phones", "2025-02-01", "cs.LG",
     "Fine-tuning on device keeps user data private but needs too much memory. We present Sparrow, a "
     "zeroth-order quantized fine-tuning method. Sparrow fine-tunes a 13B model on a single 8GB GPU, and even "
     "allows fine-tuning a 2.7B model on a Pixel 9 smartphone."),
    ("Denoise Lite: Fast Diffusion Sampling on Consumer GPUs", "2023-09-01", "cs.CV",
     "We present Denoise Lite, a step-distillation method for diffusion models. It generates 512x512 images "
     "in 0.9 seconds on an NVIDIA RTX 2080 Ti, 6x faster than the 50-step sampler, at similar FID."),
]


corpus_home, env = corpus_fixtures(PAPERS, "claims-corpus")


# -- 1. the paper a question names ------------------------------------------------------------------
def test_a_named_system_is_answered_from_its_own_paper_not_from_one_beating_it(env):
    ans = _ask(env, "What energy savings does QuillNet report over the Xeon CPU?")
    assert ans.confidence == "answer" and _titles(ans)[0] == "QuillNet", ans.answer
    assert "960x" in ans.answer


def test_a_named_system_whose_abstract_lacks_the_asked_metric_is_the_closest_answer(env):
    ans = _ask(env, "What memory footprint reduction does QuillNet report?")
    assert ans.confidence == "closest" and ans.missing == ["memory"], ans.answer
    assert _titles(ans)[0] == "QuillNet"


def test_a_title_head_of_common_words_names_its_paper_and_counts_as_its_text(env):
    ans = _ask(env, "How much faster is Lumen Forest than ResNet-50?")
    assert ans.confidence == "answer" and _titles(ans)[0] == "Lumen Forest", ans.answer
    assert "2.6x" in ans.answer


# -- 2. value thresholds ----------------------------------------------------------------------------
def test_a_speedup_threshold_filters_the_claims_table_and_prints_the_filter(env):
    ans = _ask(env, "Which papers achieve more than 10x speedup?")
    assert ans.confidence == "answer", ans.answer
    assert sorted(_titles(ans)) == ["FernAccel", "QuillNet"]        # 120x and 41x; Tarnview's 12x is compression
    assert "> 10x" in ans.answer.splitlines()[0]
    ans = _ask(env, "Which papers achieve more than 500x speedup?")
    assert ans.insufficient and ans.missing == ["more than 500x"], ans.answer


def test_a_percent_threshold_with_a_metric_keeps_only_that_metric(env):
    ans = _ask(env, "Which papers reduce latency by at least 30%?")
    assert _titles(ans) == ["Pallas Serve"], ans.answer                # 28% completion time is below it
    assert ">= 30%" in ans.answer.splitlines()[0]


def test_a_ratio_threshold_naming_throughput_does_not_admit_plain_speedups(env):
    """Only Pallas Serve states a throughput gain (2.4x); the 41x/120x/4.5x/2.6x claims are speedups."""
    ans = _ask(env, "Which papers report at least 2x higher throughput?")
    assert _titles(ans) == ["Pallas Serve"], ans.answer
    assert "throughput >= 2x" in ans.answer.splitlines()[0]


# -- 3. baselines -----------------------------------------------------------------------------------
def test_compare_against_lists_papers_with_that_baseline_not_those_built_atop_it(env):
    ans = _ask(env, "Which papers compare against vLLM?")
    assert _titles(ans) == ["Pallas Serve"], ans.answer              # Marlowe is only implemented atop vLLM
    assert "baseline=vLLM" in ans.answer.splitlines()[0]
    ans = _ask(env, "Which papers outperform QuillNet?")
    assert _titles(ans) == ["FernAccel"], ans.answer
    ans = _ask(env, "Which papers outperform TensorFlow Lite?")
    assert ans.insufficient and ans.missing == ["TensorFlow Lite"], ans.answer


def test_use_or_compare_against_lists_every_paper_naming_the_baseline(env):
    # the comparison is one of several ways of using vLLM: Marlowe, built atop it, belongs too
    ans = _ask(env, "Which papers build on, extend or compare against vLLM?")
    assert _titles(ans) == ["Marlowe", "Pallas Serve"], ans.answer
    ans = _ask(env, "Which papers use or compare against the vLLM serving engine?")
    assert _titles(ans) == ["Marlowe", "Pallas Serve"], ans.answer


def test_a_baseline_is_read_without_its_owner_and_class_noun():
    from agent.qa import baselines

    assert baselines.asked("Which papers compare against the QuillNet attention accelerator?") == "QuillNet"
    assert baselines.asked("Which papers outperform Acme's FooRT inference library?") == "FooRT"
    assert baselines.asked("Which papers compare against an Intel Xeon server CPU?") == "Intel Xeon server CPU"
    assert baselines.any_use("Which papers run, prune or compare against FooNet?")
    assert not baselines.any_use("Which papers compare against FooNet?")
    assert not baselines.any_use("Which papers use FooNet as a baseline?")
    assert baselines.asked("Which papers compare against, or discuss, Acme's FooRT engine?") == "FooRT"
    assert baselines.any_use("Which papers compare against, or discuss, Acme's FooRT engine?")


def test_a_family_name_covers_its_hyphenated_variants_not_a_compound():
    from agent.qa import baselines

    rx = baselines.name_rx("FooNet")
    assert rx.search("FooNet-T runs at 20 ms") and rx.search("unlike FooNet-Small")
    assert not rx.search("a FooNet-based detector")


# -- 4. the claim against the baseline the question names ---------------------------------------------
def test_a_numeric_answer_quotes_the_claim_against_the_named_baseline(env):
    ans = _ask(env, "How much faster is Tarnview than HawkDet?")
    assert ans.confidence == "answer" and _titles(ans) == ["Tarnview"], ans.answer
    assert "HawkDet" in ans.citations[0].support and "4.5x" in ans.answer
    assert "FPS" not in ans.citations[0].support


# -- 5./6. constraints: an unmet hardware version declines; stated facts answer --------------------
def test_a_hardware_family_with_a_version_no_paper_uses_is_missing(env):
    for question, surface in (("What is the best way to train a diffusion model on TPUs v5?", "TPUs v5"),
                              ("How do I speed up diffusion sampling on TPUv4 chips?", "TPUv4")):
        ans = _ask(env, question)
        assert ans.insufficient and ans.confidence != "answer", ans.answer
        assert ans.missing == [surface], ans.missing


def test_a_paper_stating_every_fact_asked_is_the_answer(env):
    ans = _ask(env, "Which paper lets me fine-tune a 2.7B model on a smartphone?")
    assert ans.confidence == "answer" and _titles(ans)[0] == "Sparrow", ans.answer
    ans = _ask(env, "Which paper lets me fine-tune a 70B model on a smartphone?")
    assert ans.insufficient and ans.missing == ["70B model"], ans.answer


def test_a_sized_model_is_a_constraint_and_meeting_every_named_fact_answers():
    from types import SimpleNamespace

    from agent.qa.constraints import Constraint, size_mentions
    from agent.qa.lookup_pick import states_every_fact

    assert size_mentions("fine-tune a 2.7B model on a phone") == [("2.7B model", "2.7b")]
    assert size_mentions("serve a 70B LLM") == [("70B LLM", "70b")]
    size = Constraint("model", "2.7B model", "* 2.7b")
    sure = SimpleNamespace(features={"coverage": 1.0})
    assert states_every_fact([size], [], sure)
    assert not states_every_fact([size], [size], sure)                       # the size is not met
    assert not states_every_fact([], [], sure)                               # nothing specific was asked
    assert not states_every_fact([size], [], SimpleNamespace(features={"coverage": 0.6}))


def test_a_respectively_list_states_the_figure_of_the_named_item():
    from types import SimpleNamespace

    from agent.qa.closest import asked_figure

    stats = SimpleNamespace(idf=lambda term: 1.0)
    sent = ("On average Kestrel achieves 2.5x, 9.0x, 70x speedup and 3.1x, 12x, 500x energy savings over "
            "the Falcon accelerator, a Jetson board, an ARM CPU, respectively.")
    assert asked_figure(sent, "What energy savings does Kestrel report over the ARM CPU?", stats) == "500x"
    assert asked_figure(sent, "What speedup does Kestrel get over a Jetson board?", stats) == "9.0x"
    assert asked_figure(sent, "What does Kestrel report over the ARM CPU?", stats) is None   # which run: unclear
