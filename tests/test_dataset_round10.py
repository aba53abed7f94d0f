"""Round 10 dataset readers: one initials check for every acronym reader, and the shapes added this round.
Sentences are invented (not taken from a fixture)."""

from agent.engines.local.dataset_rules import find_datasets
from agent.engines.local.dataset_tokens import capital_initials, spells_acronym


def test_one_initials_reader_for_methods_tasks_and_full_names():
    assert capital_initials(["Grouped-Query", "Attention"]) == "GQA"
    assert capital_initials(["Mixture", "of", "Experts"]) == "ME"  # a lowercase joiner is no initial
    assert spells_acronym(["Sparse", "Mixture", "of", "Experts"], "MoE")  # a leading word may stand before
    assert not spells_acronym(["Sparse", "Mixture", "of", "Experts"], "MoE", whole=True)
    assert not spells_acronym(["Attention"], "A")  # one capital spells nothing


def test_the_three_acronym_readers_still_agree_on_their_shapes():
    # a method acronym: not a dataset; a task acronym: not a dataset; a full name: kept as written
    assert find_datasets("We adopt Grouped Routing Attention (GRA) and evaluate on GRA and ZetaQA.") == ["ZetaQA"]
    assert find_datasets("We adopt GRA and evaluate on GRA and ZetaQA.") == ["GRA", "ZetaQA"]
    assert find_datasets("We introduce the Zorbic Reasoning Benchmark (ZRB), and models score 40% on ZRB.") \
        == ["Zorbic Reasoning Benchmark"]


def test_a_sentence_opening_with_what_it_was_run_on_names_data():
    assert find_datasets("On QuillQA and MarbleSum, the pruned model keeps its accuracy.") == ["QuillQA", "MarbleSum"]
    assert find_datasets("Across QuillQA, MarbleSum and TarnVid, we see gains.") == ["QuillQA", "MarbleSum", "TarnVid"]


def test_a_sentence_opening_with_a_model_or_a_clause_names_no_data():
    assert find_datasets("On FooNet, the pruned model keeps its accuracy.") == []
    assert find_datasets("On QuillQA the pruned model keeps its accuracy.") == []  # no comma closes the opening
    assert find_datasets("They rely on QuillQA, which we extend.") == []  # not an opening, no evaluation clause


def test_a_percentage_reports_a_score_on_the_data_after_it():
    assert find_datasets("It loses as little as 1.5% on MarbleBank and the Quill Poems dataset.") \
        == ["MarbleBank", "Quill Poems"]
    assert find_datasets("Top-1 accuracy reaches 81.2% on QuillQA-2 and 70.1% on MarbleSum.") == ["QuillQA-2", "MarbleSum"]


def test_a_speed_ratio_before_on_does_not_make_a_dataset():
    assert find_datasets("It gives a 1.6x speedup on Quillchitect-2.0 with comparable quality.") == []


def test_a_name_called_after_tasks_is_the_model_not_a_dataset():
    assert find_datasets("We propose a model for ranking tasks, called Quill networks with Marble heads (QNMH).") == []
    assert find_datasets("We release a benchmark, called QuillMark, of 2k scenes.") == ["QuillMark"]


def test_a_lone_language_adjective_before_a_trigger_names_no_dataset():
    assert find_datasets("We train with a small English dataset and a large Vietnamese dataset.") == []
    assert find_datasets("We train with the Quillian dataset.") == []
    assert find_datasets("We train with the QuillSpeech dataset.") == ["QuillSpeech"]


def test_a_model_shaped_word_coordinated_with_a_dataset_is_a_model():
    assert find_datasets("We mix ImageNet and QuillGAN images for training.") == ["ImageNet"]
    assert find_datasets("We evaluate on CIFAR-10 and ImageNet48 at low resolution.") == ["CIFAR-10", "ImageNet48"]


def test_a_known_name_with_capitalised_words_hyphenated_on_is_a_derived_dataset():
    assert find_datasets("We test on the Quill-MNIST dataset and on CIFAR-10.") == ["Quill-MNIST", "CIFAR-10"]
    assert find_datasets("Robustness is measured on ImageNet-Marble-Shift.") == ["ImageNet-Marble-Shift"]


def test_a_describing_compound_or_a_pair_of_known_names_is_no_derived_dataset():
    assert find_datasets("We use ImageNet-Pretrained features on COCO.") == ["ImageNet", "COCO"]
    assert find_datasets("Adaptation results on the SVHN-MNIST task.") == ["SVHN", "MNIST"]


def test_a_name_in_parentheses_before_a_trigger_with_no_name_before_it():
    assert find_datasets("Experiments on real-world (QuillFaces-Wild) datasets show gains.") == ["QuillFaces-Wild"]
    assert find_datasets("Experiments on the Quill Faces (QF) dataset show gains.") == ["Quill Faces"]
    assert find_datasets("Experiments on real-world (see below) datasets show gains.") == []


def test_names_set_off_by_a_plural_appositive_are_datasets():
    assert find_datasets("We release QuillQA and MarbleSum, two large datasets of questions.") == ["QuillQA", "MarbleSum"]
    assert find_datasets("We compare FooNet and BarNet, two strong baselines on standard datasets.") == []


def test_literal_gated_readers_find_what_the_full_scans_find():
    from agent.engines.local import dataset_literals as R

    for text in ("FooBench-x-y and a-Bench, MMBench-v2 and QuillBench.", "ABench-bench-Q", "-FooBench Bench",
                 "renew QuillNet data; a new FooX data and a new BarY graph, with new Quill2M collection."):
        assert [m.span() for m in R.bench_tokens(text)] == [m.span() for m in R._BENCH_TOKEN.finditer(text)]
        assert [m.span() for m in R.new_named_data(text)] == \
            [m.span() for m in R._NEW_NAMED_DATA.finditer(text)]


def test_reading_names_back_from_a_near_window_matches_the_long_window():
    from agent.engines.local import dataset_rules as R

    gazetteer = R.dataset_gazetteer()
    text = ("Experiments on four translation datasets, including the WMT'16 English-to-Romanian, WMT'14 "
            "English-to-German and QuillTrans ( QT ) benchmarks, and LM-QuillNet and LM-MarbleNet (i.e. the networks "
            "obtained on QuillSet and MarbleSet respectively) datasets show gains on the Quill Speech (QS) corpus.")
    for pos in range(len(text)):
        near = R._groups_before(text, pos, gazetteer)
        whole = R._read_groups_before(text, R._tokens(text, pos - 160, pos), gazetteer, whole=True)
        assert near == whole, text[:pos]
