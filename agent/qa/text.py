"""Small text helpers for question answering: content words, light stemming, sentences, IDF.

Deliberately simple and deterministic; the question router and the relevance gate only need
"does this paper talk about the words of the question", not linguistics.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from core.text import STOPWORDS, label, named_system, stem  # noqa: F401 (label, named_system re-exported)

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*|\d+[A-Za-z]+[A-Za-z0-9]*")
# The shared stopword list plus the words that frame a question ("tell me", "list every", "which
# paper"), which say nothing about the topic being asked for.
# Words naming the kind of document asked for ("which thesis ...", "which preprint ..."): the question
# asks for one work, and the word is never a constraint an abstract must write (a thesis abstract says
# "this dissertation", or neither). Ambiguous ones ("book", "article" as data) are left out of STOP.
DOCUMENT_TYPES = frozenset("thesis theses dissertation dissertations preprint preprints manuscript manuscripts "
                           "monograph monographs whitepaper whitepapers".split())
STOP = STOPWORDS | DOCUMENT_TYPES | frozenset("""
tell list find name named explain detail details please let lets get gets give gives take takes
""".split())
# Abstracts keep their authors' LaTeX; a terminal shows what it means. Font commands keep their
# argument ("$\\mathsf{Nimbus}$" -> "Nimbus"), a few relation symbols become their characters
# ("$2.9\\times \\sim 12.5\\times$" -> "2.9× ~ 12.5×"), and a macro used bare ("\\bert{}") is its name.
_LATEX = ((re.compile(r"\$\s*\\times\s*\$|\\times"), "×"), (re.compile(r"\\%"), "%"), (re.compile(r"\\&"), "&"),
          (re.compile(r"\\(?:math|text)(?:sf|rm|bf|it|tt)\{([^{}$]*)\}|\\(?:text|emph|mbox)\{([^{}$]*)\}"), r"\1\2"),
          (re.compile(r"\\sim(?![A-Za-z])\s*"), "~ "), (re.compile(r"\\approx(?![A-Za-z])\s*"), "≈ "),
          (re.compile(r"\\pm(?![A-Za-z])\s*"), "±"),
          (re.compile(r"\\leq?(?![A-Za-z])\s*"), "≤ "), (re.compile(r"\\geq?(?![A-Za-z])\s*"), "≥ "),
          (re.compile(r"\\([A-Za-z]+)\{\}"), r"\1"),
          (re.compile(r"\$([^$]{0,40})\$"), r"\1"),
          # a scrape that lost the backslash leaves "2.8times faster", "1248times1248": a digit glued to
          # "times" is never the English word
          (re.compile(r"(?<=\d)times(?![A-Za-z])"), "×"))


def tokens(text: str) -> list[str]:
    """Lower-cased words; hyphenated compounds become their parts ("KV-cache" = "KV cache")."""
    out: list[str] = []
    for w in _WORD.findall(text):
        low = w.lower().rstrip(".")
        out.extend(p for p in low.split("-") if p) if "-" in low else out.append(low)
    return out


def terms(text: str) -> list[str]:
    """Stemmed content words, in order, duplicates kept."""
    return [stem(t) for t in tokens(text) if t not in STOP and (len(t) > 1 or t.isdigit())]


def term_set(text: str) -> set[str]:
    return set(terms(text))


def display(text: str) -> str:
    """Abstract LaTeX made readable for a terminal ("2.8$\\times$" -> "2.8×", "\\%" -> "%")."""
    for rx, rep in _LATEX:
        text = rx.sub(rep, text)
    return text


# Words that ask about speed ("speedup", "faster", "accelerate", "quicker") when no metric is named.
SPEED_METRICS = ("speedup", "latency", "tail latency", "throughput", "training time")   # what those words ask for
SPEED_WORDS = re.compile(r"\bspeed-?ups?\b|\bfaster\b|\baccelerat\w*|\bquicker\b", re.I)
# A question asking how fast something runs ("How fast is …", "at what speed"): its answer is a speed
# figure (speedup, latency, FPS, throughput), never a reduction of work.
ASKS_SPEED = re.compile(r"\bhow\s+(?:fast|quick(?:ly)?|slow)\b|\bat\s+what\s+speed\b|\bspeed\b(?!-?ups?\b)", re.I)
# What the words right after a figure say it measures, when that is a speed: "10x faster", "26 ms
# latency", "30 FPS", "2x speedup", "real-time" ...
SPEED_FIGURE = re.compile(r"\bspeed-?ups?\b|\bfaster\b|\baccelerat\w*|\bquicker\b|\blatency\b|\bthroughput\b|"
                          r"\bFPS\b|\bframes?\s+per\s+second\b|\bper\s+second\b|/s\b|\bms\b|\bseconds?\b|"
                          r"\bspeed\b|\bruntime\b|\brun\s*time\b|\bwall-?clock\b", re.I)
# ... and when it is an amount of work or of a resource that shrinks: a compute, FLOPs, memory,
# parameter, energy or storage figure ("10x computation reduction", "88% fewer FLOPs").
RESOURCE_FIGURE = re.compile(r"\bcomput\w*|\bFLOPs?\b|\bMACs?\b|\boperations\b|\bmemory\b|\bparameters?\b|"
                             r"\bmodel\s+size\b|\bstorage\b|\benergy\b|\bpower\b|\bcompress\w*|\bbandwidth\b", re.I)

_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]{2,}(?![\w-])")


def acronyms_in(text: str) -> list[str]:
    """Words written in capitals ("STAG", "GRIM", "DLRM"), as written: a system's name that a stemmer
    would merge with an everyday word ("STAG" and "stage" both stem to "stag")."""
    return _ACRONYM.findall(text)


@dataclass
class CorpusStats:
    """Document frequencies of stemmed terms over titles+abstracts, for IDF weights."""

    n_docs: int
    df: Counter
    vocab: tuple[str, ...] = ()     # lower-case words several docs use (agent/qa/synonyms.py)
    acronym_df: Counter = field(default_factory=Counter)   # "STAG" as written (its stem "stag" is "stage"'s)

    @classmethod
    def build(cls, docs: list[str]) -> "CorpusStats":
        from agent.qa.synonyms import vocabulary

        df: Counter = Counter()
        acronyms: Counter = Counter()
        for doc in docs:
            df.update(term_set(doc))
            acronyms.update(set(acronyms_in(doc)))
        return cls(len(docs), df, vocabulary(docs, STOP), acronyms)

    def idf(self, term: str) -> float:
        # Terms the corpus never uses weigh the most: a question built on them is likely off-corpus.
        return math.log((self.n_docs + 1) / (self.df.get(term, 0) + 0.5))

    def coverage(self, query_terms: set[str], doc_terms: set[str]) -> float:
        """IDF-weighted share of the query's terms that the document uses (0..1)."""
        total = sum(self.idf(t) for t in query_terms)
        if not total:
            return 0.0
        return sum(self.idf(t) for t in query_terms & doc_terms) / total


# Adverbs of manner or degree ("specifically", "explicitly", "efficiently") say how, not what about.
MANNER = re.compile(r"(?:al|ic|iv|en|an|at|ous|it|ict|ful|less|ive)ly$")
# "(any vendor)", "of any size", "any kind of": the question lifts a constraint, it does not add one.
_ANY = re.compile(r"\(?\s*\b(?:of\s+)?any\s+(?!papers?\b|works?\b|of\s)(?-i:[a-z]+)\b(?:\s*\))?", re.I)


# Frame verbs that may head a list of alternative verbs ("implement, deploy or design for X"): the
# list then accepts any way of working on X, so none of its verbs is a qualifier.
_FRAME_VERBS = term_set("report evaluate run measure target implement apply build design propose employ "
                        "leverage adopt exploit use study develop present introduce")
_VERB_LIST = re.compile(r"\b[a-z]+(?:\s*,\s*[a-z]+)*,?\s+(?:or|and/or)\s+[a-z]+\b", re.I)


def without_free_words(question: str) -> str:
    """The question without "of any X" phrases and frame-verb lists: neither constrains a set."""
    return _frame_verb_lists(_ANY.sub(" ; ", question))


def _frame_verb_lists(question: str) -> str:
    def drop(m: re.Match) -> str:
        items = re.split(r"\s*,\s*|\s+or\s+|\s+and/or\s+", m.group(0))
        return " ; " if any(term_set(i) & _FRAME_VERBS for i in items) and len(items) > 1 else m.group(0)

    return _VERB_LIST.sub(drop, question)


def covered_by_senses(word: str, have: set[str]) -> bool:
    """An everyday `word` counts as used by a text whose stemmed terms `have` include one of its senses."""
    from agent.qa.synonyms import lay_senses

    return any(term_set(sense) and term_set(sense) <= have for sense in lay_senses(word))
