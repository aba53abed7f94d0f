"""Answerability per constraint kind: for each of dataset, hardware product (vs its vendor), model
variant, metric and task, one question that must be declined (with `missing` naming the constraint as
the question wrote it) and one that must be answered. Questions are invented or from qa.jsonl/qa_dev.jsonl,
never from the blind file. The first tests are pure (no store); the rest ask the small real corpus."""

from __future__ import annotations

import pytest
from qa_support import KITTI, qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from agent.qa import ask
from agent.qa.constraints import hardware_covers, meets, model_mentions, paper_facts, question_constraints

U280 = "004_74f5bfe55f112bb8.txt#55"       # FlightLLM: Xilinx Alveo U280 (other Xilinx boards in the corpus)
TRANSKIMMER = "000_8528321f52109f11.txt#2"  # BERT-base baseline
CLUSTERKV = "000_8528321f52109f11.txt#15"   # reports accuracy, latency, throughput; not perplexity
HARLI = "000_8528321f52109f11.txt#16"


# -- reading constraints (pure) ---------------------------------------------------------------------
def test_question_constraints_are_typed_and_keep_the_question_wording():
    kinds = {(c.kind, c.surface) for c in question_constraints(
        "What accuracy does Mamba-1.4B reach on the SQuAD dataset on an NVIDIA H200?")}
    assert {("model", "Mamba-1.4B"), ("dataset", "SQuAD"), ("hardware", "NVIDIA H200"), ("metric", "accuracy")} <= kinds
    assert not question_constraints("Which paper co-locates finetuning jobs with LLM decode instances?")


def test_hardware_product_is_not_widened_to_vendor_or_sibling():
    names = [("nvidia", "v100s"), ("nvidia", "jetson", "agx", "xavier")]
    assert not hardware_covers("NVIDIA V100", names)           # a different product
    assert hardware_covers("NVIDIA V100S", names)
    assert hardware_covers("NVIDIA Jetson", names)             # a family covers its members
    assert not hardware_covers("NVIDIA Jetson Nano", names)    # a sibling product does not


def test_model_size_must_match_family_and_size():
    mentions = {(f, s) for _, f, s in model_mentions("on LLaMA-7B/13B, LLaMA2-7B and a BERT-base baseline")}
    assert {("llama", "7b"), ("llama", "13b"), ("llama2", "7b"), ("bert", "base")} <= mentions
    facts = paper_facts("t", "We evaluate LLaMA2-7B and BERT-base.")
    want = {c.surface: c for c in question_constraints("How fast is LLaMA2-70B compared with LLaMA2-7B and BERT-large?")}
    assert meets(want["LLaMA2-7B"], facts) and not meets(want["LLaMA2-70B"], facts)
    assert not meets(want["BERT-large"], facts)


def test_a_mixture_of_experts_size_is_one_size_kept_whole():
    # "8x7B" is experts x expert size: a model constraint of its own, met only by that size as written
    (c,) = question_constraints("What decode speedup does the offloader reach when serving Zephyrix-8x7B?")
    assert (c.kind, c.surface, c.value) == ("model", "Zephyrix-8x7B", "zephyrix 8x7b")
    moe = paper_facts("T", "We serve Zephyrix-8\u00d77B and a dense Zephyrix-7B model.")
    dense = paper_facts("T", "We serve a dense Zephyrix-7B model on one GPU.")
    assert meets(c, moe) and not meets(c, dense)


def test_a_model_size_without_a_family_is_a_constraint_too():
    want = question_constraints("Does the method still hold up once scaled to 30B parameters?")
    assert [(c.kind, c.surface) for c in want] == [("model", "30B parameters")]
    assert meets(want[0], paper_facts("t", "We train models with up to 30 billion parameters."))
    assert meets(want[0], paper_facts("t", "Results on OPT-30B and OPT-66B."))
    assert not meets(want[0], paper_facts("t", "Results on OPT-13B with 13B parameters."))
    # a sized family already names the size: no second constraint
    assert [c.kind for c in question_constraints("How fast is Falcon-40B with its 40B parameters?")] == ["model"]


def test_sentence_words_before_a_size_word_are_not_model_variants():
    assert not question_constraints("My small phone keeps overheating; which work helps?")
    assert not question_constraints("A large cluster of GPUs trains the model; which work schedules it?")
    assert [c.surface for c in question_constraints("How accurate is ViT-Large here?")] == ["ViT-Large"]


def test_ranking_metrics_are_metric_constraints():
    want = question_constraints("What NDCG does the recommender reach on the news feed?")
    assert [(c.kind, c.value) for c in want] == [("metric", "NDCG")]
    assert not meets(want[0], paper_facts("t", "It improves click-through rate by 3%."))
    assert meets(want[0], paper_facts("t", "It improves NDCG@10 by 3%."))


# -- on the corpus: one decline and one answer per kind ------------------------------------------
def _declined(ans, surface: str) -> None:
    assert ans.insufficient and ans.confidence in ("closest", "none"), ans.answer
    assert ans.answer.startswith("No paper here answers this exactly")
    assert any(surface.lower() in m.lower() for m in ans.missing), ans.missing


def test_dataset_decline_and_answer(qa_settings, qa_store):
    _declined(ask("Which papers report results on the Argoverse dataset?", qa_settings, store=qa_store), "Argoverse")
    ans = ask("Which papers report experiments on the KITTI dataset/benchmark?", qa_settings, store=qa_store)
    assert ans.confidence == "answer" and {c.id for c in ans.citations} == {ref_id(qa_store, r) for r in KITTI}


def test_hardware_product_decline_and_answer_without_vendor_widening(qa_settings, qa_store):
    _declined(ask("Which papers run on an NVIDIA H200?", qa_settings, store=qa_store), "H200")
    ans = ask("Which papers use the Xilinx Alveo U280?", qa_settings, store=qa_store)
    assert ans.confidence == "answer"
    assert [c.id for c in ans.citations] == [ref_id(qa_store, U280)]   # not the other Xilinx boards


def test_model_variant_decline_and_answer(qa_settings, qa_store):
    ans = ask("What average speedup does Transkimmer achieve over BERT-large?", qa_settings, store=qa_store)
    _declined(ans, "BERT-large")
    assert ans.citations and ans.citations[0].id == ref_id(qa_store, TRANSKIMMER)   # the closest paper is shown
    ans = ask("What average speedup does Transkimmer achieve over BERT-base?", qa_settings, store=qa_store)
    assert ans.confidence == "answer" and "10.97x" in ans.answer
    assert ans.citations[0].id == ref_id(qa_store, TRANSKIMMER) and "10.97x" in ans.citations[0].support


def test_model_size_decline_and_answer(qa_settings, qa_store):
    ans = ask("How does ClusterKV hold up on a model scaled to 70B parameters?", qa_settings, store=qa_store)
    _declined(ans, "70B parameters")
    assert ans.citations and ans.citations[0].id == ref_id(qa_store, CLUSTERKV)   # the paper asked about, closest


def test_metric_decline_and_answer(qa_settings, qa_store):
    _declined(ask("What perplexity does ClusterKV report?", qa_settings, store=qa_store), "perplexity")
    ans = ask("What decoding throughput improvement does ClusterKV achieve?", qa_settings, store=qa_store)
    assert ans.confidence == "answer" and "2.5" in ans.answer
    assert ans.citations[0].id == ref_id(qa_store, CLUSTERKV)


def test_task_decline_and_answer(qa_settings, qa_store):
    ans = ask("Which paper schedules deep learning training jobs on preemptible spot cloud instances to reduce cost?",
              qa_settings, store=qa_store)
    assert ans.insufficient and ans.missing and ans.answer.startswith("No paper here answers this exactly")
    ans = ask("Which serving system co-locates parameter-efficient finetuning (PEFT) jobs with LLM decode instances "
              "to raise GPU utilization on Model-as-a-Service platforms?", qa_settings, store=qa_store)
    assert ans.confidence == "answer" and ans.citations[0].id == ref_id(qa_store, HARLI)


@pytest.mark.parametrize("question", ["Which papers run on an NVIDIA H200?", "What perplexity does ClusterKV report?"])
def test_json_shape_of_a_decline(qa_settings, qa_store, question):
    data = ask(question, qa_settings, store=qa_store).to_json()
    assert {"answer", "citations", "sources", "insufficient", "question", "route", "engine", "tools", "notes",
            "seconds", "confidence", "missing"} <= set(data)
    assert data["insufficient"] is True and data["confidence"] in ("closest", "none") and data["missing"]


def test_openai_answers_pass_the_same_constraint_check(fake_openai, qa_settings, qa_store):
    """The model cites a paper with a different NVIDIA GPU for an H200 question: the answer becomes `closest`."""
    from fakeopenai import text_reply, tool_calls_reply

    flight = ref_id(qa_store, U280)
    fake_openai.push(tool_calls_reply([("get_paper", {"paper_id": flight})]),
                     text_reply(f"FlightLLM beats an NVIDIA GPU on LLM inference [{flight}].", chunks=4))
    ans = ask("Which papers run on an NVIDIA H200?", qa_settings, store=qa_store, engine="openai")
    assert ans.insufficient and ans.confidence == "closest" and ans.missing == ["NVIDIA H200"]
    assert ans.citations[0].id == flight and ans.answer.startswith("No paper here answers this exactly")


def test_a_product_named_as_written_is_still_a_member_of_its_family():
    from agent.qa.vendors import family_member

    assert family_member("Hopper", "NVIDIA Grace Hopper")   # another name of the member GH200
    assert family_member("Hopper", "NVIDIA DGX-H100")
    assert not family_member("Hopper", "NVIDIA A100")


# --- round 10: a task keeps the words before its kind ("<modifier> <modifier> detection") ----------------
# Invented questions and papers of the shape "point cloud semantic segmentation": the modifiers name the
# data the task is on, and a paper on the same task over other data does not meet it.

def test_task_modifiers_are_the_words_before_the_kind():
    from agent.qa.task_phrases import task_modifiers, task_phrases

    (surface, value), = task_phrases("Which paper does underwater sonar object detection?")
    assert value == "object detection"
    assert task_modifiers(surface, value) == ["underwater", "sonar"]
    assert task_modifiers("8K drone video super-resolution", "video super-resolution") == ["drone"]   # no setting
    assert task_modifiers("2D object detection", "object detection") == ["2D"]
    assert task_modifiers("lane detection", "lane detection") == []


def test_a_task_is_met_only_with_its_modifiers():
    from agent.qa.constraints import PaperFacts, meets, task_mentions

    task, = task_mentions("Which paper does underwater sonar object detection?")
    street = PaperFacts("Real-time object detection in street camera images.", set(), [], set())
    sonar = PaperFacts("Object detection on sonar scans recorded underwater.", set(), [], set())
    assert not meets(task, street)       # decline twin: the same task on other data
    assert meets(task, sonar)            # answer twin: the modifiers written anywhere in the abstract


def test_a_bracketed_short_form_meets_the_modifiers():
    from agent.qa.constraints import Constraint, PaperFacts, meets

    task = Constraint("task", "graph neural network (GNN) link prediction", "link prediction")
    assert meets(task, PaperFacts("Fast GNN training for link prediction.", set(), [], set()))
    assert not meets(task, PaperFacts("Link prediction with matrix factorisation.", set(), [], set()))


def test_a_list_on_the_task_over_other_data_is_no_answer():
    from types import SimpleNamespace

    from agent.qa.task_gate import unmet_tasks

    question = "Which papers do underwater sonar object detection?"
    street = SimpleNamespace(title="Detecting cars", abstract="Object detection in street camera images.")
    sonar = SimpleNamespace(title="Sonar detection", abstract="Object detection on underwater sonar scans.")
    assert [t.value for t in unmet_tasks(question, SimpleNamespace(citations=[street]))] == ["object detection"]
    assert unmet_tasks(question, SimpleNamespace(citations=[street, sonar])) == []


def test_a_dataset_question_is_met_by_a_stored_variant_of_it_not_by_a_longer_name():
    # extraction keeps variants as written ("FooQA-Agent", "FooQA v2"); a question names the dataset.
    # Invented names; the abstract text does not write the asked name on its own.
    from agent.qa.constraints import Constraint, PaperFacts, meets

    asked = Constraint("dataset", "FooQA", "FooQA")
    for stored in ({"fooqa-agent"}, {"fooqa v2"}, {"fooqa"}):
        assert meets(asked, PaperFacts("We evaluate on a multi-hop benchmark.", stored, [], set()))
    for stored in ({"morpho-fooqa"}, {"fooqab"}, set()):
        assert not meets(asked, PaperFacts("We evaluate on a multi-hop benchmark.", stored, [], set()))
