"""The acceptor-feature trials and the label audit of evals/topic_trials.py, on invented evidence."""

from __future__ import annotations

import pytest

from agent.engines.local.topics import Evidence
from evals import topic_trials
from evals.topic_trials import label_cooccurrence, label_table, neighbour_pairs, relative_cues

# An invented serving paper: its words say serving first, the cache second, language only in passing.
CANDS = [(0.8, "llm-serving", {}), (0.5, "kv-cache", {}), (0.3, "nlp", {})]
EV = {"llm-serving": Evidence(keywords=0.6, text=0.9, spread=0.5, neighbour_ids=["a", "b", "c", "d"]),
      "kv-cache": Evidence(keywords=0.3, text=0.4, spread=0.25, neighbour_ids=["a", "b"]),
      "nlp": Evidence(keywords=0.0, text=0.2, spread=0.0, neighbour_ids=["e"])}


def test_neighbour_pairs_is_the_share_of_first_tag_neighbours_that_also_carry_the_candidate():
    assert neighbour_pairs(CANDS, EV, {}) == [[0.0], [0.5], [0.0]]


def test_neighbour_pairs_is_zero_without_neighbours():
    bare = {t: Evidence(text=e.text) for t, e in EV.items()}
    assert neighbour_pairs(CANDS, bare, {}) == [[0.0], [0.0], [0.0]]


def test_label_cooccurrence_lifts_a_tag_that_goes_with_the_first_one_in_the_training_labels():
    table = label_table([["llm-serving", "kv-cache"], ["llm-serving", "kv-cache"], ["llm-serving"], ["nlp"]])
    rows = label_cooccurrence(CANDS, EV, table)
    assert rows[0] == [0.0, 0.0]                  # the first tag itself
    assert rows[1][0] > 0 > rows[2][0]            # the cache goes with serving; language never did
    assert rows[1][1] == pytest.approx(rows[1][0] * 0.4)


def test_relative_cues_divide_by_the_best_candidate():
    assert relative_cues(CANDS, EV, {}) == [[1.0, 1.0], [0.5, 0.5], [0.0, 0.0]]


def test_audit_counts_distributed_training_papers_and_those_also_labelled_training_efficiency(monkeypatch):
    papers = [{"abstract": "Pipeline stages over many GPUs.", "topics": ["distributed-training"]},
              {"abstract": "Pipeline stages over many GPUs.", "topics": ["distributed-training"]},   # same paper twice
              {"abstract": "Sharded optimiser states cut training memory.",
               "topics": ["distributed-training", "training-efficiency"]},
              {"abstract": "A faster tokenizer.", "topics": ["nlp"]}]
    files = ["dev_ext_20a", "dev_ext_20a", "dev_ext_20b", "dev_ext_21"]
    monkeypatch.setattr(topic_trials, "training_set", lambda exclude: (papers, files, [], [], []))
    assert topic_trials.audit(()) == {"dev_ext_20": (2, 1)}


def test_an_unknown_trial_is_a_usage_error():
    with pytest.raises(SystemExit) as exc:
        topic_trials.main(["no_such_trial"])
    assert exc.value.code == 2


def test_second_tag_weights_repeat_the_row_for_all_but_the_first_tag_by_text():
    from agent.engines.local.topic_acceptor import FEATURES

    kinds = {"llm-serving": "workload", "kv-cache": "technique", "nlp": "workload"}
    rows = topic_trials.second_tag_weights(CANDS, EV, {"taxonomy": (kinds, set()), "floor": 0.35})
    assert [len(r) for r in rows] == [len(FEATURES)] * 3
    assert not any(rows[0]) and rows[1][FEATURES.index("text")] == pytest.approx(0.4)
