"""Keyword cues of the topic taxonomy (agent/data/taxonomy.yaml): parsing, a one-pass cue index, and
the per-tag keyword score by region (title, main-claim sentence, body). Split out of topics.py.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agent.engines.local.tldr_compress import main_claim_index
from core.text import split_sentences

TAXONOMY_PATH = Path(__file__).resolve().parents[2] / "data" / "taxonomy.yaml"

# Region weights of a keyword hit (see topics.py's docstring).
TITLE_BOOST, CLAIM_BOOST, CENTRAL_BODY = 2.0, 1.0, 0.3

@dataclass(frozen=True)
class Cue:
    phrase: str
    weight: float
    words: tuple[str, ...]               # normalised words; the last is a prefix when `star`
    star: bool
    pattern: re.Pattern[str] | None      # only for "re:" cues


@dataclass(frozen=True)
class TagSpec:
    name: str
    kind: str
    central: bool
    description: str
    cues: tuple[Cue, ...]



def normalise(text: str) -> str:
    """Lowercase; punctuation and hyphens become spaces, so cues match across spelling variants."""
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()).strip() + " "


def _make_cue(phrase: str, weight: float) -> Cue:
    if phrase.startswith("re:"):
        return Cue(phrase, weight, (), False, re.compile(phrase[3:]))
    return Cue(phrase, weight, tuple(normalise(phrase).split()), phrase.rstrip().endswith("*"), None)


class CueIndex:
    """All cues of a taxonomy, indexed by first word, so one pass over the tokens finds them.

    Running ~600 regexes over three text regions is ~50x slower; keyword-only tagging must do
    thousands of abstracts per second.
    """

    def __init__(self, specs: dict[str, TagSpec]):
        self.by_first: dict[str, list[tuple[str, int, Cue]]] = {}
        self.by_prefix: dict[str, list[tuple[str, int, Cue]]] = {}  # one-word "quantiz*" cues
        self.regex: list[tuple[str, int, Cue]] = []
        for spec in specs.values():
            for i, cue in enumerate(spec.cues):
                entry = (spec.name, i, cue)
                if cue.pattern is not None:
                    self.regex.append(entry)
                elif cue.star and len(cue.words) == 1:
                    self.by_prefix.setdefault(cue.words[0], []).append(entry)
                elif cue.words:
                    self.by_first.setdefault(cue.words[0], []).append(entry)
        self.prefix_lengths = sorted({len(p) for p in self.by_prefix})

    def count(self, text: str) -> dict[tuple[str, int], int]:
        """Occurrences of each (tag, cue index) in normalised `text`."""
        toks = text.split()
        counts: dict[tuple[str, int], int] = {}
        for pos, tok in enumerate(toks):
            for tag, i, cue in self.by_first.get(tok, ()):
                if _matches_at(toks, pos, cue):
                    counts[(tag, i)] = counts.get((tag, i), 0) + 1
        for tok, n_tok in Counter(toks).items():   # one-word prefix cues: per distinct token
            for n in self.prefix_lengths:
                if n > len(tok):
                    break
                for tag, i, _ in self.by_prefix.get(tok[:n], ()):
                    counts[(tag, i)] = counts.get((tag, i), 0) + n_tok
        for tag, i, cue in self.regex:
            hits = len(cue.pattern.findall(text))  # type: ignore[union-attr]
            if hits:
                counts[(tag, i)] = hits
        return counts


def _matches_at(toks: list[str], pos: int, cue: Cue) -> bool:
    n = len(cue.words)
    if pos + n > len(toks):
        return False
    for k in range(1, n):
        last = k == n - 1
        if not (toks[pos + k].startswith(cue.words[k]) if last and cue.star
                else toks[pos + k] == cue.words[k]):
            return False
    return n > 1 or not cue.star


@lru_cache(maxsize=4)
def load_taxonomy(path: str | None = None) -> dict[str, TagSpec]:
    """The taxonomy file, parsed once per path."""
    import yaml

    raw = yaml.load(Path(path or TAXONOMY_PATH).read_text(encoding="utf-8"),
                    Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))   # libyaml: same data, faster
    specs = {}
    for name, item in raw["tags"].items():
        cues = tuple(_make_cue(str(p), float(w)) for p, w in (item.get("cues") or {}).items())
        specs[name] = TagSpec(name, item.get("kind", "technique"), bool(item.get("central")),
                              item["description"], cues)
    return specs


# A sentence where the authors speak of their own work ("we propose", "our kernels", "this paper").
OWN_WORK = re.compile(r" (?:we|our|this (?:paper|work|article|study)) ")


def _sentence_counts(index: CueIndex, abstract: str, title: str | None):
    """Cue counts of each sentence (normalised), which sentences speak of the authors' own work,
    and the index of the main-claim sentence."""
    sentences = split_sentences(abstract)
    if not sentences:
        return [], [], 0
    texts = [normalise(s) for s in sentences]
    return ([index.count(t) for t in texts], [bool(OWN_WORK.search(t)) for t in texts],
            main_claim_index(sentences, title))


def _add(total: dict, counts: dict) -> dict:
    for key, n in counts.items():
        total[key] = total.get(key, 0) + n
    return total


def keyword_scan(title: str | None, abstract: str, taxonomy: dict[str, TagSpec],
                 index: CueIndex | None = None) -> tuple[dict[str, tuple[float, list[str]]], dict[str, tuple[float, float]]]:
    """(raw keyword score per tag with the cues that fired, best first; per tag, the share of the
    abstract's sentences with a cue of it and the share of the sentences about the authors' own
    work with one). The shares tell a tag the paper is about from one mentioned in passing or only
    as background. Each sentence is scanned once; the regions are sums of sentences."""
    index = index or CueIndex(taxonomy)
    per_sentence, own_work, claim = _sentence_counts(index, abstract, title)
    t_cnt = index.count(normalise(title or ""))
    c_cnt = per_sentence[claim] if per_sentence else {}
    b_cnt: dict = {}
    for i, counts in enumerate(per_sentence):
        if i != claim:
            _add(b_cnt, counts)
    # The opening sentence states the problem the paper sets itself ("Deploying networks on
    # microcontrollers is constrained by ..."): a platform named there is central (marked only;
    # the score is the same)
    o_cnt = per_sentence[0] if per_sentence and claim != 0 else {}
    scores: dict[str, float] = {}
    fired: dict[str, list[tuple[float, str]]] = {}
    for key in set(t_cnt) | set(c_cnt) | set(b_cnt):  # only cues that occur: most never do
        tag, i = key
        spec = taxonomy[tag]
        cue = spec.cues[i]
        t = t_cnt.get(key, 0)
        hits = (TITLE_BOOST * t + CLAIM_BOOST * c_cnt.get(key, 0)
                + (CENTRAL_BODY if spec.central else 1.0) * b_cnt.get(key, 0))
        # log2(1+hits): repetition helps, but one cue cannot dominate by sheer count.
        contrib = cue.weight * math.log2(1.0 + hits)
        scores[tag] = scores.get(tag, 0.0) + contrib
        if contrib > 0:
            where = " (title)" if t else " (claim)" if c_cnt.get(key) else " (opening)" if o_cnt.get(key) else ""
            fired.setdefault(tag, []).append((contrib, cue.phrase + where))
    found = {tag: (score, [p for _, p in sorted(fired.get(tag, []), reverse=True)])
             for tag, score in scores.items() if score > 0}
    with_cue = {tag: [any(taxonomy[t].cues[i].weight > 0 for t, i in counts if t == tag) for counts in per_sentence]
                for tag in found}
    n_own = sum(own_work)
    return found, {tag: (sum(hit) / len(hit) if hit else 0.0,
                         sum(h and o for h, o in zip(hit, own_work)) / n_own if n_own else 0.0)
                   for tag, hit in with_cue.items()}


def keyword_evidence(title: str | None, abstract: str, taxonomy: dict[str, TagSpec],
                     index: CueIndex | None = None) -> dict[str, tuple[float, list[str]]]:
    """Raw keyword score per tag and the cues that fired, best first."""
    return keyword_scan(title, abstract, taxonomy, index)[0]
