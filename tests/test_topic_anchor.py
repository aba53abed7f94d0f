"""Round-8 topic acceptor: the lexical anchor (word sense) and the text-rank feature (invented evidence)."""

from __future__ import annotations

from agent.engines.local.topic_acceptor import (ANCHOR_TEXT, FEATURES, accept, anchored, candidate_rows,
                                                candidates)
from agent.engines.local.topics import Evidence

KINDS = {"quantization": "technique", "hardware-accelerator": "technique", "edge-mobile": "platform"}


def _ev(keywords: float = 0.0, text: float = 0.0, embedding: float = 0.0, cues: list[str] | None = None) -> Evidence:
    return Evidence(keywords=keywords, text=text, embedding=embedding, neighbours=embedding, cues=cues or [])


def test_a_tag_carried_only_by_embeddings_has_no_anchor():
    # Invented: an abstract on trapped-ion qubit gates lands near quantization papers in embedding
    # space, but no quantization cue fires and the word-level text model barely reads the tag.
    qubit_sense = _ev(keywords=0.0, text=ANCHOR_TEXT / 2, embedding=0.9)
    assert not anchored(qubit_sense)
    assert anchored(_ev(keywords=0.2))                         # a cue fired
    assert anchored(_ev(text=ANCHOR_TEXT + 0.05))              # the paper's words read as the tag


def test_unanchored_candidates_are_never_offered_to_the_model():
    ev = {"quantization": _ev(text=0.02, embedding=0.95),
          "hardware-accelerator": _ev(keywords=0.4, text=0.5, cues=["accelerator (title)"]),
          "edge-mobile": _ev(keywords=0.3, text=0.3, cues=["microcontroller"])}
    scored = [(0.6, "quantization", {}), (0.5, "hardware-accelerator", {}), (0.4, "edge-mobile", {})]
    # quantization: no anchor; edge-mobile (central): its only cue is in the body
    assert [c[1] for c in candidates(scored, ev, {"edge-mobile"}, False)] == ["hardware-accelerator", "edge-mobile"]
    assert [c[1] for c in candidates(scored, ev, {"edge-mobile"}, True)] == ["hardware-accelerator"]
    always = {"weights": [5.0] + [0.0] * (len(FEATURES) - 1), "threshold": 0.5, "min_top": 0.2, "central_rule": "soft"}
    assert [t for _, t, _ in accept(scored, ev, (KINDS, {"edge-mobile"}), 0.35, always)] == \
        ["hardware-accelerator", "edge-mobile"]
    assert [t for _, t, _ in accept(scored, ev, (KINDS, {"edge-mobile"}), 0.35, {**always, "central_rule": "hard"})] == \
        ["hardware-accelerator"]


def test_a_central_tag_needs_one_of_its_cues_even_when_soft():
    # Invented: a text with no platform word at all; the text model leans to datacenter-cloud.
    ev = {"datacenter-cloud": _ev(keywords=0.0, text=0.3), "hardware-accelerator": _ev(keywords=0.2, text=0.3)}
    scored = [(0.5, "datacenter-cloud", {}), (0.4, "hardware-accelerator", {})]
    assert [c[1] for c in candidates(scored, ev, {"datacenter-cloud"}, False)] == ["hardware-accelerator"]


def test_a_central_tag_named_only_in_the_body_is_marked_for_the_model():
    # Invented: "microcontroller" only in a body sentence; "accelerator" in the title.
    ev = {"hardware-accelerator": _ev(keywords=0.4, text=0.5, cues=["accelerator (title)"]),
          "edge-mobile": _ev(keywords=0.3, text=0.3, cues=["microcontroller"])}
    cands = [(0.5, "hardware-accelerator", {}), (0.4, "edge-mobile", {})]
    col = FEATURES.index("central_in_body")
    rows = candidate_rows(cands, ev, (KINDS, {"edge-mobile"}), 0.35)
    assert [r[col] for r in rows] == [0.0, 1.0]
    ev["edge-mobile"].cues = ["microcontroller (claim)"]       # now in the main-claim sentence
    assert candidate_rows(cands, ev, (KINDS, {"edge-mobile"}), 0.35)[1][col] == 0.0


def test_text_rank_orders_candidates_by_the_text_model_not_by_the_hand_score():
    ev = {"quantization": _ev(keywords=0.5, text=0.2), "hardware-accelerator": _ev(keywords=0.3, text=0.7)}
    cands = [(0.7, "quantization", {}), (0.5, "hardware-accelerator", {})]
    rows = candidate_rows(cands, ev, (KINDS, set()), 0.35)
    col = FEATURES.index("text_rank")
    assert [r[col] for r in rows] == [0.5, 1.0]                # hardware-accelerator reads first in words
    assert [r[FEATURES.index("inverse_rank")] for r in rows] == [1.0, 0.5]
