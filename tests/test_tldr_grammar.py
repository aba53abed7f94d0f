"""TL;DRs read as whole sentences: the fragment detector (tldr_grammar) on invented sentences, the
compressor moving a cut that would leave a fragment, and make_tldr never emitting one."""

from __future__ import annotations

import pytest

from agent.engines.local.tldr import make_tldr, shorten
from agent.engines.local.tldr_compress import whole_prefix
from agent.engines.local.tldr_features import candidates
from agent.engines.local.tldr_grammar import dangling_shapes, is_whole_sentence, learn_lexicon, verb_lexicon
from core.text import split_sentences

# One invented fragment per shape (none copied from SciTLDR).
FRAGMENTS = [
    ("trailing_function_word", "We design a scheduler that overlaps weight paging with the."),
    ("trailing_function_word", "We route packets across the mesh faster than the static router and."),
    ("trailing_function_word", "We compress activations of every layer with."),
    ("clause_without_verb", "We propose a paging cache which exploits an observation that the hottest key."),
    ("clause_without_verb", "We ask whether the tiled kernel of a sparse mesh."),
    ("clause_without_verb", "We describe a compiler in which every fused kernel of the pipeline."),
    ("clause_without_verb", "We tile the attention matrix so that a few blocks of each head."),
    ("unclosed_bracket", "We present TileCache (a cache for sparse tensors that stores blocks on chip."),
    ("unclosed_quote", 'We call this effect "gradient drift and bound it for tiled kernels.'),
    ("subordinate_only", "By proving that there exist compact routing tables for sparse meshes."),
    ("subordinate_only", "While the scratchpad is small and shared by all cores of the chip."),
    ("subordinate_only", "Although tiling halves memory traffic, for the sparse kernels of the mesh."),
    ("subordinate_only", "Based on our finding that there exists a sharp drop in cache hits for long prompts."),
    ("existential_without_coda", "We refute this belief by proving that there exist small mesh instances."),
    ("no_main_verb", "The compact routing table of a sparse mesh with bounded degree and shared links."),
]

WHOLE = [
    "We show that the router converges in linear time on sparse meshes.",
    "This paper presents a cache that stores hot blocks on chip.",
    "We propose a method that scales to large meshes and learns to do so.",
    "Although caches are small, we show that tiling halves memory traffic.",
    "By tiling the attention matrix, we cut memory traffic by half.",
    "We present TileCache (a cache for sparse tensors), which stores blocks on chip.",
    'We call this effect "gradient drift" and bound it.',
    "Our analysis shows that the loss converges.",
    "We give a scheduler with which to overlap paging and decoding.",
    "The compiler fuses kernels whose outputs fit in shared memory.",
    "We propose (a) a tiled kernel and (b) a scheduler for it.",
    "Most routers rely on static tables.",
    "We tile the attention matrix so that every block fits in shared memory.",
    "We prove that there exist meshes on which every greedy router fails.",
    "Based on this finding, we design a cache for long prompts.",
]

# Abstracts whose long sentences invite cuts that would dangle.
ABSTRACTS = [
    "Serving many small models on one accelerator wastes memory. We propose a paging cache, TileKV, which "
    "exploits an observation that the hottest key of every session for long dialogues stays resident in the "
    "first tile of the shared buffer during each decoding step across the tenants of a cluster. TileKV cuts "
    "memory use by 2.1x on three serving traces.",
    "By proving that there exist compact routing tables for sparse meshes with bounded degree and shared "
    "links between every pair of neighbouring tiles on the chip. We then design a router that uses these "
    "tables to send packets around congested regions of the mesh. Experiments show 30% lower latency.",
    "Sparse attention kernels waste bandwidth on irregular accesses. While the scratchpad of every streaming "
    "multiprocessor is small and shared by all warps of the kernel that runs on it during a single forward "
    "pass. In this work, we present a compiler pass that fuses element-wise kernels and reorders memory "
    "accesses so that the working set of every fused kernel fits in the shared scratchpad without spilling.",
    "Quantized networks lose accuracy at low bit widths (see the analysis of the rounding error of every "
    "layer in the appendix of the longer version. We introduce a mixed-precision scheme that assigns bit "
    "widths per channel using a learned sensitivity score, and show that it matches full precision.",
    'Pruning heuristics ignore the "interaction between layers of a deep network that share the same '
    "residual stream. We develop a pruning criterion that scores groups of filters jointly and removes "
    "40% of the filters with no loss in accuracy on image classification benchmarks.",
]


@pytest.mark.parametrize("shape,sentence", FRAGMENTS)
def test_detector_flags_each_fragment_shape(shape, sentence):
    assert shape in dangling_shapes(sentence), (shape, dangling_shapes(sentence))


@pytest.mark.parametrize("sentence", WHOLE)
def test_detector_passes_whole_sentences(sentence):
    assert dangling_shapes(sentence) == [], dangling_shapes(sentence)


@pytest.mark.parametrize("shape,sentence", FRAGMENTS)
def test_writer_never_emits_a_fragment_sentence(shape, sentence):
    """The fragment as one sentence of an abstract with a whole alternative: never the TL;DR."""
    abstract = (f"{sentence} We show that a tiled scheduler halves memory traffic on sparse meshes. "
                "The scheduler runs on commodity accelerators.")
    tldr = make_tldr(abstract)
    assert is_whole_sentence(tldr), (tldr, dangling_shapes(tldr))
    assert tldr.rstrip(".") != sentence.rstrip(".")


def test_a_cut_that_would_leave_a_that_clause_without_verb_is_moved():
    long = ABSTRACTS[0].split(". ")[1]
    out = shorten(long)
    assert is_whole_sentence(out), out
    assert not out.endswith("that the hottest key of every session")


def test_whole_prefix_stops_at_a_boundary_that_leaves_a_sentence():
    text = ("We design a scheduler that overlaps weight paging with decoding, which exploits an observation "
            "that the hottest key of every session stays resident")
    out = whole_prefix(text, 20)
    assert out is not None and is_whole_sentence(out) and len(out.split()) <= 20, out


@pytest.mark.parametrize("abstract", ABSTRACTS)
def test_every_tldr_and_every_emittable_candidate_is_a_whole_sentence(abstract):
    tldr = make_tldr(abstract)
    assert tldr and is_whole_sentence(tldr), (tldr, dangling_shapes(tldr))
    assert any(is_whole_sentence(c.text) for c in candidates(split_sentences(abstract)))


def test_verb_lexicon_is_learned_from_verb_positions(tmp_path):
    path = tmp_path / "train.jsonl"
    rows = ['{"source": ["We propose a router.", "It converges fast and we propose more.", '
            '"It converges again; it relies on tables which it relies on."], "target": ["x"]}']
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert learn_lexicon(path) == ["converge", "propose", "rely"]
    assert {"propose", "proposes", "converges", "relies"} <= verb_lexicon()


def test_shipped_verb_lexicon_matches_a_re_learn_from_train():
    from agent.engines.local import tldr_grammar
    from agent.engines.local.tldr_train import DEFAULT_TRAIN

    if not DEFAULT_TRAIN.is_file():
        pytest.skip(f"SciTLDR train not at {DEFAULT_TRAIN}")
    assert tldr_grammar.main(["--train", str(DEFAULT_TRAIN)]) == 0
