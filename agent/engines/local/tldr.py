"""One-sentence TL;DR by extraction plus compression (deterministic, offline).

Split the abstract into sentences; compress each (tldr_compress); offer also a tighter and a longer
version and fusions with the next sentence or a results sentence's headline number
(tldr_features.candidates); a linear model fitted on SciTLDR train (agent/data/tldr_model.json,
written by tldr_train.py) picks one. Every output word is copied from the abstract (LaTeX rendered),
and a final guard rejects any candidate containing a number that the abstract does not contain
(or a URL), or that is not a whole sentence (tldr_grammar: a cut before a clause's verb, a trailing
preposition, an unclosed bracket, a subordinate clause with no main clause, ...).
"""

from __future__ import annotations

from agent.engines.local.tldr_compress import (DANGLING, HARD_MAX_WORDS, clean_latex, content_words, finish,
                                               foreign_numbers, main_claim_index, shorten, strip_boilerplate,
                                               usable, whole_prefix, words)
from agent.engines.local.tldr_features import rank_candidates
from agent.engines.local.tldr_grammar import is_whole_sentence
from core.text import split_sentences

__all__ = ["HARD_MAX_WORDS", "clean_latex", "content_words", "finish", "foreign_numbers", "main_claim_index",
           "make_tldr", "shorten", "strip_boilerplate"]


def make_tldr(abstract: str, title: str | None = None) -> str:
    """One sentence (<= 35 words) copied and compressed from the abstract, chosen by the learned
    candidate scorer (tldr_features, weights fitted on SciTLDR train). The title is not used: the
    model was fitted, and is measured, on abstracts alone."""
    sentences = split_sentences(abstract or "")
    if not sentences:
        return finish(title or "")
    ranked = rank_candidates(sentences)
    for _, cand in ranked:
        out = finish(cand.text)
        # one sentence once LaTeX is rendered: "... optimizations. \\emph{X} optimizes ..." is two
        if (out and len(words(out)) <= HARD_MAX_WORDS and usable(out, abstract) and len(split_sentences(out)) == 1
                and is_whole_sentence(out)):
            return out
    # Nothing passed (every candidate too long, a fragment, or carrying a rewritten number): cut the
    # top one at the last boundary that leaves a whole sentence, else at the word budget.
    first = strip_boilerplate(sentences[ranked[0][1].index] if ranked else sentences[0])
    whole = whole_prefix(clean_latex(first).rstrip(" .;:"), HARD_MAX_WORDS)
    if whole:
        return finish(whole)
    return finish(split_sentences(DANGLING.sub("", " ".join(words(first)[:HARD_MAX_WORDS])))[0])
