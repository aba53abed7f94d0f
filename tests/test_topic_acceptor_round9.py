"""Round 9 (issue 13): the acceptor's text_margin feature and the trainer's --exclude (invented data)."""

import json

from agent.engines.local.topic_acceptor import FEATURES, candidate_rows, text_margins
from agent.engines.local.topics import Evidence


def test_text_margins_measure_the_lead_over_the_runner_up():
    assert text_margins([0.9, 0.7, 0.1]) == [0.9 - 0.7, 0.0, 0.1 - 0.7]
    assert text_margins([0.4]) == [0.4]         # a lone candidate keeps its own score
    assert text_margins([]) == []


def test_candidate_rows_carry_the_margin_in_the_last_column():
    ev = {"quantization": Evidence(keywords=0.6, text=0.8, cues=["quantiz* (title)"]),
          "edge-mobile": Evidence(keywords=0.3, text=0.75, cues=["smartphone (claim)"])}
    cands = [(0.7, "quantization", {}), (0.5, "edge-mobile", {})]
    rows = candidate_rows(cands, ev, ({"quantization": "technique", "edge-mobile": "platform"}, {"edge-mobile"}), 0.35)
    assert FEATURES[-1] == "text_margin" and all(len(r) == len(FEATURES) for r in rows)
    assert abs(rows[0][-1] - 0.05) < 1e-9 and rows[1][-1] == 0.0   # two close tags: neither dominates


def test_training_set_leaves_excluded_files_out_of_training_and_neighbours(tmp_path, monkeypatch):
    import evals.train_topic_acceptor as train
    from agent.engines.local import topics

    folder = tmp_path / "claims"
    folder.mkdir()
    for stem, rid in (("dev_ext_1", "arXiv:0000.00002"), ("dev_ext_7_was_blind_5a", "arXiv:0000.00004"),
                      ("labels_000a", "seed#1")):
        rec = {"id": rid, "abstract": f"An invented abstract number {rid} about pruned kernels.", "topics": ["nas"]}
        (folder / f"{stem}.jsonl").write_text(json.dumps(rec) + "\n")
    monkeypatch.setattr(train, "claim_sources", lambda: {"arXiv:0000.00002": "dev_ext_1",
                                                         "arXiv:0000.00004": "dev_ext_7_was_blind_5a",
                                                         "seed#1": "labels_000a"})
    monkeypatch.setattr(train, "load_claims", lambda: [json.loads(p.read_text()) for p in sorted(folder.glob("*.jsonl"))])
    monkeypatch.setattr(topics, "default_fixture_paths", lambda: sorted(folder.glob("*.jsonl")))
    kept, files, held, held_files, paths = train.training_set(("dev_ext_7",))
    assert files == ["dev_ext_1", "labels_000a"] and held_files == ["dev_ext_7_was_blind_5a"]
    assert [p.stem for p in paths] == ["dev_ext_1", "labels_000a"]
    assert len(train.training_set()[0]) == 3 and train.training_set()[2] == []
