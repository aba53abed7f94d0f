"""Does a candidate paper say each constraint of a set question, in any words? A meaning check per
constraint, for the set-membership scorer (agent/qa/set_membership.py).

The lexical features there ask whether a paper uses the question's words; a member that says the
subject in other words ("optimised with gradients" for "differentiable") fails them. Here the question
is split into its constraint groups (the subject and the qualifier groups that must hold, as
agent/qa/set_concepts.py reads them), each group's phrase and each sentence of the paper (title
included) are embedded with the store's MiniLM, and a group's evidence is its best sentence's cosine.
The weakest group decides: a member must say every constraint somewhere.

Features (FEATURES): `mean_min` / `mean_avg` the weakest group's / the groups' mean best cosine;
`mean_subj` the subject's; `mean_rel_min` each group's cosine relative to the best candidate's for that
group, weakest group; `mean_z_min` / `mean_z_avg` each group's cosine z-scored over the candidates,
weakest / mean. Sentence vectors are cached in memory per paper id and text.

Used by agent/qa/set_extend.py (one-paper set answers) with sentence vectors kept in the store;
bench/set_cut.py --meaning and bench/set_extend.py have the leave-one-file-out figures.
"""

from __future__ import annotations

import hashlib

FEATURES = ("mean_min", "mean_avg", "mean_subj", "mean_rel_min", "mean_z_min", "mean_z_avg")
MUST = 0.5          # a qualifier group the question may not require (agent/qa/constraint_words.py) is skipped
_SENTENCES: dict[str, "object"] = {}     # paper key -> (n_sentences, dim) unit vectors


def constraint_phrases(concepts) -> list[str]:
    """The question's constraint groups as it wrote them: the subject first, then each qualifier
    that must hold (soft verbs and groups the question may not require are left out)."""
    out = [concepts.subject.surface] if concepts.subject is not None else []
    out += [g.surface for g in concepts.qualifiers if g.must >= MUST and not g.verb and not g.generic]
    return [p for p in dict.fromkeys(p.strip() for p in out) if p]


def alternatives(phrase: str) -> list[str]:
    """A group the question spelled out as alternatives ("RNNs / LSTMs") is met by any one of them."""
    return [a.strip() for a in phrase.split(" / ") if a.strip()] or [phrase]


def paper_sentences(title: str, abstract: str) -> list[str]:
    from core.text import split_sentences

    return [s for s in [title or ""] + (split_sentences(abstract) or [abstract]) if s.strip()]


def _key(pid: str, title: str, abstract: str) -> str:
    return pid + ":" + hashlib.sha1(f"{title}\0{abstract}".encode()).hexdigest()[:12]


def sentence_vectors(papers: list, embed=None) -> dict[str, "object"]:
    """Paper id -> its sentences' unit vectors, embedding in one batch only the papers not cached."""
    import numpy as np

    if embed is None:
        from store.embeddings import embed
    keys = {p.id: _key(p.id, p.title or "", p.abstract or "") for p in papers}
    todo = [p for p in papers if keys[p.id] not in _SENTENCES]
    if todo:
        texts = [paper_sentences(p.title or "", p.abstract or "") for p in todo]
        vecs = embed([s for ss in texts for s in ss]) if any(texts) else np.zeros((0, 384), np.float32)
        at = 0
        for p, ss in zip(todo, texts):
            _SENTENCES[keys[p.id]] = vecs[at:at + len(ss)]
            at += len(ss)
    return {p.id: _SENTENCES[keys[p.id]] for p in papers}


def group_scores(phrase_vecs, owner: list[int], sent_vecs: dict) -> dict[str, list[float]]:
    """Paper id -> per constraint group, the cosine of the paper's best sentence to the group's best
    alternative (`owner[i]`: the group of alternative phrase i)."""
    n = max(owner, default=-1) + 1
    out = {}
    for pid, sv in sent_vecs.items():
        best = [0.0] * n
        if len(sv):
            for g, v in zip(owner, (phrase_vecs @ sv.T).max(axis=1)):
                best[g] = max(best[g], float(v))
        out[pid] = best
    return out


def features(scores: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Paper id -> FEATURES from the per-group best cosines (no groups: neutral values). The `_rel`
    and `_z` forms compare a candidate with the question's other candidates, group by group: phrase
    cosines differ in scale from one phrase to the next."""
    import numpy as np

    if not scores or not next(iter(scores.values())):
        return {pid: dict.fromkeys(FEATURES, 0.0) for pid in scores}
    ids = list(scores)
    a = np.array([scores[pid] for pid in ids])
    rel = a / np.where(a.max(0) > 0, a.max(0), 1.0)
    z = (a - a.mean(0)) / (a.std(0) + 1e-6)
    return {pid: {"mean_min": float(a[i].min()), "mean_avg": float(a[i].mean()), "mean_subj": float(a[i, 0]),
                  "mean_rel_min": float(rel[i].min()), "mean_z_min": float(z[i].min()),
                  "mean_z_avg": float(z[i].mean())} for i, pid in enumerate(ids)}


def candidate_meaning(concepts, papers: list, fallback: str = "", embed=None,
                      sentence_embed=None) -> dict[str, dict[str, float]]:
    """Paper id -> FEATURES for the candidates `papers` of a question read as `concepts`; a question
    with no constraint group read (an entity or claims question) is checked as one `fallback` phrase.
    `sentence_embed` (default `embed`) embeds the papers' sentences, e.g. from stored vectors."""
    if embed is None:
        from store.embeddings import embed
    groups = constraint_phrases(concepts) or ([fallback] if fallback else [])
    if not groups or not papers:
        return features({p.id: [] for p in papers})
    alts = [(g, a) for g, phrase in enumerate(groups) for a in alternatives(phrase)]
    phrase_vecs = embed([a for _, a in alts])
    sents = sentence_vectors(papers, sentence_embed or embed)
    return features(group_scores(phrase_vecs, [g for g, _ in alts], sents))
