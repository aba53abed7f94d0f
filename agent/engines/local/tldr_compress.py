"""TL;DR building blocks: sentence compression, LaTeX rendering, the number guard, and the
hand-weighted contribution picker that topic tagging uses (`main_claim_index`).

Compression strips boilerplate ("In this paper,", "To address this,", citations, e.g.-parentheticals),
then trailing which-clauses and qualifiers until a sentence fits ~20-30 words, cutting only at clause
boundaries. `number_clause` turns a results sentence into "achieving 2.8x speedup ..." for fusion.
Every word stays copied from the abstract; `foreign_numbers` catches any number the abstract lacks.
tldr.py (make_tldr) and tldr_features.py (candidates, learned scorer) build on this module.
"""

from __future__ import annotations

import re

from collections import Counter

from agent.engines.local.tldr_grammar import is_whole_sentence
from core.text import STOPWORDS


# Word budgets. TARGET/MAX were chosen on half of the SciTLDR dev sample (targets average 22.6
# words) and checked on the other half; MIN is where a sentence gets a follow-up clause appended.
MIN_WORDS, TARGET_WORDS, MAX_WORDS = 12, 27, 34
HARD_MAX_WORDS = 35     # issue 15: a TL;DR never exceeds this
HEADLINE_MAX_WORDS = 16
FRAGMENT_MIN_WORDS = 5  # the shortest whole-sentence prefix offered in place of a fragment

_WORD = re.compile(r"[a-z][a-z0-9\-]*")    # applied to lowercased text
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")   # "2.8", "5,000": compared whole, not digit by digit
# The shared stopword list, plus words every ML abstract uses around its claim ("our model", "results
# show") that tell nothing about which sentence carries it.
_STOP = STOPWORDS | frozenset({"model", "models", "results"})

_CONTRIB = [(re.compile(p), w) for p, w in (  # matched against the lowercased sentence
    (r"\bwe (?:propose|present|introduce|develop|design|devise|build|create|formulate|put forward)",
     3.0),
    (r"\b(?:this|our|the present) (?:paper|work|article|study|letter|research) (?:propose|present|"
     r"introduce|develop|describe|design|survey|review|stud|investigate|explore|analy[sz]e|examine)",
     3.0),
    (r"\b(?:propose|present|introduce)s? (?:a|an|the)\b", 1.0),
    (r"\bwe (?:study|investigate|explore|analy[sz]e|examine|address|tackle|consider|describe|show|"
     r"demonstrate|identify|provide|offer|establish|derive|aim|define|compare|survey|leverage|"
     r"extend|focus)", 1.5),
    (r"\b(?:this|our) (?:paper|work|article|study)\b", 1.0),
    (r"\b(?:in this (?:paper|work|study|article)|here,? we)\b", 1.0),
    (r"\b(?:called|named|dubbed|termed|coined)\b", 1.0),
)]
# Case-sensitive: a named system right after the verb ("we propose Energon, ...").
_NAMED = re.compile(r"\b(?:[Pp]ropose|[Pp]resent|[Ii]ntroduce|[Dd]evelop|[Dd]esign)s?,? "
                    r"(?:[A-Z][a-z]*[A-Z][\w-]*|[A-Z]{2,}[\w-]*|[A-Z][a-z]+(?=,))")
BACKGROUND = re.compile(
    r"\b(?:recently|has (?:become|been|shown|emerged|attracted|achieved)|have (?:become|been|shown|"
    r"emerged|attracted|achieved)|however|existing|prior work|previous(?:ly)?|despite|remains? "
    r"(?:challenging|difficult|an open)|is (?:a|an|one of) |are (?:widely|increasingly|often)|"
    r"suffer|unfortunately|traditional(?:ly)?|conventional|state-of-the-art methods)\b", re.I)
RESULT = re.compile(r"\b(?:outperform\w*|achiev\w*|improv\w*|reduc\w*|speed\w*|faster|"
                     r"accelerat\w*|results? (?:show|demonstrate)|experiments?|evaluation)\b", re.I)
HEADLINE = re.compile(
    r"\d[\d,.]*\s*(?:\$?\\times\$?|×|x\b|X\b|times\b|-fold|fold\b|\\?%|percent\b)")
# In "with <number> ..." mode the number must be followed by what it measures ("2.32x higher
# decoding throughput"), otherwise bare figures like "with 40.9% and 26.9%" come out.
_MEASURED = re.compile(r"\$?\s*(?:[\w-]+\s+){0,2}(?:speedups?|reduction|improvements?|savings?|gains?|"
                       r"compression|acceleration|throughput|energy|latency|memory|efficiency|"
                       r"FLOPs|cost)\b", re.I)
_QUALIFIER = re.compile(r"(?:(?:up to|an? average of|on average|average|about|around|nearly|"
                        r"over|more than|at least|approximately|a|an)\s+)+$", re.I)

_OPENER = (r"in this (?:paper|work|study|article|letter)|here|specifically|therefore|thus|hence|"
           r"in particular|finally|moreover|furthermore|additionally|in addition|however|besides|"
           r"to this end|to that end|in summary|overall|concretely|accordingly|consequently|"
           r"as a result|in contrast|instead|first|second|third|then|next|lastly|importantly|"
           r"notably|in response|as such|to do so|to achieve this|for this purpose|"
           r"motivated by (?:this|these)(?: \w+)?|within this (?:approach|framework|context|setting)|"
           r"in (?:this|that) (?:context|setting|regard)|to (?:address|tackle|solve|overcome|"
           r"mitigate|bridge|fill|close|remedy|alleviate|handle|resolve|fix) (?:this|these|the|"
           r"such)(?: [\w-]+){0,4}")
_LEADING = re.compile(rf"^(?:(?:{_OPENER}),\s*)+", re.I)
_LEADING_ADVERB = re.compile(r"^(?:thus|hence|therefore|here|in this (?:paper|work|study|article))"
                             r",?\s+(?=we\b)", re.I)
_LEADING_CLAUSE = re.compile(  # "Inspired by X, we ..." / "Based on X, we ..." / "To do Y, we ..."
    r"^(?:inspired by|based on|building on|motivated by|with the observation that|observing that|"
    r"given|leveraging|by|to|with|unlike|for|while|although|though|since|because|as)\b"
    r"[^,;]{3,140},\s*(?=(?:we|this|our|the proposed|it)\b)", re.I)
_PAREN_DROP = re.compile(r"\s*[\(\[](?:e\.g\.|i\.e\.|such as|see|cf\.|including|for example)"
                         r"[^()\[\]]*[\)\]]|\s*\[[\d,\s\-–]+\]|\s*\\cite[pt]?\{[^{}]*\}", re.I)
# Author-year citations: "(Smith et al., 2019)", "(Lee and Kim 2020; Wu, 2021a)".
_CITATION = re.compile(r"\s*\((?:see )?[A-Z][\w'\-]+(?: et al\.?| (?:and|&) [A-Z][\w'\-]+)?,? \d{4}[a-z]?"
                       r"(?:[;,]\s*[A-Z][\w'\-]+(?: et al\.?| (?:and|&) [A-Z][\w'\-]+)?,? \d{4}[a-z]?)*\)")
_TRAILING_QUALIFIER = re.compile(r",?\s+(?:respectively|as well|in practice|in this (?:paper|work|study))"
                                 r"[\s.]*$", re.I)
_ACRONYM = re.compile(r"\s*\((?:[A-Z][\w\-]*s?|[a-z]?[A-Z]{2,}[\w\-]*)\)")
_ENUM = re.compile(r"(?:,?\s*(?:which (?:features|includes|consists of|comprises|contains)|"
                   r"including|consisting of|comprising|as follows))?:?\s*\(?(?:1|i|a)\)\s", re.I)
_TRAIL = re.compile(r",?\s+(?:which|where|while|whereas|thus|thereby|so that|such that|allowing|"
                    r"enabling|making|resulting in|leading to|in order to|as well as|without|"
                    r"although|though)\b[^;]*$", re.I)
_MAIN_VERB = re.compile(r"\b(?:we|paper|work|article|study)\s+\w+", re.I)
_CUTS = re.compile(r",\s+|\s+(?:by|that|with|through|via|using|for|to|and)\s+")
DANGLING = re.compile(r"(?:[\s,;:\-]+(?:and|or|but|nor|the|a|an|of|to|with|by|for|in|on|at|as|"
                       r"from|that|which|via|using|through|into|than|its|their|our|compared|we|us|they|it))+"
                       r"[\s,;:]*$",
                       re.I)
_LATEX = ((re.compile(r"\$\s*\\times\s*\$|\\times"), "×"), (re.compile(r"\\%"), "%"),
          (re.compile(r"\\sim\b"), "~"), (re.compile(r"\\approx\b"), "≈"),
          (re.compile(r"\\(?:textit|textbf|emph|mathsf|mathrm|text|texttt)\{([^{}]*)\}"), r"\1"),
          (re.compile(r"\\([A-Za-z]+)\{\}"), r"\1"),
          (re.compile(r"\$([^$]{0,40})\$"), r"\1"), (re.compile(r"\s*~\s*"), "~"),
          (re.compile(r"`+\"?|''"), '"'), (re.compile(r'"{2,}'), '"'),   # LaTeX ``quotes
          (re.compile(r"\s+"), " "))
_PARTICIPLE = {"achieves": "achieving", "reduces": "reducing", "improves": "improving",
               "outperforms": "outperforming", "delivers": "delivering", "yields": "yielding",
               "provides": "providing", "speeds up": "speeding up", "accelerates": "accelerating",
               "enables": "enabling", "results in": "resulting in", "obtains": "obtaining",
               "attains": "attaining", "brings": "bringing", "offers": "offering",
               "shortens": "shortening", "cuts": "cutting", "saves": "saving", "boosts": "boosting",
               "increases": "increasing", "lowers": "lowering", "surpasses": "surpassing",
               "runs": "running", "gains": "gaining", "can achieve": "achieving",
               "can reduce": "reducing", "can improve": "improving"}
_VERBS = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _PARTICIPLE), key=len, reverse=True))
                    + r")\b", re.I)

# Weights of the sentence features below; set by a small grid search on half of the SciTLDR dev
# sample and checked on the other half.
WEIGHTS = {"cue": 1.0, "name": 1.5, "background": 1.0, "title": 3.0, "central": 3.0,
           "position": 1.0, "first": 0.5, "short": 2.0}


def words(text: str) -> list[str]:
    return text.split()


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP]


def system_name(title: str | None) -> str | None:
    """The named system of a 'Name: subtitle' title, e.g. 'ANT' from 'ANT: Exploiting ...'."""
    if not title or ":" not in title:
        return None
    head = title.split(":", 1)[0].strip()
    return head if 0 < len(head.split()) <= 3 and len(head) <= 40 else None


def sentence_features(sentence: str, index: int, n: int, title_words: set[str],
                      doc_freq: Counter[str], name: str | None,
                      cw: set[str] | None = None) -> dict[str, float]:
    """Signals that a sentence states the paper's contribution (signed so that + is good)."""
    cw = set(content_words(sentence)) if cw is None else cw
    low = sentence.lower()
    central = sum(min(doc_freq[w], 4) - 1 for w in cw) / (len(cw) + 4) if cw else 0.0
    return {
        "cue": sum(w for rx, w in _CONTRIB if rx.search(low)) + float(bool(_NAMED.search(sentence))),
        "name": float(bool(name and re.search(rf"\b{re.escape(name)}\b", sentence))),
        "background": -float(len(BACKGROUND.findall(sentence[:80]))),
        "title": len(cw & title_words) / len(title_words) if title_words else 0.0,
        # Centrality: the contribution sentence repeats the abstract's main terms.
        "central": central,
        "position": -index / max(n - 1, 1),          # mild preference for earlier sentences
        "first": -float(index == 0 and n > 3),       # first sentences are usually background
        "short": -float(len(words(sentence)) < 6),
    }


def pick_contribution(sentences: list[str], title: str | None = None) -> int:
    """Index of the sentence that best states what the paper proposes or studies."""
    title_words = set(content_words(title or ""))
    bags = [set(content_words(s)) for s in sentences]
    doc_freq = Counter(w for bag in bags for w in bag)
    name = system_name(title)

    def score(i: int) -> float:
        feats = sentence_features(sentences[i], i, len(sentences), title_words, doc_freq, name,
                                  bags[i])
        return sum(WEIGHTS[k] * v for k, v in feats.items())

    scores = [score(i) for i in range(len(sentences))]
    return max(range(len(sentences)), key=lambda i: (scores[i], -i))


def main_claim_index(sentences: list[str], title: str | None = None) -> int:
    """Fast variant for topic tagging: the first sentence with a strong "we propose/this paper
    presents" cue, else the full scorer. Nearly always the same sentence, at a fraction of the cost."""
    strong = [rx for rx, w in _CONTRIB if w >= 3.0]
    for i, s in enumerate(sentences):
        low = s.lower()
        if any(rx.search(low) for rx in strong):
            return i
    return pick_contribution(sentences, title)


def clean_latex(text: str) -> str:
    for rx, rep in _LATEX:
        text = rx.sub(rep, text)
    return text.strip()


def strip_boilerplate(sentence: str) -> str:
    """Drop discourse openers and framing clauses that carry no content."""
    s = re.sub(r"(,?)\s*\bin this (?:paper|work|study|article)\b,?(?= )", r"\1", sentence.strip(),
               flags=re.I)
    s = _CITATION.sub("", _PAREN_DROP.sub("", s))
    for _ in range(3):  # openers can stack: "To this end, in this paper, we ..."
        new = _LEADING_CLAUSE.sub("", _LEADING_ADVERB.sub("", _LEADING.sub("", s))).strip()
        if new == s:
            break
        s = new
    s = re.sub(r"\bwe (?:first |also |further |then )", "we ", s, flags=re.I)
    return s.strip()


def shorten(sentence: str, max_words: int = TARGET_WORDS) -> str:
    """Remove optional material until the sentence fits, cutting only at clause boundaries, and only
    where the rest is a whole sentence (tldr_grammar): a cut that leaves "... an observation that the
    model." moves to an earlier boundary, else the sentence keeps its words."""
    cut = _shorten(sentence, max_words)
    if is_whole_sentence(cut):
        return cut
    text = sentence.rstrip(" .;:")
    # A shorter whole sentence ("We propose a paging cache, X") beats a fragment; the scorer weighs length.
    return whole_prefix(text, len(words(cut))) or whole_prefix(text, len(words(cut)), FRAGMENT_MIN_WORDS) or cut


def whole_prefix(text: str, max_words: int, min_words: int = MIN_WORDS) -> str | None:
    """The longest prefix of `text` (at most `max_words`, at least `min_words` words) ending at a clause
    boundary that reads as a whole sentence, or the text itself when it fits and is whole."""
    tidy = DANGLING.sub("", _TRAILING_QUALIFIER.sub("", text)).rstrip(" ,;:")
    if len(words(tidy)) <= max_words and is_whole_sentence(tidy):
        return tidy
    starts = sorted({m.start() for rx in (_TRAIL, _CUTS) for m in rx.finditer(text)}, reverse=True)
    for start in starts:
        prefix = DANGLING.sub("", text[:start]).rstrip(" ,;:")
        if min_words <= len(words(prefix)) <= max_words and is_whole_sentence(prefix):
            return prefix
    return None


def _shorten(sentence: str, max_words: int) -> str:
    s = sentence.rstrip(" .;:")
    if len(words(s)) > max_words:
        s = _ACRONYM.sub("", s)
    enum = _ENUM.search(s)
    if len(words(s)) > max_words and enum and len(words(s[:enum.start()])) >= 6:
        s = s[:enum.start()]            # "... which features: (1) ... (2) ..." lists go first
    main = _MAIN_VERB.search(s)
    floor = main.end() if main else 0   # never cut away the main clause ("..., we propose X")
    while len(words(s)) > max_words:
        m = _TRAIL.search(s, floor)
        if not m or len(words(s[:m.start()])) < MIN_WORDS:
            break
        s = s[:m.start()]
    if len(words(s)) > MAX_WORDS:
        s = _cut_at_boundary(s, max_words)
    return DANGLING.sub("", _TRAILING_QUALIFIER.sub("", s)).rstrip(" ,;:")


def _cut_at_boundary(s: str, max_words: int) -> str:
    """Cut at the last comma/preposition boundary inside the budget, if one leaves enough words."""
    best = None
    for m in _CUTS.finditer(s):
        if MIN_WORDS <= len(words(s[:m.start()])) <= max_words:
            best = m.start()
    return s[:best] if best is not None else s


def number_clause(sentence: str) -> str | None:
    """'<verb> ... <number> <what>' from one results sentence, or 'with <number> <what>'."""
    num = HEADLINE.search(sentence)
    if not num:
        return None
    verb = None
    for m in _VERBS.finditer(sentence, 0, num.start()):
        verb = m
    if verb and "," not in sentence[verb.end():num.start()]:
        clause = _PARTICIPLE[verb.group(1).lower()] + sentence[verb.end():]
    else:  # no verb right before the number: lead with the number phrase itself
        if not _MEASURED.match(sentence, num.end()):
            return None
        q = _QUALIFIER.search(sentence[:num.start()])
        start = q.start() if q else num.start()
        clause = "with " + sentence[start:]
    clause = re.split(r";|,\s+(?:and |while |which |but |respectively)|\s+(?:while|whereas)\s+",
                      clause)[0]
    if len(words(clause)) > HEADLINE_MAX_WORDS:
        rel = HEADLINE.search(clause)
        if rel is None:     # the split above cut the number away
            return None
        tail = clause[rel.end():]
        stop = re.search(r",|\s+(?:on|across|with|for|in|when|under|while)\s+", tail)
        clause = clause[:rel.end() + (stop.start() if stop else len(tail))]
    clause = DANGLING.sub("", clause.rstrip(" .,;:"))
    if clause.count("(") != clause.count(")") or len(words(clause)) > HEADLINE_MAX_WORDS:
        return None
    return clause


def foreign_numbers(text: str, abstract: str) -> set[str]:
    """Numbers in `text` that the abstract never writes (so "8.2" is foreign next to "2.8")."""
    allowed = set(_NUMBER.findall(abstract)) | set(_NUMBER.findall(clean_latex(abstract)))
    return set(_NUMBER.findall(text)) - allowed


_URL = re.compile(r"(?:https?://|www\.|\b[\w-]+\.(?:com|org|io|net)/)\S*", re.I)


def usable(text: str, abstract: str) -> bool:
    """A finished candidate may be a TL;DR: it writes no number the abstract lacks and carries no URL
    (code-availability sentences, where the splitter often fails to end the sentence at the link)."""
    return not foreign_numbers(text, abstract) and not _URL.search(text)


def finish(text: str) -> str:
    """LaTeX to plain text, tidy punctuation, capitalise, end with exactly one period."""
    text = clean_latex(text).strip(" ,;:")
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    if text and text[0].islower() and not re.match(r"[a-z]+[A-Z]", text):
        text = text[0].upper() + text[1:]
    return text.rstrip(".!? ") + "." if text else ""


def lower_first(text: str) -> str:
    # "Ballistic graph ..." -> "ballistic graph ...", but keep names such as "GCNear", "SALO".
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first[1:] == first[1:].lower() else text
