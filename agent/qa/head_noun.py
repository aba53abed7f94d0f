"""Is a question about a set of papers or about one? Read from its grammar, not from a word list.

"Which papers ...", "Which entries ...", "What efforts compress ...", "Which Jetson boards were used ..."
all ask for a set: a wh-determiner ("which/what") before a PLURAL head noun. "Which paper / method /
thesis ..." asks for one. The head noun is whatever noun phrase follows the determiner, so the decision
does not depend on knowing the noun; only its number matters, and which word ends the noun phrase.

Number: English marks the plural with "-s", but a singular head is followed by a verb that also ends in
"-s" ("Which thesis studies ..."). A word in "-s" right after a noun is read as that noun's verb or as
the plural head by (1) a lexicon fitted on the SciTLDR train abstracts (bench/s_words.py: P(verb) from
the contexts the word is used in), (2) its suffix when the lexicon has not seen it, (3) the next word: a
determiner, an adjective or a plural noun is the object of a verb, an auxiliary or preposition follows
a plural subject.

Other set shapes: an imperative with a quantifier ("list/find/show/name all|every ..."), "are there ...",
"what X exist(s)", "what X are there", "how many X <verb> ..." (a count of papers, unlike "how many X
does <paper> have", a figure), and "what are the Xs that ...".

`set_shape(question)` returns True (a set), False (one paper) or None (no such shape: the router's
other rules decide). `Head.word` is a FRAMING word of the question: it says what kind of answer is
wanted, so it is never a constraint a paper must meet (agent/qa/answerability.py drops it).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent.parent / "data" / "s_words.json"
MAX_NP = 7

# closed-class words: they end a noun phrase (grammar, not topic words)
_AUX = {"is", "are", "was", "were", "be", "been", "do", "does", "did", "have", "has", "had", "can", "could",
        "will", "would", "should", "may", "might", "must", "shall"}
_PREP = {"in", "on", "of", "for", "with", "to", "from", "by", "about", "at", "into", "onto", "over", "under",
         "across", "against", "between", "through", "via", "without", "within", "per", "than", "as", "like",
         "among", "beyond", "towards", "toward", "regarding", "concerning", "using", "during", "here", "there"}
_REL = {"that", "which", "who", "whose", "whom", "where", "when", "why", "how", "whether", "if"}
_DET = {"the", "a", "an", "its", "their", "our", "this", "these", "those", "each", "every", "any", "some",
        "all", "both", "such", "no", "my", "your", "his", "her", "them", "it", "itself", "themselves", "what",
        "one"}
_CONJ = {"and", "or", "but", "nor", "so", "yet", "not", "also", "only", "first", "still", "actually",
         "really", "ever", "most", "best"}
_STOP = _AUX | _PREP | _REL | _DET | _CONJ
# Nouns that name one piece of work (the router's single-work words, agent/qa/router.py _SET): before
# an "-s" word they are the head, not a modifier ("Which thesis studies cache misses ...").
# Mass nouns for a body of papers: "what work / research is there on X" asks for all of it (a singular
# count noun does not: "what speedup is there for X" asks for a figure).
_BODY_OF_WORK = {"work", "research", "literature"}
WORK_NOUNS = {"work", "paper", "study", "system", "method", "approach", "framework", "review", "survey",
              "tool", "technique", "thesis", "dissertation", "article", "preprint", "publication", "report",
              "manuscript", "whitepaper"}
_DO = {"do", "does", "did", "can", "could", "will", "would", "should"}

_NOUN_SUFFIX = re.compile(r"(?:tions|sions|ments|ors|ities|ances|ences|isms|ists|ants|ents|ures|ies|"
                          r"ics|ings|nesses|ships|logies)$")
_VERB_SUFFIX = re.compile(r"(?:izes|ises|ates|ifies|uces|ects|ves|shes|ches)$")
_ADJ = re.compile(r"(?:al|ient|ive|ic|ous|able|ible|ful|less|ary)$")
_ADVERB = re.compile(r"(?:ally|ently|antly|ously|ively|ably|ibly|fully|ately|ingly|edly)$")
_TOKEN = re.compile(r"[A-Za-z0-9][\w.+-]*[\w+]|[A-Za-z0-9]|[?,;:.!()]")
_FRONTED = re.compile(r"^(?!\s*(?:which|what|how|list|show|find|name|give|are|is)\b)[^,?]{1,80},\s*(?=(?:which|what|list|show|find|name|give|are|how|is)\b)", re.I)
_IMPERATIVE = re.compile(r"^(?:please\s+)?(?:list|show|find|name|give\s+me|enumerate|identify|"
                         r"(?:i\s*'?\s*a?m\s+|we\s*'?\s*re\s+)?(?:looking|searching)\s+for)\b(?:\s+me)?\s*", re.I)
# "I'd like to know which ...", "tell me what ...": the embedded question is read as the question
_EMBEDDED = re.compile(r"\b(?:know|tell\s+me|wonder(?:ing)?|find\s+out|curious)\s+(?=(?:which|what)\b)", re.I)
_QUANTIFIER = re.compile(r"^(?:all|every|each|any)\b", re.I)


@dataclass(frozen=True)
class Head:
    word: str            # the head noun as the question wrote it
    plural: bool
    start: int           # character offsets of the head noun
    end: int


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    return json.loads(LEXICON.read_text()) if LEXICON.exists() else {}


def _tokens(text: str) -> list[re.Match]:
    return list(_TOKEN.finditer(text))


def _s_word(w: str) -> bool:
    low = w.lower()
    return len(low) >= 3 and low.endswith("s") and not low.endswith(("ss", "us", "is", "'s"))


_MASS = ("data",)     # plural in form, but a modifier before another noun ("data overfitting method")


def plural(word: str) -> bool:
    """Number of a head noun from its form: "GPUs", "entries", "theses" are plural; "thesis", "work" not."""
    if re.fullmatch(r"[A-Z0-9][A-Za-z0-9-]*[A-Z0-9]s", word):   # an acronym's plural: GPUs, LLMs, SoCs
        return True
    if any(c.isupper() for c in word):
        return False                      # a name ("MoE-Lens", "Atlas"): one system, whatever its last letter
    return _s_word(word) or word.lower() in ("data", "criteria", "phenomena", "people")


def _verb_odds(word: str, nxt: str | None) -> float:
    """Log-odds that an "-s" word right after a noun is that noun's verb (not the plural head)."""
    low = word.lower()
    p = _lexicon().get(low)
    if p is None:
        # unseen: its suffix, else a verb (after a singular noun a verb is the usual reading)
        p = 0.8 if _VERB_SUFFIX.search(low) else 0.2 if _NOUN_SUFFIX.search(low) else 0.7
    z = math.log(p / (1 - p))
    if nxt is not None:
        n = nxt.lower()
        if n in _DET or n in ("whether", "how", "what", "up", "down", "out", "away"):
            z += 4.0                      # "compresses the ...", "speeds up ...": a verb with its object
        elif n in _AUX or n in ("which", "who", "whose"):
            z -= 2.0                      # "boards were ...", "entries which ...": a plural subject
        elif nxt[:1].isupper() or nxt[:1].isdigit():
            z += 4.0                      # "models LLM ...": a name is no plural head's verb
        elif _ADJ.search(n):
            z += 3.0                      # "studies efficient ...": nor is an adjective
        elif re.search(r"[a-z]ed$", n):
            z += 2.0                      # "studies wasted ...": a participle before the object (questions
            #                               about papers are in the present tense: rarely a plural's verb)
        elif plural(nxt) or "-" in n:
            z += 1.0                      # "fuses operators", "covers on-device ...": an object follows
    return z


def noun_phrase_head(text: str, offset: int = 0) -> Head | None:
    """The head of the noun phrase that starts `text`: the last noun before a closed-class word, a verb
    or the end of the phrase."""
    toks = [t for t in _tokens(text)][:MAX_NP + 1]
    head = None
    for i, t in enumerate(toks):
        w = t.group(0)
        if w.lower() in ("and", "or") and head is not None and not head.plural:
            continue                     # "GNN training or serving papers": coordinated modifiers
        if w.lower() in _STOP or not w[0].isalnum():
            break
        if i > 0 and head is not None:
            nxt = toks[i + 1].group(0) if i + 1 < len(toks) else None
            if head.plural and head.word.lower() in _MASS and not _s_word(w) and not re.search(r"[a-z]ed$", w):
                pass                     # "the data overfitting method": a mass noun modifies the next noun
            elif head.plural and (not plural(w) or _s_word(w) and _verb_odds(w, nxt) > 0):
                break                    # "efforts compress ...": the verb of a plural head
            if not head.plural and _s_word(w) and (head.word.lower() in WORK_NOUNS or _verb_odds(w, nxt) >= 0):
                break                    # "thesis studies efficient ...": the verb of a singular head
            if not head.plural and re.search(r"[a-z]ed$", w) and not w[:1].isupper():
                break                    # "paper introduced ...": a past-tense verb
            if _ADVERB.search(w.lower()):
                break
        head = Head(w, plural(w), offset + t.start(), offset + t.end())
    return head


def _after(text: str, head: Head, offset: int) -> list[str]:
    return [t.group(0).lower() for t in _tokens(text[head.end - offset:])]


@lru_cache(maxsize=512)     # the router, the decline reason and the set reader all ask
def set_shape(question: str) -> tuple[bool | None, Head | None]:
    """(True: a set question, False: about one paper, None: no wh/imperative shape) and its head noun.
    The shape is read where the question starts (after a fronted clause), else where an embedded
    question starts ("I'd like to know which ..."), else in its last sentence ("My phone app ...
    Which work streams ...?")."""
    q = question.strip()
    m = _FRONTED.match(q)
    starts = [m.end() if m else 0]
    if (m := _EMBEDDED.search(q)):
        starts.append(m.end())
    sentences = [m.end() for m in re.finditer(r"[.?!]\s+(?=[A-Z])", q)]
    if sentences:
        starts.append(sentences[-1])
    for start in starts:
        shape, head = _shape_at(q, start)
        if shape is not None or head is not None:
            return shape, head
    return None, None


def _shape_at(q: str, start: int) -> tuple[bool | None, Head | None]:
    rest = q[start:]
    if (m := re.match(r"(?:are|were)\s+there\s+(?:any\s+)?", rest, re.I)):
        return True, noun_phrase_head(rest[m.end():], start + m.end())
    if (m := _IMPERATIVE.match(rest)):
        tail = rest[m.end():]
        quantified = bool(_QUANTIFIER.match(tail))
        d = re.match(r"(?:(?:all|every|each|any)\s+(?:of\s+)?)?(?:(the|a|an|one)\s+)?", tail, re.I)
        head = noun_phrase_head(tail[d.end():], start + m.end() + d.end())
        if head is None:
            return None, None
        return quantified or head.plural or not d.group(1), head
    if (m := re.match(r"how\s+many\s+", rest, re.I)):
        return _how_many(q, noun_phrase_head(rest[m.end():], start + m.end()))
    m = re.match(r"(?:which|what)\s+(?:(one)\s+of\s+(?:the\s+)?|of\s+(?:the\s+)?)?", rest, re.I)
    if not m:
        return None, None
    np_text = rest[m.end():]
    if re.match(r"(?:is|are|was|were)\b", np_text, re.I):
        return _copula(np_text, start + m.end())
    if re.match(r"(?:those|these|them)\b", np_text, re.I) and not m.group(1):
        return True, None
    head = noun_phrase_head(np_text, start + m.end())
    if head is None:
        return None, None
    if m.group(1):
        return False, head                # "which one of the ...": one paper
    return _wh_phrase(q, head), head


def _how_many(q: str, head: Head | None) -> tuple[bool | None, Head | None]:
    """A "how many HEAD" question: a set ("how many GPUs are there ..."), or a figure of one paper
    ("how many GPUs does X use")."""
    if head is None or not head.plural:
        return None, head
    after = _after(q, head, 0)
    if re.search(r"\b(?:are|were)\s+there\b", " ".join(after)):
        return True, head
    if any(w in _DO for w in after) or (after[:1] and after[0] in _AUX and not
                                         (len(after) > 1 and re.search(r"(?:ed|en)$", after[1]))):
        return None, head             # "how many GPUs does X use": a figure of one paper
    return True, head


def _wh_phrase(q: str, head: Head) -> bool | None:
    """Whether "which/what HEAD ..." asks for a set of papers, by what follows the head."""
    after = _after(q, head, 0)
    said = " ".join(after)
    if re.match(r"exists?\b|are\s+there\b", said) or (head.word.lower() in _BODY_OF_WORK and re.match(r"is\s+there\b", said)):
        return True                       # "what work exists on ...", "what techniques are there ...", "what research is there on ..."
    tail = q[head.end:]
    aux = next((t for t in _tokens(tail) if t.group(0).lower() in _STOP or not t.group(0)[0].isalnum()), None)
    word = aux.group(0).lower() if aux else ""
    inverted = word in ("is", "are", "was", "were") and not re.match(r"\s+(?:\w+(?:ed|en)|there|not)\b",
                                                                    tail[aux.end():])
    subject = _subject(tail[aux.end():]) if word in _DO or inverted else None
    if subject is not None and (word in _DO or not _ADJ.search(subject.word.lower())):
        # the wh-phrase is the object ("which GPUs do the serving systems run on", "what speedups does
        # FlexQ report", "what datasets is FlexQ evaluated on"): the subject after the auxiliary says
        # whether a set of papers is asked about ("which GPUs are available": a predicate, no subject)
        return True if subject.plural else None
    if word in ("is", "are", "was", "were") and (m := re.match(r"\s+\w+(?:ed|en)\b[^?]*?\bby\s+", tail[aux.end():])):
        if _plural_np(tail[aux.end() + m.end():]):
            return True                   # "what hardware is used by the papers on ...": a set
    return head.plural


def _subject(text: str) -> Head | None:
    """The noun phrase starting `text`, after a determiner."""
    m = re.match(r"\s*(?:(?:the|these|those|all|such)\s+)?", text, re.I)
    return noun_phrase_head(text[m.end():])


def _plural_np(text: str) -> bool:
    """The noun phrase starting `text` is plural: a set of papers."""
    np = _subject(text)
    return np is not None and np.plural


def _copula(text: str, offset: int) -> tuple[bool | None, Head | None]:
    """"What are the methods that ...": the predicate noun with a relative clause is the head."""
    m = re.match(r"(?:is|are|was|were)\s+(?:there\s+)?(?:the\s+|some\s+|any\s+)?", text, re.I)
    head = noun_phrase_head(text[m.end():], offset + m.end())
    if head is None:
        return None, None
    after = _after(text, head, offset)
    if after[:1] and after[0] in ("that", "which", "who", "whose") or "there" in text[:m.end()].lower():
        return head.plural, head
    return None, head
