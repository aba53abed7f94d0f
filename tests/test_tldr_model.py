"""Learned TL;DR writer (issue 15): the compressor on invented sentences, grounding of the output,
the shipped model file, and deterministic training on a small invented train file."""

from __future__ import annotations

import json
import math
import re
from collections import Counter

import pytest

from agent.engines.local import tldr_features as tf
from agent.engines.local import tldr_train
from agent.engines.local.tldr_compress import usable
from agent.engines.local.tldr import HARD_MAX_WORDS, content_words, make_tldr, shorten, strip_boilerplate
from core.text import split_sentences

DISCOURSE = [
    ("In this paper, we propose GraphMix, a regulariser for graph networks.",
     "we propose GraphMix, a regulariser for graph networks."),
    ("Here we introduce a sampler that avoids mode collapse.", "we introduce a sampler that avoids mode collapse."),
    ("To address this problem, we design a cache for sparse tensors.", "we design a cache for sparse tensors."),
    ("In this work we study the loss landscape of deep linear networks.",
     "we study the loss landscape of deep linear networks."),
]


@pytest.mark.parametrize("sentence,expected", DISCOURSE)
def test_leading_discourse_is_dropped(sentence, expected):
    assert strip_boilerplate(sentence) == expected


def test_citations_of_both_styles_are_dropped():
    s = ("Transformers (Vaswani et al., 2017; Devlin et al. 2019) dominate parsing (Lee and Kim, 2020) "
         "and tagging [3, 7] as argued in \\cite{smith20}.")
    assert strip_boilerplate(s) == "Transformers dominate parsing and tagging as argued in."


def test_example_parentheticals_go_but_content_parentheticals_stay():
    s = "We train agents on control tasks (e.g., walking and grasping) with sparse rewards (below 1%)."
    assert strip_boilerplate(s) == "We train agents on control tasks with sparse rewards (below 1%)."


def test_trailing_qualifiers_and_dangling_words_are_trimmed():
    assert shorten("We bound the error of A and B under noise and drift, respectively.") == \
        "We bound the error of A and B under noise and drift"
    assert shorten("We learn a planner that we") == "We learn a planner"       # no dangling "we"
    assert shorten("We prune filters with a learned mask for the") == "We prune filters with a learned mask"


def test_long_sentence_is_cut_at_a_clause_boundary_within_budget():
    s = ("we propose a memory-efficient optimiser for large language models which keeps only low-rank "
         "factors of the second moment while a separate scheduler adapts the rank to the gradient "
         "spectrum so that the memory stays flat when the batch size grows")
    out = shorten(s)
    assert out.startswith("we propose a memory-efficient optimiser")
    assert len(out.split()) <= 27 and not out.endswith(("which", "and", "the"))


def test_latex_noise_is_rendered_in_the_output():
    abstract = ("Training deep networks is slow. We propose FastProp, a solver reaching a "
                "$3.5\\times$ speedup over \\textit{Adam} on ImageNet.")
    out = make_tldr(abstract)
    assert "\\" not in out and "$" not in out


def test_candidates_include_tighter_and_fused_versions():
    sentences = split_sentences(
        "Sparse training is popular. We present SparseX. It masks weights with learned gates and "
        "regrows them by gradient magnitude. SparseX reaches a 2.1x speedup over dense training.")
    kinds = {(c.index, c.kind) for c in tf.candidates(sentences)}
    assert (1, "next") in kinds and (1, "headline") in kinds
    fused = next(c.text for c in tf.candidates(sentences) if (c.index, c.kind) == (1, "next"))
    assert fused.startswith("We present SparseX; it masks weights")


INVENTED = [
    "Graph neural networks struggle with long-range dependencies. In this paper, we propose RingPass, "
    "a message-passing scheme that routes information along learned cycles (see Smith et al., 2020). "
    "RingPass improves accuracy on five benchmarks by 4.2% on average. We also release our code.",
    "Large language models memorise training data. However, measuring memorisation is costly. "
    "We show that a cheap proxy based on loss curvature predicts extraction attacks, and we use it to "
    "audit three open models.",
    "We study federated learning under client drift. Existing methods assume identical data. We "
    "introduce DriftNorm which normalises client updates; experiments show it converges 2x faster.",
]


@pytest.mark.parametrize("abstract", INVENTED)
def test_output_is_grounded_bounded_one_sentence(abstract):
    out = make_tldr(abstract)
    source = set(content_words(abstract))
    assert set(content_words(out)) <= source, set(content_words(out)) - source
    assert len(out.split()) <= HARD_MAX_WORDS
    assert len(split_sentences(out)) == 1 and out.endswith(".")
    assert not re.search(r"\bwe\W*$|^we\b\W*(?:and|,)", out, re.I)      # no dangling "we"
    assert make_tldr(abstract) == out                                     # deterministic


def test_shipped_model_is_small_plain_and_consistent():
    text = tf.MODEL_PATH.read_text(encoding="utf-8")
    model = json.loads(text)
    assert len(text) < 20_000
    n = len(model["features"])
    assert n == len(model["weights"]) == len(model["mean"]) == len(model["scale"]) and n >= 20
    assert all(math.isfinite(w) for w in model["weights"]) and all(s > 0 for s in model["scale"])
    assert model["trained_on"]["file"] == "scitldr_train.jsonl" and model["trained_on"]["records"] == 1992
    assert {"rouge1", "rouge2", "rougeL"} <= set(model["train_cv"])


def test_features_of_a_candidate_cover_the_model_features():
    cands, feats = tf.featurize(split_sentences(INVENTED[0]))
    names = set(tf.load_model()["features"])
    assert cands and all(names >= set(f) for f in feats)


def test_content_features_prefer_a_compression_that_keeps_recurring_terms():
    sentences = split_sentences(
        "Sparse attention cuts transformer memory. We propose BandAttn, a sparse attention for long "
        "transformer inputs, tuned on Zorblax hardware. BandAttn keeps sparse attention exact.")
    bags = [set(content_words(s)) for s in sentences]
    doc_freq = Counter(w for bag in bags for w in bag)
    tight = tf.content_features("We propose BandAttn, a sparse attention for long transformer inputs",
                                bags[1], doc_freq)
    loose = tf.content_features("We propose BandAttn, tuned on Zorblax hardware", bags[1], doc_freq)
    assert tight["c_central"] > loose["c_central"]
    assert tight["c_rest_share"] > loose["c_rest_share"] and tight["c_rare"] < loose["c_rare"]
    assert loose["c_commas"] == 0.5


def test_a_candidate_with_a_url_is_never_the_tldr():
    abstract = ("We present TinyGrad, a small autodiff library for teaching "
                "https://example.org/tinygrad we also provide notebooks. "
                "TinyGrad runs the examples of the course in seconds.")
    assert not usable("TinyGrad is at https://example.org/tinygrad.", abstract)
    assert not usable("Code at www.example.org/x.", abstract)
    assert usable("TinyGrad runs the examples of the course in seconds.", abstract)
    out = make_tldr(abstract)
    assert "http" not in out and "example.org" not in out, out


def _invented_train_file(path):
    rows = []
    for i, abstract in enumerate(INVENTED * 4):
        sentences = split_sentences(abstract)
        target = strip_boilerplate(sentences[1 if i % 2 else -2])
        rows.append({"paper_id": f"p{i}", "source": sentences, "target": [target]})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_training_is_deterministic_and_learns_from_the_file(tmp_path):
    data = _invented_train_file(tmp_path / "scitldr_train.jsonl")
    first = tldr_train.dumps(tldr_train.train(data, config={"folds": 2}))
    second = tldr_train.dumps(tldr_train.train(data, config={"folds": 2}))
    assert first == second
    model = json.loads(first)
    assert model["trained_on"]["records"] == 12 and any(w != 0 for w in model["weights"])
    assert model["train_fit"]["rouge1"] > 0


def test_check_mode_reports_a_stale_model(tmp_path):
    data = _invented_train_file(tmp_path / "scitldr_train.jsonl")
    out = tmp_path / "model.json"
    assert tldr_train.main(["--train", str(data), "--out", str(out)]) == 0
    assert tldr_train.main(["--train", str(data), "--out", str(out), "--check"]) == 0
    out.write_text(out.read_text().replace('"weights"', '"weights" ', 1))
    assert tldr_train.main(["--train", str(data), "--out", str(out), "--check"]) == 1


def test_grounded_bounded_on_every_dev_abstract():
    """Issue 15 guarantees, on the 200 SciTLDR dev abstracts (LaTeX is rendered, so "top-$k$" may
    come out as "top-k": words are compared with the rendered abstract)."""
    from evals.loaders import load_scitldr, scitldr_abstract, scitldr_path

    if not scitldr_path().is_file():
        pytest.skip(f"SciTLDR sample not at {scitldr_path()}")
    from agent.engines.local.tldr import clean_latex

    for record in load_scitldr():
        abstract = scitldr_abstract(record)
        out = make_tldr(abstract)
        assert set(content_words(out)) <= set(content_words(clean_latex(abstract))), out
        assert len(out.split()) <= HARD_MAX_WORDS and len(split_sentences(out)) == 1, out
        assert not re.search(r"\bwe\W*$", out, re.I), out
