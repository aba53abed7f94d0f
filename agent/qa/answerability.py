"""Does the best-retrieved paper answer the question? A calibrated decision, not one threshold.

Two stages:
1. *Is retrieval confident about a paper?* The question names the paper (a rare word of its title or
   system name), or the paper *stands out of the pack*: its dense similarity to the question exceeds
   the mean similarity of the next PACK_SIZE papers by at least PACK_MIN (`pack`). A paraphrase in a
   user's own words has a low absolute similarity and shares few rare words with its paper, but its
   paper still stands clear of the rest; a question on a task no paper covers has several papers
   equally (un)related to it. PACK_MIN is chosen by `python -m bench.qa_calibrate` (balanced accuracy,
   leave-one-out) on evals/fixtures/qa.jsonl and qa_dev.jsonl, never on the blind files.
   A small logistic model over retrieval evidence gives `probability`, used to rank and show the
   closest papers when no paper is answered from:
   - `cos`: dense similarity of the question to the paper's best chunk;
   - `margin`: how far that is above the best other paper;
   - `bm25_ratio` (log): BM25 score of the paper over the next paper's;
   - `agree`: the paper is rank 1 for both BM25 and dense;
   - `coverage`: IDF-weighted share of the question's words the paper (title, abstract, TL;DR) uses;
   - `unknown`: IDF-weighted share of the question's words no paper in the corpus uses.
   The weights are fitted by `python -m bench.qa_calibrate` on evals/fixtures/qa.jsonl and
   qa_dev.jsonl (never on qa_blind.jsonl), which prints precision and coverage of the decision.
2. *Does the paper meet every constraint the question names?* (agent/qa/constraints.py). A paper
   that retrieval is confident about but that misses a constraint becomes the `closest` answer with
   `missing` naming the constraint as the question wrote it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from agent.qa.text import term_set, terms

# Fitted by bench/qa_calibrate.py (logistic regression, balanced classes); see the module docstring.
WEIGHTS = {"cos": 0.84, "margin": 0.75, "bm25_ratio": 1.32, "agree": 1.08, "coverage": 1.14, "unknown": -1.33}
BIAS = -1.40
CUTOFF = 0.5          # P(answerable) of the logistic model (reported; the decision uses `pack`)
# Leave-one-out on qa.jsonl + qa_dev.jsonl (57 answerable-by-best-hit, 16 not), bench/qa_calibrate.py:
# pack >= 0.06 answers 51/57 and declines 15/16 (precision 0.98); the logistic decision at P >= 0.5
# answers 48/57 and declines 13/16. 0.05 declines only 12/16; 0.12 answers 42/57.
PACK_MIN = 0.06
PACK_SIZE = 9         # how many of the next dense hits make "the pack"
PACK_FLOOR = 3        # fewer other papers than this (a narrow filter) make no pack: P decides
NAME_MAX_DF = 3       # a title/system word used by at most this many papers names the paper


@dataclass
class Evidence:
    features: dict[str, float]
    named: bool = False
    probability: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        if "pack" not in self.features:     # too few papers to make a pack (a narrow filter): the model
            return self.named or self.probability >= CUTOFF
        return self.named or self.features["pack"] >= PACK_MIN

    def describe(self) -> str:
        if self.named:
            why = "named in the question"
        elif "pack" in self.features:
            why = f"stands out of the pack by {self.features['pack']:.3f} (answer from {PACK_MIN})"
        else:
            why = f"P(answerable)={self.probability:.2f} (cutoff {CUTOFF}; too few papers for a pack)"
        feats = ", ".join(f"{k} {v:.3f}" for k, v in self.features.items())
        return f"retrieval: {why}; {feats}"


def probability(features: dict[str, float]) -> float:
    z = BIAS + sum(WEIGHTS[k] * features.get(k, 0.0) for k in WEIGHTS)
    return 1.0 / (1.0 + math.exp(-z))


def evidence(question: str, best, hits: list, cosines: dict[str, float], bm25: dict[str, float], stats,
             tldr: str | None = None) -> Evidence:
    """Features of `best` (a Source) among `hits` (the ranked Sources) for `question`."""
    q_terms = term_set(question)
    cos = cosines.get(best.id, min(cosines.values(), default=0.0))
    others = [v for pid, v in cosines.items() if pid != best.id]
    bm_best = bm25.get(best.id, 0.0)
    bm_other = max((v for pid, v in bm25.items() if pid != best.id), default=0.0)
    top_dense = max(cosines, key=cosines.get) if cosines else None
    top_bm25 = max(bm25, key=bm25.get) if bm25 else None
    doc = term_set(" ".join(x for x in (best.title, best.abstract, tldr) if x))
    total = sum(stats.idf(t) for t in q_terms) or 1.0
    feats = {
        "cos": cos,
        "margin": cos - max(others, default=0.0),
        "bm25_ratio": math.log((bm_best + 1e-6) / (bm_other + 1e-6)) if bm_best and bm_other else 0.0,
        "agree": float(best.id == top_dense == top_bm25),
        "coverage": stats.coverage(q_terms, doc),
        "unknown": sum(stats.idf(t) for t in q_terms if stats.df.get(t, 0) == 0) / total,
    }
    ev = Evidence(feats, named=names_paper(question, best, stats))
    if len(others) >= PACK_FLOOR:
        ev.features["pack"] = standout(cos, others)
    ev.probability = probability(feats)
    return ev


def standout(cos: float, others: list[float]) -> float:
    """Dense similarity above the mean of the next PACK_SIZE papers' (0 when there is no pack)."""
    pack = sorted(others, reverse=True)[:PACK_SIZE]
    return cos - sum(pack) / len(pack) if pack else 0.0


_TEX_SUPERSCRIPT = re.compile(r"\$\^\{?(\w+)\}?\$")


def names_paper(question: str, src, stats) -> bool:
    """The question uses a rare word of the paper's name: its title before ':' or the system it names."""
    from agent.qa.text import named_system

    head = (src.title or "").split(":")[0] if src.title and ":" in src.title else ""
    head = _TEX_SUPERSCRIPT.sub(r"\1", head)    # "SoD$^2$" is written "SoD2" in a question
    name_words = set(terms(f"{head} {named_system(src.abstract) or ''}"))
    rare = {t for t in name_words if stats.df.get(t, 0) <= NAME_MAX_DF and len(t) >= 3 and not t.isdigit()}
    if rare & term_set(question):
        return True
    # A system name the question writes as one ("SwitchBlade", "eLLM", "DKN") that the paper's text
    # uses and at most NAME_MAX_DF papers do: an acronym match, wherever the abstract introduces it.
    text = _TEX_SUPERSCRIPT.sub(r"\1", f"{src.title or ''} {src.abstract}")
    have = term_set(text)
    return any(t in have and stats.df.get(t, 0) <= NAME_MAX_DF for t in _identifiers(question))


_IDENTIFIER = re.compile(r"(?<![\w-])([A-Za-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z][a-z]+[A-Z]\w*)(?![\w-])")


def _identifiers(question: str) -> set[str]:
    """Stemmed words of the question written like names: an upper-case letter after the first."""
    out = set()
    for m in _IDENTIFIER.finditer(question):
        word = m.group(1)
        if any(c.isupper() for c in word[1:]) and len(word) >= 3:
            out |= term_set(word)
    return out


def uncovered_phrase(question: str, doc_text: str, stats, max_words: int = 4) -> str | None:
    """The run of adjacent question words the paper does not use that weighs most (IDF): what a
    decline names as not covered ("photonic optical" for a photonic-accelerator question)."""
    from agent.qa.text import STOP, stem, tokens

    have = term_set(doc_text)
    runs: list[list[str]] = [[]]
    for word in _surface_words(question):
        content = [t for t in tokens(word.lower()) if t not in STOP and len(t) > 1]
        if content and all(stem(t) not in have for t in content):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])

    def weight(run: list[str]) -> float:
        return sum(stats.idf(stem(t)) for w in run for t in tokens(w.lower()) if t not in STOP)

    best = max((r[:max_words] for r in runs if r), key=weight, default=None)
    return " ".join(best).strip(" ,.?()") if best else None


def _surface_words(question: str) -> list[str]:
    import re

    return [w.strip("().,;:") for w in re.findall(r"[A-Za-z0-9(][\w.+/()-]*", question.rstrip("?"))]


def check_constraints(question: str, answer, ctx):
    """The constraint check of the local engine, applied to an answer drafted elsewhere (the LLM
    agent): when no cited paper meets every constraint the question names, the answer becomes the
    `closest` shape with `missing`; cited papers that miss one are reported in `notes`."""
    from agent.qa.constraints import paper_facts, question_constraints, unmet
    from agent.qa.tools import paper_extraction

    wanted = question_constraints(question)
    if answer.insufficient or not wanted or not answer.citations:
        return answer
    misses = {}
    for c in answer.citations:
        ext = paper_extraction(ctx, c.id)
        misses[c.id] = unmet(wanted, paper_facts(c.title, c.abstract, ext, ext.get("tldr")))
    for c in answer.citations:
        if misses[c.id]:
            answer.notes.append(f"[{c.n}] does not meet: " + ", ".join(m.surface for m in misses[c.id]))
    if all(misses.values()):
        surfaces = list(dict.fromkeys(m.surface for ms in misses.values() for m in ms))
        answer.answer = ("No paper here answers this exactly (not covered: " + "; ".join(f'"{m}"' for m in surfaces)
                         + "); closest:\n" + answer.answer)
        answer.insufficient, answer.confidence, answer.missing = True, "closest", surfaces
    return answer
