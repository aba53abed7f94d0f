"""Round-10 list answers: the per-member precision features (agent/qa/set_precision.py), one invented
question per constraint kind with a member that must stay and a near miss that must go; the store's
product-family view in entity lists (agent/qa/sets.py `family_of`); the sentence embedder shared per
store (agent/qa/set_extend.py); the failure shapes of bench/set_failures.py. Invented papers and
question wordings, not the fixture files'."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from agent.qa import set_precision as sp
from agent.qa.text import CorpusStats, term_set
from setcorpus import P

NEAR_MISS_DOCS = [
    "We build a tiny sorter for ledger files; it is never run on phones.",
    "Ledger sorting at scale with a new merge tree on servers.",
    "A survey of ledger formats.",
]


def _toy_model() -> dict:
    """A member stays when one of its own sentences covers the question about as well as the best
    member's does (`own_rel`), whatever the kind."""
    feats = list(sp.FEATURES)
    w = [8.0 if f == "own_rel" else 0.0 for f in feats]
    return {"features": feats, "mean": [0.9 if f == "own_rel" else 0.0 for f in feats], "scale": [0.05] * len(feats),
            "bias": 0.0, "weights": w, "keep_at": 0.5}


def _judge(question: str, papers: list[P], kind: str) -> list[str]:
    stats = CorpusStats.build([f"{p.title} {p.abstract}" for p in papers] + NEAR_MISS_DOCS)
    terms = term_set(question) - {"which", "papers", "paper"}
    feats = {p.id: {f: 0.0 for f in sp.FEATURES} for p in papers}
    for p in papers:
        feats[p.id].update(own=sp.own_cover(terms, p, stats), sent=0.0, cover=0.0)
        feats[p.id][f"k_{kind}"] = 1.0
    sp._relative(feats)
    return sorted(sp.kept(_toy_model(), feats))


@pytest.mark.parametrize("kind,question,member,near_miss", [
    ("entity", "Which papers sort ledgers on a Pixel phone?",
     P("m", "Fast Ledger Sorting", "We sort ledgers on a Pixel phone in 3 ms."),
     P("n", "Ledger Sorting Revisited", "Existing sorters are slow on a Pixel phone. We sort ledgers on servers.")),
    ("facet", "Which papers compress ledgers losslessly?",
     P("m", "Ledger Compression", "Our codec compresses ledgers losslessly and cuts storage by half."),
     P("n", "Ledger Codecs", "Existing codecs compress ledgers losslessly but slowly. We compress ledgers with loss.")),
    ("concept", "Which papers train ledger models without labels?",
     P("m", "Label-free Ledger Models", "We train ledger models without labels, reaching 90% accuracy."),
     P("n", "Ledger Models", "Previous works train ledger models without labels. We fine-tune a ledger model on tagged data.")),
])
def test_a_member_stating_the_qualifier_as_its_own_stays_and_a_background_mention_goes(kind, question, member,
                                                                                      near_miss):
    """The qualifier said in the paper's own sentence (first person or a result) keeps a member; a near
    miss that says it only of earlier work does not meet it."""
    assert _judge(question, [member, near_miss], kind) == ["m"]


def test_a_list_is_never_cut_to_nothing_and_knob_zero_leaves_it_alone():
    model = {**_toy_model(), "bias": -30.0}
    feats = {"a": dict.fromkeys(sp.FEATURES, 0.0), "b": dict.fromkeys(sp.FEATURES, 0.0)}
    assert len(sp.kept(model, feats)) == 1
    ctx = SimpleNamespace(calls=[{"tool": "concept_set"}])
    answer = SimpleNamespace(citations=[SimpleNamespace(id="a"), SimpleNamespace(id="b")], insufficient=False)
    assert sp.load_model()["keep_at"] == 0      # the shipped knob is off (bench/set_precision.py): no change
    assert sp.prune("Which papers …?", ctx, None, answer) is answer


def test_the_kind_is_read_from_the_route_and_claims_tables_are_not_judged():
    assert sp.kind_of([{"tool": "search"}, {"tool": "entity_filter"}]) == "entity"
    assert sp.kind_of([{"tool": "query_claims"}]) == "facet"
    assert sp.kind_of([{"tool": "concept_set"}]) == "concept"
    assert sp.kind_of([{"tool": "claim_threshold"}, {"tool": "query_claims"}]) is None   # a checked number


def test_an_entity_list_reads_the_stores_product_family():
    """"a Zephyr board": a paper whose abstract wrote only the board's model code ("NVIDIA ZX9") is in the
    family the store's own names make (store/hardware_family.py); another product is not."""
    from agent.qa.constraints import Constraint, paper_facts
    from agent.qa.sets import _in_family, family_of

    asked = []
    store = SimpleNamespace(hardware_family=lambda q: asked.append(q) or ["NVIDIA ZX9"])
    fam = family_of(store, Constraint("hardware", "NVIDIA Zephyr board", "NVIDIA Zephyr"))
    assert asked == ["zephyr"]          # asked without its vendor word, as `--hardware zephyr`
    assert _in_family(fam, paper_facts("Boards", "We run it on an NVIDIA ZX9.", {"hardware": [{"name": "NVIDIA ZX9"}]}))
    assert not _in_family(fam, paper_facts("GPUs", "We run it on an A100.", {"hardware": [{"name": "NVIDIA A100"}]}))
    assert family_of(store, Constraint("hardware", "NVIDIA hardware", "vendor:nvidia")) == frozenset()
    assert family_of(store, Constraint("dataset", "LedgerSet", "LedgerSet")) == frozenset()


def test_the_sentence_embedder_is_made_once_per_store_and_a_read_only_store_still_answers(tmp_path, monkeypatch):
    from agent.engines.local import topics
    from agent.qa import set_extend
    from core.errors import StoreError
    from store import text_vectors
    from store.papers import PaperStore

    keys = []
    monkeypatch.setattr(topics, "embed_each", lambda texts: np.ones((len(texts), 2), dtype=np.float32))
    monkeypatch.setattr(text_vectors, "model_key", lambda recipe: keys.append(recipe) or f"toy:{recipe}")
    store = PaperStore.open(tmp_path / "papers.db")
    set_extend.sentence_embedder(store)(["One sentence."])
    set_extend.sentence_embedder(store)(["Another sentence."])
    assert len(keys) == 1                      # one embedder, one model key, for every question

    store.db.conn.execute("PRAGMA query_only=ON")   # a store this process cannot write, through the real save
    assert set_extend.sentence_embedder(store)(["A third sentence."]).shape == (1, 2)
    with pytest.raises(StoreError):                  # the tagger, which writes the store, wants the error
        text_vectors.stored_embedder(store, topics.embed_each, "toy")(["A fourth sentence."])


def test_example_words_are_one_list_and_e_g_opens_examples_in_the_task_gate():
    from agent.qa.set_groups import EXAMPLES
    from agent.qa.task_gate import _EXAMPLES

    assert _EXAMPLES.search("fast on vision tasks, e.g. ")        # "e.g." followed by a space
    assert _EXAMPLES.search("tasks like ") and not _EXAMPLES.search("likely")
    assert EXAMPLES.search("models, such as ") and not EXAMPLES.search("models like ")


def test_failure_shapes():
    from bench.set_failures import shape

    assert shape(["a", "b", "c", "d"], ["a", "b", "c"], False) == "complete"       # precision 0.75
    assert shape(["a", "x", "y"], ["a"], False) == "extras"
    assert shape(["a"], ["a", "b"], False) == "missing"
    assert shape(["a", "x", "y"], ["a", "b"], False) == "missing+extras"
    assert shape([], ["a"], True) == "declined"
