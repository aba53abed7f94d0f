"""Round-9 dataset kinds (LABELLING.md §2), each from an invented sentence: task and method phrases read
where a list of names was expected, fragments of longer capitalised terms, capitalised describing words
inside a name, names that go on after a coordinated name, and task acronyms the abstract spells out."""

from __future__ import annotations

from agent.engines.local.dataset_phrases import is_task_or_method_phrase, spelled_task_acronyms
from agent.engines.local.dataset_rules import find_datasets


def test_task_phrases_in_a_list_of_tasks_are_no_datasets():
    text = "We probe three popular language tasks: Paraphrase Detection, Dialogue Act Tagging and NER."
    assert find_datasets(text) == []
    # "Tasks" stripped off a defined term leaves a task phrase, and its acronym is no dataset either
    assert find_datasets("We build Continual Vision Tasks (CVTs) from public image collections.") == []
    # a named task of a suite still counts
    assert find_datasets("We evaluate on two tasks: ZorbNav and QuillMaze.") == ["ZorbNav", "QuillMaze"]


def test_a_fragment_of_a_longer_capitalised_term_is_no_name():
    assert find_datasets("We add a Shadow Dataset Calibration (SDC) step before training.") == []
    assert find_datasets("for regression tasks: Lattice Kernel Networks (LKNs) learn faster.") == []


def test_the_trigger_vouches_for_a_definite_name_but_not_a_description():
    assert find_datasets("We score it on the Oxford Spoken Dialogue Understanding dataset.") \
        == ["Oxford Spoken Dialogue Understanding"]
    assert find_datasets("We collect a new Visual Entailment dataset from street photos.") == []
    assert is_task_or_method_phrase("tasks such as Speech Recognition", 15, 33, ["Speech", "Recognition"], False)


def test_a_capitalised_describing_word_mid_sentence_belongs_to_the_name():
    assert find_datasets("Accuracy rises on the Common Garden Birds dataset.") == ["Common Garden Birds"]
    assert find_datasets("We report results on the Old Harbour Sketches and Pelican datasets.") \
        == ["Old Harbour Sketches", "Pelican"]
    # sentence-initial or a function word: still no part of the name
    assert find_datasets("Extensive benchmarks confirm the gains.") == []


def test_a_coordinated_name_goes_on_over_its_capitalised_words():
    assert find_datasets("Agents are trained on Atari and ZorbWorld Arena.") == ["Atari", "ZorbWorld Arena"]
    # a task word after it is not part of the name
    assert "ImageNet" in find_datasets("Results on ImageNet and COCO Detection improve.")


def test_an_unknown_acronym_spelled_out_as_a_task_is_a_task():
    assert spelled_task_acronyms("Cross-Lingual Entity Recognition (CLER) is hard.", {"cler"}) == {"cler"}
    assert spelled_task_acronyms("the Stanford Question Answering Dataset (SQuAD)", {"squad"}) == set()
    assert find_datasets("Event Argument Extraction (EAE) datasets are small; we add one.") == []


def test_an_unknown_full_name_with_its_acronym_is_one_dataset_under_the_full_name():
    text = "We release the Quarry Bird Census Corpus (QBCC). Models trained on QBCC generalise."
    assert find_datasets(text) == ["Quarry Bird Census Corpus"]
    # the head word is kept only when the acronym spells it
    assert find_datasets("Results on the Moss Lake Dialogue (MLD) dataset improve.") == ["Moss Lake Dialogue"]
    # a module or a problem with an acronym is no dataset
    assert find_datasets("We add the Memory Token Bank (MTB) module to the decoder.") == []


def test_a_name_after_a_singular_trigger_and_and_is_coordinated():
    assert find_datasets("We test on the Ferris4D dataset and Quokka-3DX.") == ["Ferris4D", "Quokka-3DX"]


def test_a_name_shaped_word_evaluated_on_is_a_dataset():
    assert find_datasets("We evaluate the parser on ZorbQA, where it sets a new state of the art.") == ["ZorbQA"]
    # a method name, hardware, a suspended compound and a baseline after "over" are not
    assert find_datasets("Results on BERT- and GPT-family models improve.") == []
    assert find_datasets("We evaluate latency on FooNet and on TPUv4.") == []
    assert find_datasets("Our method shows accuracy gains over QuuxMix.") == []


def test_a_name_built_on_a_known_one_keeps_its_written_version():
    assert find_datasets("We pretrain on the MegaPile-v2 corpus.") == ["MegaPile-v2"]
