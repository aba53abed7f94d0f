"""Roles of a set question's words (agent/qa/set_words.py, agent/qa/baselines.py, agent/qa/router.py):
a framing verb is no concept, a baseline name matches its other spellings and reads through
citations, and "GPU code" is no GPU filter. Invented papers and question wordings, not the fixtures'."""

from __future__ import annotations

from agent.qa import baselines
from agent.qa import set_concepts as sc
from agent.qa.router import route, vocabulary
from agent.qa.set_words import frame_verb
from agent.qa.term_index import build_index

from setcorpus import P
from setcorpus import members as set_members


PAPERS = [
    P("sp1", "Spiking Chips for Keyword Spotting", "We map a keyword model to spiking chips. Spiking chips save energy. "
      "We discuss the limits of the approach."),
    P("sp2", "A Survey of Event Cameras", "Event cameras pair well with spiking chips; we discuss why."),
    P("pr1", "Prune Transformers Early", "We prune transformers at initialisation and discuss the accuracy."),
    P("pr2", "How to Prune Convolutional Networks", "We prune filters of convolutional networks."),
    P("pr3", "Prune Once, Deploy Anywhere", "A method to prune transformers once; we prune transformers for many devices."),
    P("tf1", "Cache Tuning for Transformers", "Transformers run faster with our cache; we discuss results."),
] + [P(f"x{i}", f"Unrelated paper {i}", "We study databases, discuss compilers and tune queries.") for i in range(8)]
INDEX = build_index(PAPERS)


def members(question: str) -> set[str]:
    return set_members(question, INDEX)


def test_a_verb_no_title_uses_frames_the_question_and_is_no_concept():
    assert frame_verb("Which papers discuss spiking chips?", INDEX) is not None
    concepts = sc.read("Which papers discuss spiking chips?", INDEX)
    assert concepts.subject.phrases[0] == tuple(sc.stream("spiking chips"))
    assert all("discuss" not in g.surface for g in concepts.qualifiers)
    assert members("Which papers discuss spiking chips?") == {"sp1"}     # sp2 names them once, in passing


def test_a_verb_titles_use_names_a_method_and_stays_a_concept():
    assert frame_verb("Which papers prune transformers?", INDEX) is None
    assert members("Which papers prune transformers?") == {"pr1", "pr3"}


def test_a_verb_alone_in_the_question_is_kept():
    assert frame_verb("Which papers discuss?", INDEX) is None


def test_a_baseline_name_matches_its_hyphen_space_and_joined_spellings():
    rx = baselines.name_rx("TensorFlow-Lite")
    assert all(rx.search(t) for t in ("TensorFlow Lite", "tensorflowlite", "Tensorflow-lite"))
    assert not rx.search("TensorFlow 2") and not rx.search("TensorFlow-Lite-Micro-ish"[:10])
    assert baselines.name_rx("Foo Bar").search("FooBar")


def test_a_baseline_question_may_say_what_is_compared_before_the_name():
    assert baselines.asked("Which papers compare the speed of their framework against Foo-Lite?") == "Foo-Lite"
    assert baselines.asked("Which papers compare their throughput against BarServe?") == "BarServe"
    assert baselines.asked("Which papers compare against existing systems?") is None


def test_an_author_year_citation_does_not_part_a_comparison_from_its_system():
    sent = ("Our models perform competitively against a strong Transformer baseline (Smith et al., 2021) "
            "as well as Zeta (Doe & Roe, 2023), a recent model.")
    stated = baselines.re.compile(rf"\b(?:{baselines._CUE})\s+[^.;:]{{0,80}}?(?:{baselines.name_rx('Zeta').pattern})",
                                  baselines.re.I)
    assert not stated.search(sent)
    assert stated.search(baselines.without_citations(sent))
    assert baselines.without_citations("We beat X (ours, v2).") == "We beat X (ours, v2)."   # no author-year


def test_code_for_a_kind_of_hardware_is_no_hardware_filter():
    vocab = vocabulary()
    kinds = lambda q: {f.kind for f in route(q, vocab).facets}     # noqa: E731
    assert "hardware_class" not in kinds("Which papers get language models to write GPU code?")
    assert "hardware_class" not in kinds("Which papers generate FPGA programs from C?")
    assert "hardware_class" in kinds("Which papers run inference on GPUs?")


def test_a_verb_the_question_spells_as_an_alternative_is_kept():
    assert frame_verb("Which papers discuss or survey spiking chips?", INDEX) is None


def test_use_or_build_on_asks_for_use_so_one_mention_counts():
    # "use or build on" is cut from the text as free words; it still says one mention is enough
    assert sc.read("Which papers use or build on spiking chips?", INDEX).usage
    assert members("Which papers use or build on spiking chips?") == {"sp1", "sp2"}


def test_a_baseline_family_matches_a_version_with_a_size_and_a_comparison_with_words_between():
    rx = baselines.name_rx("ZetaNet")
    assert rx.search("2.4x smaller than ZetaNetV2-1.3") and rx.search("ZetaNet-V3-Large")
    stated = baselines.re.compile(rf"\b(?:{baselines._CUE})\s+[^.;:]{{0,80}}?(?:{rx.pattern})", baselines.re.I)
    assert stated.search("Ours reaches 6.4% higher accuracy than ZetaNetV2.")
    assert not stated.search("We build on ZetaNetV2 blocks.")


def test_a_class_word_before_another_names_the_narrower_class():
    vocab = vocabulary()
    facets = lambda q: [(f.kind, f.value) for f in route(q, vocab).facets]     # noqa: E731
    assert facets("Which papers run on smartphones or phone GPUs?") == [("hardware_class", "mobile")]
    assert sorted(facets("Which papers run on GPUs or FPGAs?")) == [("hardware_class", "fpga"), ("hardware_class", "gpu")]


def test_a_threshold_applies_to_every_metric_the_question_lists():
    from agent.qa import thresholds

    q = "Which papers cut latency, tail latency or energy by more than 40%?"
    th = thresholds.find(q)
    assert thresholds.named_metrics(q) == ["latency", "tail latency", "energy"]
    assert set(thresholds.metrics_asked(q, "tail latency", th)) == {"latency", "tail latency", "energy"}
    # a metric word inside a longer metric's phrase names no metric of its own
    assert thresholds.named_metrics("Which papers cut tail latency by more than 40%?") == ["tail latency"]
