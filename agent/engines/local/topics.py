"""Topic tags from the fixed taxonomy (LABELLING.md §4), explainably, without a network.

Three signals rank the candidate tags, each normalised to [0, 1] per tag:
- keywords: weighted cue phrases from agent/data/taxonomy.yaml. Title hits count double; tags
  marked `central` (platform/domain tags that §4 only wants when central) count body mentions at
  a fraction, because only the title and the main-claim sentence make them central.
- embedding: cosine similarity of title+abstract to each tag's description (bundled MiniLM).
- neighbours: votes of the most similar hand-labelled fixture abstracts (evals/fixtures/claims),
  skipping any fixture whose abstract is the input itself so evaluation is not self-fulfilling.
The learned acceptor (topic_acceptor.py) then decides which candidates to keep, from those signals
plus: the share of sentences with a cue of the tag and of the authors'-own-work sentences with one
(topic_cues.keyword_scan), and, with embeddings, a nearest-centroid score and a ridge probe fitted
at run time on the labelled papers, each leaving the input itself out (topic_profiles.py), and a
ridge text model over the words and word pairs of the labelled papers (plus the hardware classes and
speedup metrics the claim extractor finds, and each tag's definition as a row of its own), also
fitted at run time and leave-one-out for a labelled input (topic_text.py). A candidate needs a
lexical anchor (one of its cues, or the text model reading it in the paper's words): the embedding
signals alone would tag a word taken out of its sense (a quantum-physics paper as quantization).
The cue machinery (taxonomy parsing, the cue index, region-weighted keyword scores) is topic_cues.py.
Then the §4 rules apply: 1-4 tags, `nlp` dropped when
`llm-serving` or `kv-cache` is present, `other` only when nothing clears the bar, techniques
ordered before workloads and platforms. Every TopicTag lists the signals that carried it;
`TopicTagger.explain()` gives the matched cues and neighbour ids behind them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from agent.engines.local.topic_acceptor import accept, load_model
from agent.engines.local.topic_cues import (TAXONOMY_PATH, Cue, CueIndex, TagSpec,  # noqa: F401 (re-exported)
                                            keyword_evidence, keyword_scan, load_taxonomy, normalise)
from core.models import TopicTag

KW_HALF = 4.0            # raw keyword score that maps to 0.5
W_KEYWORDS, W_EMBEDDING, W_NEIGHBOURS = 0.6, 0.2, 0.3
ABS_MIN, REL_MIN = 0.35, 0.40       # a tag needs both to be kept
ABS_MIN_KEYWORDS_ONLY = 0.40
NN_K, NN_MIN_SIM = 5, 0.30
EMB_RESCUE = 0.8         # embedding evidence that alone beats the `other` fallback
PROTO_CUES = 8           # strongest cue phrases appended to a tag description for embedding
TEXT_PRIOR_CUES = 40     # cue phrases in a tag's prior row of the text model (leave-one-file-out dev-ext)
KIND_PRIOR = {"technique": 1.0, "workload": 0.7, "platform": 0.6}
SIGNAL_SHARE = 0.25      # a signal is named when it supplied at least this share of the score
LLM_TAGS = frozenset({"llm-serving", "kv-cache"})


@dataclass
class Evidence:
    """Per-tag signal values in [0, 1] plus what produced them (for explain())."""

    keywords: float = 0.0
    embedding: float = 0.0
    neighbours: float = 0.0
    spread: float = 0.0         # share of sentences with a cue of the tag (keyword_scan)
    own_work: float = 0.0       # share of the sentences about the authors' own work with a cue of it
    centroid: float = 0.0       # how far the paper stands out towards the tag's labelled papers (z)
    probe: float = 0.0          # ridge read-out of the embedding for the tag (topic_profiles.py)
    text: float = 0.0           # ridge read-out of the paper's words and word pairs (topic_text.py)
    cues: list[str] = field(default_factory=list)
    neighbour_ids: list[str] = field(default_factory=list)


@dataclass
class _Fixture:
    id: str
    abstract: str
    topics: list[str]
    title: str | None = None



def default_fixture_paths() -> list[Path]:
    """The hand-labelled claims fixtures shipped with the evals package (none if absent). The
    blind-ext files are held out: they are scored once and must never inform a prediction."""
    root = Path(__file__).resolve().parents[3] / "evals" / "fixtures" / "claims"
    paths = sorted(root.glob("*.jsonl")) if root.is_dir() else []
    return [p for p in paths if not p.name.startswith("blind_ext_")]


def load_fixtures(paths: list[Path]) -> list[_Fixture]:
    """Labelled abstracts, one per distinct abstract text (pages repeat papers)."""
    seen: set[str] = set()
    out = []
    for path in paths:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        for rec in (json.loads(line) for line in lines if line.strip()):
            text = rec.get("abstract", "").strip()
            if text and text not in seen and rec.get("topics"):
                seen.add(text)
                out.append(_Fixture(rec.get("id", ""), text, list(rec["topics"]), rec.get("title")))
    return out


def _prototype_text(spec: TagSpec, n_cues: int = PROTO_CUES) -> str:
    """What a tag 'looks like' to the embedding model: its definition plus its strongest cues."""
    cues = sorted((c for c in spec.cues if c.weight > 0 and c.pattern is None),
                  key=lambda c: -c.weight)[:n_cues]
    phrases = ", ".join(c.phrase.rstrip("*") for c in cues)
    return f"{spec.name.replace('-', ' ')}: {spec.description}. {phrases}"


def embed_text(title: str | None, abstract: str) -> str:
    return f"{title}. {abstract}" if title else abstract


EMBED_RECIPE = "minilm-unpadded"   # names embed_each's vectors where they are stored (store/text_vectors.py)


def embed_each(texts: list[str]) -> Any:
    """The tagger's vectors: each text embedded on its own (a batch of one row, so no padding). Padded
    length buckets make a vector depend in its last bits on its batch-mates; alone, it depends on the
    text only, so a vector stored by an earlier run is the one this run would compute. On the seeds
    the tags and scores are the same as with buckets, at the same CPU time (10.6 s for 173 papers)."""
    from store.embeddings import embed

    return embed(texts, batch_size=1)


class TopicTagger:
    """Holds the taxonomy and (lazily) the embedded prototypes and labelled neighbours."""

    def __init__(self, taxonomy_path: str | Path | None = None,
                 fixture_paths: list[Path] | None = None, neighbour_max_sim: float = 1.01):
        self.taxonomy = load_taxonomy(str(taxonomy_path) if taxonomy_path else None)
        self.index = CueIndex(self.taxonomy)
        self.kinds = {name: spec.kind for name, spec in self.taxonomy.items()}
        self.central = {name for name, spec in self.taxonomy.items() if spec.central}
        self.fixture_paths = fixture_paths
        # Neighbours at or above this cosine count as the same paper and are skipped; the default
        # only skips identical text (handled separately); evaluations can set e.g. 0.95.
        self.neighbour_max_sim = neighbour_max_sim
        self._lock = threading.Lock()
        self._protos: Any = None
        self._fixtures: list[_Fixture] | None = None
        self._fixture_vecs: Any = None
        self._learned_profiles: Any = None
        self._text_probe: Any = None
        self._keep_text_fit = True      # the default labelled set: its text-model fit is cached on disk

    # -- lazily built embedding state ------------------------------------------------------------
    def _prototypes(self) -> Any:
        with self._lock:
            if self._protos is None:
                from store.embeddings import embed_cached

                names = [n for n in self.taxonomy if n != "other"]
                texts = [_prototype_text(self.taxonomy[n]) for n in names]
                # Fixed for a given taxonomy: embedded once per machine, keyed by the texts' hash.
                self._protos = (names, embed_cached(texts, "tag-prototypes"))
            return self._protos

    def _labelled(self) -> list[_Fixture]:
        """The labelled fixtures (no embedding needed: keyword-only tagging reads their tags)."""
        with self._lock:
            if self._fixtures is None:
                paths = self.fixture_paths if self.fixture_paths is not None \
                    else default_fixture_paths()
                self._fixtures = load_fixtures(paths)
            return self._fixtures

    def _neighbour_index(self) -> tuple[list[_Fixture], Any]:
        self._labelled()
        with self._lock:
            if self._fixture_vecs is None and self._fixtures:
                from store.embeddings import embed_cached

                self._fixture_vecs = embed_cached([f.abstract for f in self._fixtures],
                                                  "labelled-neighbours") if self._fixtures else None
            return self._fixtures, self._fixture_vecs

    def without(self, abstracts: set[str]) -> "TopicTagger":
        """A tagger whose labelled papers exclude these abstracts (leave-one-file-out: a held-out
        file's papers must not vote for each other, as a new blind file's papers cannot)."""
        import copy

        fixtures = self._labelled()
        other = copy.copy(self)
        other._lock = threading.Lock()
        keep = [i for i, f in enumerate(fixtures) if f.abstract not in abstracts]
        other._fixtures = [fixtures[i] for i in keep]
        if self._fixture_vecs is not None:
            other._fixture_vecs = self._fixture_vecs[keep] if keep else None
        other._learned_profiles = None
        other._text_probe = None
        other._keep_text_fit = False    # held-out variants are evaluation-only: not worth a cache file
        return other

    def _profiles(self) -> Any:
        """Centroids and the ridge probe of the labelled papers (topic_profiles.py), built once."""
        fixtures, vecs = self._neighbour_index()
        with self._lock:
            if self._learned_profiles is None and len(fixtures) >= 2:
                from agent.engines.local.topic_profiles import LabelledProfiles

                self._learned_profiles = LabelledProfiles([n for n in self.taxonomy if n != "other"],
                                                   [f.topics for f in fixtures],
                                                   [f.abstract for f in fixtures], vecs)
            return self._learned_profiles

    def _text_model(self) -> Any:
        """The ridge text model of the labelled papers (topic_text.py), fitted once."""
        fixtures = self._labelled()
        with self._lock:
            if self._text_probe is None and len(fixtures) >= 2:
                from agent.engines.local.topic_text import TextProbe, TextSetup

                names = [n for n in self.taxonomy if n != "other"]
                # Each tag's definition and cues are a training row of its own (TextSetup.priors).
                setup = TextSetup(priors=tuple(_prototype_text(self.taxonomy[n], TEXT_PRIOR_CUES) for n in names))
                self._text_probe = TextProbe(names, [f.topics for f in fixtures], [f.abstract for f in fixtures],
                                             [f.title for f in fixtures], setup=setup, cache=self._keep_text_fit)
            return self._text_probe

    # -- signals ---------------------------------------------------------------------------------
    def embedding_evidence(self, title: str | None, abstract: str) -> dict[str, float]:
        """Embedding signal per tag for one paper (loads the embedding model on first use)."""
        return self._embedding_signal(embed_each([embed_text(title, abstract)])[0])

    def _embedding_signal(self, vec: Any) -> dict[str, float]:
        import numpy as np

        names, protos = self._prototypes()
        sims = protos @ vec
        # Raw MiniLM cosines sit in a narrow band; what matters is how far a tag stands out.
        z = (sims - sims.mean()) / (sims.std() + 1e-6)
        return {n: float(np.clip((zi - 1.0) / 2.0, 0.0, 1.0)) for n, zi in zip(names, z)}

    def _neighbour_signal(self, vec: Any, abstract: str) -> dict[str, tuple[float, list[str]]]:
        fixtures, vecs = self._neighbour_index()
        if not fixtures:
            return {}
        sims = vecs @ vec
        order = sims.argsort()[::-1]
        picked: list[tuple[float, _Fixture]] = []
        for i in order:
            f, s = fixtures[int(i)], float(sims[int(i)])
            if s < NN_MIN_SIM or len(picked) == NN_K:
                break
            if f.abstract == abstract.strip() or s >= self.neighbour_max_sim:
                continue  # the input itself (or the same paper): never vote for yourself
            picked.append((s - NN_MIN_SIM, f))
        total = sum(w for w, _ in picked)
        if total <= 0:
            return {}
        votes: dict[str, tuple[float, list[str]]] = {}
        for w, f in picked:
            for tag in f.topics:
                v, ids = votes.get(tag, (0.0, []))
                votes[tag] = (v + w / total, ids + [f.id])
        return votes

    def evidence(self, title: str | None, abstract: str, vec: Any = None) -> dict[str, Evidence]:
        """All signals for one paper; `vec` is its embedding, or None for keywords only."""
        ev: dict[str, Evidence] = {}
        found, shares = keyword_scan(title, abstract, self.taxonomy, self.index)
        for tag, (raw, cues) in found.items():
            spread, own_work = shares.get(tag, (0.0, 0.0))
            ev[tag] = Evidence(keywords=raw / (raw + KW_HALF), spread=spread, own_work=own_work, cues=cues)
        if vec is not None:
            for tag, val in self._embedding_signal(vec).items():
                ev.setdefault(tag, Evidence()).embedding = val
            profiles = self._profiles()
            if profiles is not None:
                for tag, val in profiles.centroid(vec, abstract).items():
                    ev.setdefault(tag, Evidence()).centroid = val
                for tag, val in profiles.probe(vec, abstract).items():
                    ev.setdefault(tag, Evidence()).probe = val
            text_model = self._text_model()
            if text_model is not None:
                for tag, val in text_model.scores(title, abstract).items():
                    ev.setdefault(tag, Evidence()).text = val
            for tag, (val, ids) in self._neighbour_signal(vec, abstract).items():
                if tag in self.taxonomy:
                    e = ev.setdefault(tag, Evidence())
                    e.neighbours, e.neighbour_ids = val, ids
        return ev

    # -- decisions -------------------------------------------------------------------------------
    def decide(self, ev: dict[str, Evidence], use_embeddings: bool, max_tags: int) -> list[TopicTag]:
        """Weighted sum of signals, then the LABELLING §4 rules."""
        floor = ABS_MIN if use_embeddings else ABS_MIN_KEYWORDS_ONLY
        scored = rank_candidates(ev, use_embeddings)
        top = scored[0][0] if scored else 0.0
        model = load_model()
        params = model and model["with_embeddings" if use_embeddings else "keywords_only"]
        kept = accept(scored, ev, (self.kinds, self.central), floor, params) if params else \
            [(s, t, p) for s, t, p in scored if s >= floor and s >= REL_MIN * top]
        if any(t in LLM_TAGS for _, t, _ in kept):
            kept = [k for k in kept if k[1] != "nlp"]
        kept = kept[:max(1, min(max_tags, 4))]
        if not kept and use_embeddings:
            kept = _embedding_rescue(ev)
        if not kept:
            return [TopicTag(tag="other", score=round(1.0 - top, 3), signals=["fallback"])]
        kept.sort(key=lambda k: k[0] * KIND_PRIOR[self.taxonomy[k[1]].kind], reverse=True)
        return [TopicTag(tag=t, score=round(s, 3), signals=_signals(s, p)) for s, t, p in kept]

    def tag_many(self, papers: list[tuple[str | None, str]], *, use_embeddings: bool = True,
                 max_tags: int = 4, embed_texts: Callable[[list[str]], Any] | None = None) -> list[list[TopicTag]]:
        """Tag several papers; with embeddings, all are embedded in one call (fanned out over threads).
        `embed_texts`: where the vectors come from (default embed_each); a caller with a store passes
        one that reuses stored vectors (store/text_vectors.py); it must return embed_each's vectors."""
        vecs: Any = [None] * len(papers)
        if use_embeddings and papers:
            vecs = (embed_texts or embed_each)([embed_text(t, a) for t, a in papers])
        return [self.decide(self.evidence(t, a, v), use_embeddings, max_tags)
                for (t, a), v in zip(papers, vecs)]

    def explain(self, title: str | None, abstract: str, *,
                use_embeddings: bool = True) -> dict[str, dict[str, Any]]:
        """Per-tag signal values, matched cues and neighbour ids (for provenance and debugging)."""
        vec = embed_each([embed_text(title, abstract)])[0] if use_embeddings else None
        ev = self.evidence(title, abstract, vec)
        return {t: {"keywords": round(e.keywords, 3), "embedding": round(e.embedding, 3),
                    "neighbours": round(e.neighbours, 3), "spread": round(e.spread, 3),
                    "own_work": round(e.own_work, 3), "centroid": round(e.centroid, 3),
                    "probe": round(e.probe, 3), "cues": e.cues[:6], "neighbour_ids": e.neighbour_ids}
                for t, e in sorted(ev.items(), key=lambda kv: -kv[1].keywords)}


def rank_candidates(ev: dict[str, Evidence], use_embeddings: bool) -> list[tuple[float, str, dict[str, float]]]:
    """(hand-weighted score, tag, weighted parts) of every tag but `other`, best first."""
    weights = {"keywords": W_KEYWORDS, "embedding": W_EMBEDDING, "neighbours": W_NEIGHBOURS} \
        if use_embeddings else {"keywords": 1.0}
    scored = []
    for tag, e in ev.items():
        if tag == "other":          # never a candidate: it is what is left when none fits
            continue
        parts = {k: w * getattr(e, k) for k, w in weights.items()}
        scored.append((sum(parts.values()), tag, parts))
    return sorted(scored, key=lambda c: (-c[0], c[1]))


def _embedding_rescue(ev: dict[str, Evidence]) -> list[tuple[float, str, dict[str, float]]]:
    """No tag cleared the bar, but one tag description matches very closely: better than `other`.
    Off-topic texts (bakeries, history) stay below EMB_RESCUE; in-domain paraphrases with no cue
    words (e.g. "reconstruct sharp high-resolution images") score above it."""
    tag = max((t for t in ev if t != "other"), key=lambda t: ev[t].embedding, default=None)
    if tag is None:
        return []
    e = ev[tag]
    if e.embedding < EMB_RESCUE:
        return []
    return [(W_EMBEDDING * e.embedding + W_NEIGHBOURS * e.neighbours, tag,
             {"embedding": W_EMBEDDING * e.embedding, "neighbours": W_NEIGHBOURS * e.neighbours})]


def _signals(score: float, parts: dict[str, float]) -> list[str]:
    named = [k for k, v in sorted(parts.items(), key=lambda kv: -kv[1])
             if score > 0 and v >= SIGNAL_SHARE * score]
    return named or [max(parts, key=parts.get)]


@lru_cache(maxsize=1)
def default_tagger() -> TopicTagger:
    """The process-wide tagger (taxonomy parsed once; embeddings built on first use)."""
    return TopicTagger()


def tag_topics(title: str | None, abstract: str, *, use_embeddings: bool = True,
               max_tags: int = 4, embed_texts: Callable[[list[str]], Any] | None = None) -> list[TopicTag]:
    """1-4 taxonomy tags for one paper, most central first, each with its deciding signals."""
    return default_tagger().tag_many([(title, abstract)], use_embeddings=use_embeddings,
                                     max_tags=max_tags, embed_texts=embed_texts)[0]
