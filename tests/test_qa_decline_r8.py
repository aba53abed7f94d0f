"""Round 8: declining what the corpus does not cover, naming what is missing, and figures that answer
the metric asked. Every sentence and question here is invented for the test (same shapes as the
near misses of the QA files, none copied from them)."""

from __future__ import annotations

from qa_support import qa_home, qa_settings, qa_store  # noqa: F401

from agent.qa import ask
from agent.qa.constraints import question_constraints
from agent.qa.figure_check import figure_sentence, states_figure


def _metric(question: str):
    return [c for c in question_constraints(question) if c.kind == "metric"]


# -- metric: a figure of the metric, in the metric's clause ----------------------------------------
def test_a_figure_beside_a_metric_word_in_another_clause_is_not_that_metric():
    # decline: the only accuracy word is a "no loss" remark next to a memory figure
    assert not states_figure("accuracy", "The codec cuts SRAM traffic by 6.5x with no accuracy degradation.")
    # answer: the figure and the metric in one clause
    assert states_figure("accuracy", "The codec keeps 71.2% top-1 accuracy with 40% fewer weights.")


def test_a_score_metric_takes_no_factor_or_physical_unit():
    assert not states_figure("accuracy", "Pruned models run 3.1x faster at iso-accuracy.")
    assert not states_figure("F1", "F1 stays flat across 12 ms of added delay.")
    assert states_figure("F1", "The tagger reaches an F1 of 88.4 on the held-out split.")
    assert states_figure("perplexity", "Perplexity rises by no more than 0.07.")   # a figure before the full stop


def test_list_items_joined_by_and_keep_their_metric():
    s = "It improves the matching recall on Sintel and Middlebury by 12.5% and 8.1%, respectively."
    assert states_figure("recall", s)
    assert figure_sentence("recall", "Recall is hard. " + s) == s


def test_the_asked_metric_is_the_first_before_a_condition():
    # "with the same power" and "without accuracy loss" are conditions on the figure, not the figure
    assert [c.value for c in _metric("How much more throughput does the router reach with the same power budget?")] \
        == ["throughput"]
    assert not _metric("How much speedup does the compiler reach on CIFAR-10 without accuracy loss?")
    assert [c.value for c in _metric("What energy does the NPU use while keeping latency under 5 ms?")] == ["energy"]


def test_the_metric_surface_is_the_whole_phrase_the_question_wrote():
    assert [c.surface for c in _metric("What top-1 accuracy does the tiny ViT reach?")] == ["top-1 accuracy"]


# -- task: what the question's task phrase is ------------------------------------------------------
def _tasks(question: str):
    from agent.qa.constraints import task_mentions

    return [(c.surface, c.value) for c in task_mentions(question)]


def test_more_task_heads_and_the_question_verb_is_no_task_word():
    assert _tasks("Which papers shrink voice synthesis models for watches?") == [("voice synthesis", "voice synthesis")]
    assert _tasks("Which work speeds up sketch inpainting on tablets?") == [("sketch inpainting", "sketch inpainting")]
    assert _tasks("Which paper does protein function prediction?") == [("protein function prediction", "function prediction")]


def test_a_bracketed_acronym_stays_in_the_surface_but_not_in_the_kind():
    assert _tasks("Which papers accelerate neural distance field (NDF) rendering on laptops?") == \
        [("neural distance field (NDF) rendering", "field rendering")]


def test_settings_and_product_generations_are_no_task_kind():
    # "1080p" is a setting: the kind is the word before it; "the Hopper generation" is a GPU family
    assert _tasks("Which papers reach real-time 1080p super-resolution on a tablet?") == \
        [("real-time 1080p super-resolution", "real-time super-resolution")]
    assert _tasks("Which papers run on GPUs of the Hopper generation?") == []
    assert _tasks("Which papers speed up SQL generation?") == [("SQL generation", "sql generation")]


# -- task: a list none of whose papers is on the asked task is declined -----------------------------
def _answer(*abstracts: str):
    from agent.qa.types import Answer, Citation

    cites = [Citation(id=f"p{i}", title=None, arxiv_id=None, year=None, abstract=a, score=1.0, n=i + 1)
             for i, a in enumerate(abstracts)]
    return Answer(question="", answer="", citations=cites)


def test_a_list_none_of_whose_papers_writes_the_task_misses_it():
    from agent.qa.task_gate import unmet_tasks

    q = "Which papers speed up sign language translation on phones?"
    listed = _answer("We run pose estimation on phones in 12 ms.", "A phone NPU compiler for CNNs.")
    assert [t.surface for t in unmet_tasks(q, listed)] == ["sign language translation"]
    # the answerable twin: one listed paper writes the task's words in one sentence
    listed = _answer("Translation of sign language from phone video runs at 20 FPS.", "A phone NPU compiler.")
    assert unmet_tasks(q, listed) == []


def test_examples_asides_and_alternatives_are_not_each_required():
    from agent.qa.task_gate import unmet_tasks

    detection_only = _answer("An object detection network for drones runs at 30 FPS.")
    # alternatives: either task will do
    assert unmet_tasks("Which papers speed up object detection or depth estimation on drones?", detection_only) == []
    # examples and an aside only illustrate
    assert unmet_tasks("Which papers accelerate vision models, such as depth estimation, on drones?", detection_only) == []
    assert unmet_tasks("Which papers accelerate drone perception (depth estimation, for one)?", detection_only) == []
    # kinds spelled out in an aside count for the task they follow
    seg = _answer("Semantic segmentation of road scenes runs in real time.")
    assert unmet_tasks("Which papers do some form of image segmentation (semantic or panoptic segmentation)?", seg) == []


def test_a_dataset_list_on_a_task_none_of_its_papers_does_is_closest(qa_settings, qa_store):
    declined = ask("Which papers report results on KITTI for optical flow estimation?", qa_settings, store=qa_store)
    assert declined.insufficient and declined.confidence == "closest"
    assert declined.missing == ["optical flow estimation"]
    assert declined.citations            # the KITTI papers, shown as the nearest
    answered = ask("Which papers report results on KITTI for 3D object detection?", qa_settings, store=qa_store)
    assert not answered.insufficient and answered.citations


# -- figures: the figure of the metric asked, stated first ------------------------------------------
def test_the_figure_of_the_asked_metric_is_the_one_in_its_clause():
    from agent.qa.figure_check import figure_of

    s = "Our codec streams at 31 fps with 38.2 PSNR, which is 9x faster and 1.4 dB better."
    assert figure_of("PSNR", s) == "38.2"
    assert figure_of("FPS", s) == "31 fps"                      # a lower-case unit is the metric's own
    s = "It beats the baseline in accuracy (2.1% higher), latency (18.5% faster) and energy (27.3% lower)."
    assert figure_of("energy", s) == "27.3%"


def test_a_list_going_on_without_its_metric_is_decided_by_the_question_or_not_at_all():
    from agent.qa.figure_check import figure_of

    s = "The allocator cuts tail latency by 40.2% on a 4-node cluster and 63.5% on a 16-node cluster."
    assert figure_of("latency", s, "How much tail latency does it cut on a 16-node cluster?") == "63.5%"
    assert figure_of("latency", s, "How much tail latency does the allocator cut?") is None
    # a figure the question writes is never the answer: "down to what, from 30GB?"
    s = "It lowers peak memory from 30GB to 9GB."
    assert figure_of("memory", s, "What peak memory does it reach, from 30GB?") == "9GB"


def test_a_duration_question_quotes_the_sentence_with_a_time(qa_settings):
    from types import SimpleNamespace

    from agent.qa.closest import numeric_sentence

    class Stats:
        def idf(self, t):
            return 1.0

    ctx = SimpleNamespace(stats=lambda: Stats())
    abstract = ("The tuner reaches a 3.2x speedup over the vendor kernels. "
                "Tuning one operator takes about 14 minutes on one board.")
    q = "How long does the tuner take to tune one operator on a board?"
    assert numeric_sentence(abstract, {"tuner", "tune", "operator", "board"}, ctx, q).startswith("Tuning one operator")


# -- model: a sized model only one candidate names singles it out ----------------------------------
def test_an_entity_only_the_first_candidate_meets_singles_it_out():
    from agent.qa.answerability import Evidence
    from agent.qa.constraints import Constraint
    from agent.qa.lookup_pick import singled_out

    model = Constraint("model", "Hyena-2B", "hyena 2b")
    sure = Evidence({"agree": 1.0})
    # answer: rank 1 for both retrievers, meets the model; every other candidate lacks it
    assert singled_out([model], [("a", sure, []), ("b", Evidence({}), [model]), ("c", Evidence({}), [model])])
    # not when another candidate also meets it, when retrievers disagree, or when the first lacks it
    assert not singled_out([model], [("a", sure, []), ("b", Evidence({}), [])])
    assert not singled_out([model], [("a", Evidence({"agree": 0.0}), []), ("b", Evidence({}), [model])])
    assert not singled_out([model], [("a", sure, [model]), ("b", Evidence({}), [model])])
    # a task phrase is no entity: it never singles a paper out
    task = Constraint("task", "dance synthesis", "dance synthesis")
    assert not singled_out([task], [("a", sure, []), ("b", Evidence({}), [task])])


def test_a_product_generation_is_no_task_but_a_capitalised_task_is():
    from agent.qa.task_phrases import task_phrases

    # "the Turing generation" names GPUs (a product family the vendor table knows), not a task
    assert task_phrases("Which papers measure GPUs of the Turing generation?") == []
    # a task that opens the question is capitalised and still a task
    assert [t for _, t in task_phrases("Video generation on laptops: which papers cover it?")] == ["video generation"]
