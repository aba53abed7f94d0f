"""Answers about one paper a new user asks for (issue 12, round 5): a figure that ends a range is not
stated alone; an entity asked for (GPU, dataset, baseline) is named or reported missing; authors come
from the store; an unknown system name is the only missing constraint when the rest is covered.
Sentences and names are invented; corpus tests use the small test corpus (tests/qa_support.py)."""

from __future__ import annotations

from types import SimpleNamespace

from qa_support import qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from agent.qa import ask
from agent.qa.closest import asked_figure

STATS = SimpleNamespace(idf=lambda t: 1.0)


def test_a_figure_that_ends_a_range_is_not_stated_alone():
    for sent in ("FooServe speeds up prefill by up to 3.1x and decoding by 1.4-2.2x over BarLLM.",
                 "FooServe speeds up prefill by up to 3.1x and decoding by 1.4 to 2.2x over BarLLM.",
                 "FooServe speeds up prefill by up to 3.1x and decoding by 1.4x–2.2x over BarLLM.",
                 ):
        assert asked_figure(sent, "How much does FooServe speed up decoding?", STATS, "FooServe") is None, sent
    sent = "FooServe speeds up prefill by up to 3.1x and decoding by 1.4-2.2x over BarLLM."
    assert asked_figure(sent, "How much does FooServe speed up prefill?", STATS, "FooServe") == "3.1x"
    # a change "from A to B" is no range: B is the new value
    assert asked_figure("Peak memory drops from 42GB to 11GB.", "What peak memory, from 42GB?", STATS) == "11GB"


def test_an_entity_question_reads_the_asked_kind_and_level():
    from agent.qa.asked_entity import asked_kind, entities, unmet

    assert asked_kind("What GPU was FooNet evaluated on?") == ("GPU", "gpu")
    assert asked_kind("Which datasets does FooNet use?") == ("datasets", "dataset")
    assert asked_kind("Which papers report results on an A100 GPU?") is None
    assert asked_kind("What speedup does FooNet get on GPUs?") is None
    class_only = {"hardware": [{"name": "GPU", "class": "gpu", "level": "class"}]}
    assert [c.surface for c in unmet("What GPU was FooNet evaluated on?", class_only)] == ["GPU"]
    assert entities("hardware", class_only) == ["GPU"]      # "what hardware": the class word answers
    product = {"hardware": [{"name": "NVIDIA A100", "class": "gpu", "level": "specific"},
                            {"name": "Intel Xeon", "class": "cpu", "level": "specific"}]}
    assert entities("gpu", product) == ["NVIDIA A100"] and not unmet("Which GPU did FooNet use?", product)
    claims = {"speedups": [{"baseline": "BarKernel"}, {"baseline": "BarKernel"}, {"baseline": None}]}
    assert entities("baseline", claims) == ["BarKernel"]


def test_a_gpu_question_about_a_paper_naming_no_gpu_is_closest_with_gpu_missing(qa_settings, qa_store):
    ans = ask("Which GPU did Harli run its experiments on?", qa_settings, store=qa_store)
    assert ans.confidence == "closest" and ans.missing == ["GPU"], ans.answer
    assert ans.citations and "Harli" in ans.citations[0].title


def test_a_dataset_question_is_answered_with_the_dataset(qa_settings, qa_store):
    ans = ask("Which dataset does MonoATT evaluate on?", qa_settings, store=qa_store)
    assert ans.confidence == "answer" and "names dataset: KITTI" in ans.answer, ans.answer


def test_who_wrote_a_paper_is_answered_with_its_stored_authors(qa_settings, qa_store):
    paper = qa_store.get_many([ref_id(qa_store, "000_8528321f52109f11.txt#0")])[0]
    head = paper.title.split(":")[0]
    for q in (f"Who wrote {head}?", f"Who are the authors of {head}?"):
        ans = ask(q, qa_settings, store=qa_store)
        assert ans.confidence == "answer", ans.answer
        assert paper.authors and all(a in ans.answer for a in paper.authors), ans.answer


def test_an_unknown_system_on_a_known_dataset_misses_only_the_name(qa_settings, qa_store):
    from qa_support import KITTI

    ans = ask("How accurate is WombatDet on KITTI?", qa_settings, store=qa_store)
    assert ans.confidence == "closest" and ans.missing == ["WombatDet"], (ans.missing, ans.answer)
    kitti = {ref_id(qa_store, k) for k in KITTI}
    assert ans.citations and all(c.id in kitti for c in ans.citations), ans.answer


def test_a_plain_what_speedup_states_the_largest_up_to_figure():
    sent = "Results show that FooGEMM achieves up to 2.7x speedup over prior kernels and up to 5.1x end-to-end speedup."
    assert asked_figure(sent, "What speedup does FooGEMM achieve?", STATS, "FooGEMM: fast kernels") == "5.1x"
    # figures that are not each an "up to" maximum: nothing is stated
    sent = "FooGEMM achieves 2.7x speedup over prior kernels and 5.1x end-to-end speedup."
    assert asked_figure(sent, "What speedup does FooGEMM achieve?", STATS, "FooGEMM: fast kernels") is None


def test_a_lay_word_with_a_technical_sense_in_the_corpus_is_not_unknown():
    from agent.qa.answerability import unknown_terms, uncovered_phrase
    from agent.qa.closest import lay_paraphrase
    from agent.qa.text import term_set

    stats = SimpleNamespace(df={"llm": 9, "serv": 5, "slow": 2, "weather": 0}, vocab=("llm", "serving", "slow"),
                            idf=lambda t: 1.0)
    q = "My chatbot is slow"
    assert "chatbot" not in unknown_terms(q, term_set(q), stats)
    q = "My weather is slow"
    assert unknown_terms(q, term_set(q), stats) == {"weather"}     # no lay sense: still unknown
    doc = "FooServe is an LLM serving system."
    assert uncovered_phrase("Is my chatbot's server quick?", doc, stats) != "chatbot's"
    assert lay_paraphrase("my chatbot's replies lag", doc, stats)
    assert not lay_paraphrase("my weather model lags", doc, stats)


def test_a_chatbot_paraphrase_does_not_report_chatbot_missing(qa_settings, qa_store):
    ans = ask("Why does my chatbot take forever to start replying when I paste a whole book into it?",
              qa_settings, store=qa_store)
    assert not any("chatbot" in m.lower() for m in ans.missing), ans.missing


def test_what_about_a_subject_asks_for_its_papers():
    from agent.qa.router import route, vocabulary

    vocab = vocabulary()
    for q in ("What about quantization?", "And what about knowledge distillation?", "Anything on pruning?"):
        assert route(q, vocab).kind == "set", q
    assert route("What about quantization makes LLM serving hard?", vocab).kind != "set"


def test_what_about_a_topic_under_a_year_filter_lists_that_years_papers(qa_settings, qa_store):
    from store.papers import PaperFilter

    years = sorted(p.year for p in qa_store.all() if p.year)
    flt = PaperFilter(year=f">={years[len(years) // 2]}")
    ans = ask("What about KV cache?", qa_settings, store=qa_store, flt=flt)
    assert ans.confidence == "answer" and ans.route == "set" and ans.citations, ans.answer
    assert all(c.year is None or c.year >= years[len(years) // 2] for c in ans.citations)


def test_a_name_the_paper_never_writes_is_missing_and_plural_acronyms_are_not_names():
    from agent.qa.answerability import unwritten_names

    src = SimpleNamespace(title="FooServe: fast serving", abstract="FooServe serves LLMs on GPUs 2x faster than BarLLM.")
    assert [c.surface for c in unwritten_names("How much faster is it than QuxRT?", src)] == ["QuxRT"]
    assert not unwritten_names("How much faster is it than BarLLM on GPUs?", src)
    assert not unwritten_names("Does it help TPUs or LLMs?", src)


def test_it_is_one_paper_and_those_stay_the_previous_list(qa_settings, qa_store):
    from agent.qa.service import Conversation

    conv = Conversation()
    first = ask("Which papers use the KITTI dataset?", qa_settings, store=qa_store, conversation=conv)
    assert len(first.citations) > 1, first.answer
    one = ask("How much faster is it than QuxRT?", qa_settings, store=qa_store, conversation=conv)
    assert one.confidence == "closest" and one.missing == ["QuxRT"], one.answer
    assert len(one.citations) == 1 and one.citations[0].id == first.citations[0].id
    assert {s.id for s in conv.last_papers("Which of those run on GPUs?")} == {c.id for c in first.citations}
    assert [s.id for s in conv.last_papers("What hardware does it use?")] == [first.citations[0].id]


def test_an_llm_answer_naming_no_asked_gpu_becomes_closest(qa_settings, qa_store):
    """The openai engine's answers pass the same asked-entity check (agent/qa/answerability.py)."""
    from agent.qa.asked_entity import check_constraints
    from agent.qa.tools import QAContext
    from agent.qa.types import Answer, Citation, Source

    harli = next(p for p in qa_store.all() if (p.title or "").startswith("Harli"))
    cite = Citation.from_source(Source.of(harli), 1, harli.abstract.split(".")[0])
    drafted = Answer(question="Which GPU did Harli use?", answer="Harli runs on GPUs [1].", citations=[cite])
    checked = check_constraints(drafted.question, drafted, QAContext(qa_store, qa_settings, None))
    assert checked.confidence == "closest" and checked.missing == ["GPU"], checked.answer
