"""The deterministic question router of the local engine.

It reads a question and decides which tool answers it:
- `set`: a question about a set of papers -> a complete structured query over the claims tables
  (dataset, hardware, topic, year) or a subject phrase, not the top-k chunks. Set or single is read
  from the question's grammar (agent/qa/head_noun.py): a wh-determiner before a plural head noun
  ("Which entries / efforts / Jetson boards ..."), "list/find all ...", "what X exists", "are there",
  "how many X <verb>"; a singular head ("which paper / thesis ...") is one paper. The `_SET` pattern
  only decides questions that have none of these shapes;
- `top`: "top/largest speedups ..." -> the claims table sorted by value;
- `numeric`: "how much / by what factor ..." -> search, then the sentence with the number;
- `compare`: "compare A and B" -> both papers side by side;
- `lookup`: everything else ("which paper/system ...") -> hybrid search, best paper first.
It also detects follow-ups ("which of those ...") so the chat can scope them to the last answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from agent.qa.head_noun import set_shape

VOCAB_FILE = Path(__file__).resolve().parent.parent / "data" / "qa_vocab.yaml"

_NUMERIC = re.compile(
    r"^\s*(?:how\s+(?:much|many(?!\s+papers)|fast|large|big|long|small)|by\s+(?:up\s+to\s+)?(?:what|how\s+much)|"
    r"up\s+to\s+(?:what|how)|what\s+(?:is\s+the\s+)?(?:speedup|speed-up|factor|percentage|share|fraction|"
    r"reduction|improvement|ratio)|to\s+what\s+extent)\b|\bby\s+what\s+factor\b|\bhow\s+much\s+(?:faster|"
    r"smaller|less|lower|more|higher)\b", re.I)
_TOP = re.compile(r"\b(?:top|largest|biggest|highest|greatest|best|fastest|most)\b[\w\s-]{0,30}?"
                  r"\b(?:speed-?ups?|gains?|reductions?|improvements?|savings?|accelerations?)\b|"
                  r"\brank(?:ed)?\s+by\s+speed-?up\b|\bsort(?:ed)?\s+by\s+speed-?up\b|"
                  # a superlative over a change verb's metric: "reduces KV cache memory the most", "the fastest"
                  r"\b(?:reduc|cut|sav|lower|decreas|shrink|compress|improv|increas|boost|rais|accelerat|speed)\w*"
                  r"\b[^?.;]{0,60}?\bthe\s+most\b|\b(?:is|are|runs?|was|were)\s+the\s+fastest\b", re.I)
_COMPARE = re.compile(r"^\s*compare\b|\bvs\.?\s|\bversus\b|\bdifference(?:s)?\s+between\b", re.I)
# "Which work ... studies what ...": a question about one work is not a set, whatever verbs follow.
# A fronted clause ("Apart from federated learning, which papers ...") does not change the question's kind.
_SET = re.compile(r"^(?:[^,?]{1,80},\s*)?\s*(?!(?:which|what)\s+(?:single\s+)?(?:work|paper|study|system|method|approach|"
                  r"framework|review|survey|overview|tutorial|tool|library|model|technique|algorithm|accelerator|"
                  r"architecture|compiler|thesis|dissertation|article|preprint|publication|manuscript|report|"
                  r"monograph|whitepaper|white\s+paper)\b)"
                  r"(?:which|what|list|show|find|name|give\s+me|are\s+there)\b[^?]*?\b(?:papers|works|"
                  r"systems|studies|methods|approaches|techniques|frameworks|ones)\b|\ball\s+(?:the\s+)?papers\b|"
                  r"^\s*(?:list|show|find|name|give\s+me)\s+(?:every|each|all)\b|\bevery\s+(?:paper|work|study)\b|"
                  r"^\s*how\s+many\s+papers\b|^\s*(?:which|what)\s+of\s+(?:those|these|them)\b", re.I)
_COUNT = re.compile(r"^\s*how\s+many\b", re.I)
# "How many times smaller / faster / more ... is X than Y?": a factor asked of one comparison, not a
# count of papers; "times" is no set's head noun ("how many papers ..." still is).
_FACTOR = re.compile(r"^\s*(?:by\s+)?how\s+many\s+(?:times|fold)\b", re.I)
# "What about quantization?", "And KITTI?", "Anything on FPGAs?": a question that is only a subject asks
# for the papers of that subject (a topic, dataset or hardware facet), not for one paper.
_ONLY_SUBJECT = re.compile(r"^\s*(?:(?:and\s+)?(?:what|how)\s+about|and|anything\s+(?:on|about)|"
                           r"(?:any|some)\s+(?:papers?|work)\s+(?:on|about))\s+(?:the\s+)?(?P<rest>.+?)[\s?.!]*$", re.I)
_FOLLOW = re.compile(r"\b(?:of\s+(?:those|these|them)|those|these|them|above|previous(?:ly)?|"
                     r"the\s+(?:first|second|third|last)\s+one|that\s+(?:paper|one|system|work))\b", re.I)
_FOLLOW_WEAK = re.compile(r"\b(?:it|its|they|their)\b", re.I)   # also common in fresh questions
# One earlier paper as the referent: "it", "that paper", "this system" (not "those", which is the set).
_SINGULAR = re.compile(r"\b(?:it|its|that\s+(?:paper|one|system|work|method|model)|"
                       r"this\s+(?:paper|one|system|work|method|model))\b", re.I)
# The same, as a referent the question is about ("what GPU did it use?"), not a possessive ("keeps its accuracy")
_REFERENT = re.compile(r"\b(?:it|(?:that|this)\s+(?:paper|one|system|work|method|model))\b", re.I)
_ORDINAL = re.compile(r"\b(?:the\s+)?(first|second|third|fourth|fifth|last|\d+(?:st|nd|rd|th)?)\s+"
                      r"(?:one|paper|result|source)\b|\b(?:paper|source)\s+\[?(\d+)\]?", re.I)
_LIMIT = re.compile(r"\btop[\s-]*(\d+)\b|\b(\d+)\s+(?:largest|biggest|highest|best|fastest)\b", re.I)
_YEAR = [
    # "from 2023 or later", "in 2019 or earlier": an open range written after the year
    (re.compile(r"\b(?:(?:in|from|of)\s+)?((?:19|20)\d\d)\s+(?:or|and)\s+(?:later|after|newer|onwards?|beyond)\b",
                re.I), ">={0}"),
    (re.compile(r"\b(?:(?:in|from|of)\s+)?((?:19|20)\d\d)\s+(?:or|and)\s+(?:earlier|before|older)\b", re.I),
     "<={0}"),
    (re.compile(r"\b(?:in|from)\s+((?:19|20)\d\d)\s+onwards?\b", re.I), ">={0}"),
    (re.compile(r"\b(?:between|from)\s+((?:19|20)\d\d)\s+(?:and|to|-)\s+((?:19|20)\d\d)\b", re.I), "{0}-{1}"),
    (re.compile(r"\b(?:since|after|starting(?:\s+(?:in|from))?)\s+((?:19|20)\d\d)\b", re.I), ">={0}"),
    (re.compile(r"\b(?:before|prior\s+to|until)\s+((?:19|20)\d\d)\b", re.I), "<{0}"),
    (re.compile(r"\b(?:in|of|from|published\s+in)\s+((?:19|20)\d\d)\b", re.I), "{0}"),
    (re.compile(r"\byear\s*(>=|<=|>|<|=)\s*((?:19|20)\d\d)\b", re.I), "{0}{1}"),
]
_HOW_MUCH = re.compile(r"\bhow\s+(?:much|fast)\b|\bby\s+what\b|\bspeed-?ups?\b|\bfaster\b", re.I)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


@dataclass
class Facet:
    kind: str            # dataset | hardware | hardware_class | topic
    value: str           # the table value (dataset name, hardware name part, class, tag)
    surface: str         # what the question wrote
    span: tuple[int, int] = (0, 0)
    aliases: list[str] = field(default_factory=list)   # phrases that also count in an abstract


@dataclass
class Route:
    kind: str                              # lookup | set | top | numeric | compare
    question: str
    facets: list[Facet] = field(default_factory=list)
    year: str | None = None
    metric: str | None = None
    phrases: list[str] = field(default_factory=list)   # subject phrases for text matching (set)
    follow_up: bool = False
    weak_follow_up: bool = False           # only "it/they": retry unscoped when the scope has no answer
    singular: bool = False                 # "it / that paper": one paper of the previous answer
    ordinal: int | None = None             # "the second one" -> 2 (-1 = last)
    limit: int | None = None
    count_only: bool = False
    numbers: bool = False                  # the question asks "by how much": show claim values
    entities: list[str] = field(default_factory=list)     # named entities filtered on (kind=value)
    qualifiers: list[str] = field(default_factory=list)   # words every listed paper had to use
    near: list[str] = field(default_factory=list)   # a set no paper meets: ids that meet the rest of it
    head: str | None = None                # the question's head noun ("entries", "thesis"): framing, no constraint

    def describe(self) -> str:
        parts = [_shown_entity(e) for e in self.entities] + [f"{f.kind}={f.value}" for f in self.facets]
        if self.year:
            parts.append(f"year{self.year if self.year[0] in '<>' else '=' + self.year}")
        if self.metric:
            parts.append(f"metric={self.metric}")
        if self.qualifiers:
            parts.append("text has: " + " + ".join(self.qualifiers))
        return ", ".join(parts + ([" / ".join(self.phrases)] if self.phrases and not self.facets and not self.entities else []))


# A named entity's value carries its matching level ("vendor:family:Jetson", "family:LLaMA 13B"); the
# level decides what matches, the user reads only the name they asked about.
_LEVEL_PREFIX = re.compile(r"(?<==)(?:vendor:)?(?:family:)?")


def _shown_entity(entity: str) -> str:
    """'hardware=vendor:family:Jetson' -> 'hardware=Jetson' for the printed filter line."""
    return _LEVEL_PREFIX.sub("", entity, count=1)


@dataclass
class Vocabulary:
    """Facet values the router can recognise: fixed phrases + what the claims tables contain."""

    hardware_classes: dict[str, list[str]]
    topics: dict[str, list[str]]
    metrics: dict[str, list[str]]
    datasets: list[str] = field(default_factory=list)
    hardware_names: list[str] = field(default_factory=list)
    tag_sizes: dict[str, int] = field(default_factory=dict)    # papers per topic tag


@lru_cache(maxsize=1)
def _fixed_vocab() -> tuple[dict, dict, dict]:
    import yaml

    data = yaml.load(VOCAB_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return data["hardware_classes"], data["topics"], data["metrics"]


def vocabulary(store=None) -> Vocabulary:
    classes, topics, metrics = _fixed_vocab()
    vocab = Vocabulary(classes, topics, metrics)
    if store is not None:
        from store.extractions import claim_vocabulary

        claimed = claim_vocabulary(store)
        vocab.datasets, vocab.hardware_names, vocab.tag_sizes = (claimed.datasets, claimed.hardware_names,
                                                                 claimed.tag_sizes)
    return vocab


def _phrase_rx(phrase: str) -> re.Pattern:
    body = r"[\s-]+".join(re.escape(w) for w in re.split(r"[\s-]+", phrase.strip()))
    return re.compile(rf"(?<![\w-]){body}(?:e?s)?(?![\w-])", re.I)


@lru_cache(maxsize=4096)
def phrase_rx(phrase: str) -> re.Pattern:
    return _phrase_rx(phrase)


def _find_facets(question: str, vocab: Vocabulary) -> list[Facet]:
    found: list[Facet] = []
    for name in sorted(vocab.datasets, key=len, reverse=True):
        if len(name) >= 3 and (m := phrase_rx(name).search(question)):
            found.append(Facet("dataset", name, m.group(0), m.span(), [name]))
    for name in _hardware_keys(vocab.hardware_names):
        if (m := phrase_rx(name).search(question)):
            found.append(Facet("hardware", name, m.group(0), m.span(), [name]))
    for name, terms in _class_terms(vocab.hardware_classes):   # "DSPs", "an earbud": a class-level item
        for t in terms:
            if (m := phrase_rx(t).search(question)):
                found.append(Facet("hardware", name, m.group(0), m.span(), list(terms)))
                break
    classes = []
    for cls, phrases in vocab.hardware_classes.items():
        for p in phrases:
            classes += [Facet("hardware_class", cls, m.group(0), m.span(), list(phrases))
                        for m in phrase_rx(p).finditer(question) if not _RESOURCE.match(question, m.end())]
    found += _modified_classes(classes, question)
    for tag, phrases in vocab.topics.items():
        for p in sorted(phrases, key=len, reverse=True):
            if (m := phrase_rx(p).search(question)):
                found.append(Facet("topic", tag, m.group(0), m.span(), list(phrases)))
                break
    return _one_topic(_drop_overlaps(found), vocab.tag_sizes)


def _modified_classes(classes: list[Facet], question: str) -> list[Facet]:
    """A class word right before another ("phone GPUs") says which of them the question means: the
    pair is the narrower class (GPUs in phones), and the head's own class is no filter. Of one class
    said twice, its first mention stands."""
    heads = [b for b in classes for a in classes if a.value != b.value and 0 <= b.span[0] - a.span[1] <= 1
             and question[a.span[1]:b.span[0]] in ("", " ", "-")]
    out: list[Facet] = []
    for f in sorted((f for f in classes if f not in heads), key=lambda f: f.span):
        if not any(o.value == f.value for o in out):
            out.append(f)
    return out


@lru_cache(maxsize=1)
def _class_terms_cached(said: frozenset) -> tuple:
    from agent.engines.local.gazetteer import load_yaml

    out = []
    for item in load_yaml("hardware.yaml")["class_terms"]:
        terms = [t for t in item["terms"] if t.lower() not in said]
        if item["name"].lower() not in said and terms and item["class"] != "other":
            out.append((item["name"], tuple(terms)))
    return tuple(out)


def _class_terms(classes: dict[str, list[str]]) -> tuple:
    """Generic hardware terms of the gazetteer that no class phrase of qa_vocab says ("DSP", "earbud"):
    the claims table keeps them as class-level items by that name, a narrower filter than their class."""
    said = frozenset(p.lower() for phrases in classes.values() for p in phrases) | frozenset(classes)
    return _class_terms_cached(said)


# "GPU memory", "GPU hours": the class word names a resource the question measures, not the hardware used;
# "GPU code", "FPGA programs": an artefact written for the hardware, which need not run on it.
_RESOURCE = re.compile(r"[\s-]+(?:memory|hours?|time|utili[sz]ation|budget|footprint|usage|code|programs?|programming)\b",
                       re.I)


def _hardware_keys(names: list[str]) -> list[str]:
    """Searchable hardware words: full names plus their vendor/family word ('Xilinx', 'Samsung')."""
    keys: set[str] = set()
    for name in names:
        keys.add(name)
        head = name.split()[0]
        if len(name.split()) > 1 and head[:1].isupper() and head.isalpha() and len(head) >= 4:
            keys.add(head)
    return sorted(keys, key=len, reverse=True)


_SPECIFICITY = {"dataset": 0, "hardware": 0, "hardware_class": 1, "topic": 2}


def _one_topic(facets: list[Facet], tag_sizes: dict[str, int]) -> list[Facet]:
    """Keep the rarest topic only: in "GNN workloads ... systems, compilers or hardware" the subject
    is gnn, and the other topic words describe methods or alternatives."""
    topics = [f for f in facets if f.kind == "topic"]
    if len(topics) <= 1:
        return facets
    keep = min(topics, key=lambda f: (tag_sizes.get(f.value, 0) or 10**9, f.span[0]))
    return [f for f in facets if f.kind != "topic" or f is keep]


def _drop_overlaps(facets: list[Facet]) -> list[Facet]:
    """One facet per stretch of the question; the most specific wins ('Samsung smartphone' is a
    hardware name, not also the class 'mobile'), then the longest match. A match inside a longer
    one is a word of that name ("cloud" of "point clouds"), whatever its kind."""
    facets = [f for f in facets if not any(o.span[0] <= f.span[0] and f.span[1] <= o.span[1] and
                                           o.span[1] - o.span[0] > f.span[1] - f.span[0] for o in facets)]
    kept: list[Facet] = []
    for f in sorted(facets, key=lambda f: (_SPECIFICITY[f.kind], -(f.span[1] - f.span[0]))):
        near = [k for k in kept if f.span[0] < k.span[1] + 2 and k.span[0] < f.span[1] + 2
                or (k.kind == f.kind and k.value == f.value)]
        if not near and not (f.kind == "hardware_class" and any(k.kind == "hardware" and _adjacent(k, f)
                                                               for k in kept)):
            kept.append(f)
    return kept


def _adjacent(a: Facet, b: Facet) -> bool:
    return abs(a.span[1] - b.span[0]) <= 3 or abs(b.span[1] - a.span[0]) <= 3


def _year(question: str) -> str | None:
    for rx, fmt in _YEAR:
        if (m := rx.search(question)):
            return fmt.format(*m.groups())
    return None


# The verb that says a year is a publication date ("were published in 2019", "came out since 2022").
_PUBLISHED_BEFORE = re.compile(r"(?:\b(?:were|was|been|are|is|got|first)\s+)*\b(?:published|released|appeared|"
                               r"posted|written|submitted|presented|came\s+out|come\s+out|dated)\s+$", re.I)


def year_words(question: str, year: str | None) -> list[str]:
    """The year phrase of a question routed with a `year` filter, as a surface set readers skip."""
    phrase = year_phrase(question) if year else None
    return [phrase] if phrase else []


def year_phrase(question: str) -> str | None:
    """The words of the question that state its year filter, with the publication verb before them
    ("were published in 2019", "from 2023 or later"): the stored year answers them, so they are no
    concept a paper's text must mention."""
    for rx, _ in _YEAR:
        if (m := rx.search(question)):
            verb = _PUBLISHED_BEFORE.search(question, 0, m.start())
            return question[verb.start() if verb else m.start():m.end()]
    return None


def _metric(question: str, vocab: Vocabulary) -> str | None:
    for metric, phrases in vocab.metrics.items():
        if any(phrase_rx(p).search(question) for p in phrases):
            return metric
    return None


_SUBJECT = re.compile(r"\b(?:about|on|regarding|concerning|related\s+to|involving|that\s+use|using)\s+"
                      r"(?P<s>[^?]+)", re.I)


def subject_phrases(question: str) -> list[str]:
    """'3D Gaussian Splatting (3DGS)' -> ['3D Gaussian Splatting', '3DGS'] from '... about X?'."""
    m = _SUBJECT.search(question)
    if not m:
        return []
    subject = re.sub(r"\b(?:models?|papers?|workloads?|systems?|the|a|an)\b", " ", m.group("s"), flags=re.I)
    out = [re.sub(r"\s+", " ", p).strip(" ,.-") for p in re.split(r"[()/]|\bor\b|\band\b", subject)]
    return [p for p in out if len(p) >= 3 and len(p.split()) <= 5]


def route(question: str, vocab: Vocabulary, *, has_context: bool = False) -> Route:
    q = question.strip()
    strong = bool(has_context and _FOLLOW.search(q))
    follow = strong or bool(has_context and _FOLLOW_WEAK.search(q))
    r = Route(kind="lookup", question=q, follow_up=follow, weak_follow_up=follow and not strong, year=_year(q),
              metric=_metric(q, vocab))
    r.facets = _find_facets(q, vocab)
    r.singular = follow and bool(_SINGULAR.search(q)) and not re.search(r"\b(?:those|these|them|they)\b", q, re.I)
    r.numbers = bool(_HOW_MUCH.search(q))
    if (m := _LIMIT.search(q)):
        r.limit = int(m.group(1) or m.group(2))
    if follow and (m := _ORDINAL.search(q)):
        word = (m.group(1) or m.group(2) or "").lower()
        r.ordinal = -1 if word == "last" else _ORDINALS.get(word) or int(re.sub(r"\D", "", word) or 0) or None
    shape, head = set_shape(q)
    r.head = head.word if head else None
    if _COMPARE.search(q):
        r.kind = "compare"
    elif _TOP.search(q):
        r.kind = "top"
    elif _FACTOR.search(q):
        r.kind = "numeric"
        r.numbers = True
    elif shape is True or (shape is None and _SET.search(q)):
        r.kind = "set"
        r.count_only = bool(_COUNT.search(q))
        r.phrases = subject_phrases(q)
    elif _NUMERIC.search(q):
        r.kind = "numeric"
    elif _only_subject(q, r.facets):
        r.kind = "set"
    elif follow and r.ordinal is None and not (r.singular and _REFERENT.search(q)) and (r.facets or r.year):
        r.kind = "set"   # "do any of them use FPGAs?" narrows the previous set; "what GPU did it use?"
        # asks about the one paper the last answer put first (agent/qa/local.py), not for a set
    return r


def _only_subject(question: str, facets: list[Facet]) -> bool:
    """The question is "what about <facet>?" and nothing else (agent/qa/router.py _ONLY_SUBJECT)."""
    m = _ONLY_SUBJECT.match(question)
    if not m or not facets:
        return False
    rest = m.group("rest")
    for f in facets:
        rest = phrase_rx(f.surface).sub(" ", rest)
    return not re.sub(r"\b(?:and|or|papers?|works?|ones?)\b|[\s,]", "", rest, flags=re.I)
