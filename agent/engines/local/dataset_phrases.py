"""Capitalised phrases around a context pattern that are not dataset names, and the words that belong
to one that is (LABELLING §2 excludes tasks, methods and generic phrases; it keeps a name as written).

- A task or method phrase is plain title-case words whose head is a task or method noun: "Sentiment
  Analysis", "Neural Machine Translation" (read from "tasks such as ..."), "Sequential Learning Tasks".
  Next to "dataset/benchmark/corpus" the trigger vouches for the phrase ("the Stanford Natural Language
  Inference dataset"), unless an indefinite article makes it a description ("a new Reading
  Comprehension dataset").
- A fragment of a longer capitalised term is no name: "Virtual [Dataset] Normalization", "Simplicial
  Complex Networks (SCNs)": the title-case words go on past the name into a method or task noun.
- A capitalised describing word inside a name belongs to it when written mid-sentence: "the Famous
  People dataset", "New York Times datasets" (a generic word alone, or sentence-initial, still ends
  the name: "Extensive benchmarks").
- A task acronym that a capitalised task phrase spells out is a task: "Relation Extraction (RE) tasks".
"""

from __future__ import annotations

import re

from agent.engines.local.dataset_tokens import spells_acronym

# Heads of task and method phrases (title case in an abstract's term definitions).
_HEAD_WORDS = (r"analysis|answering|comprehension|translation|recognition|extraction|detection|classification|"
               r"segmentation|inference|generation|understanding|parsing|labell?ing|tagging|reasoning|prediction|"
               r"modell?ing|completion|retrieval|adaptation|estimation|synthesis|summari[sz]ation|tracking|"
               r"captioning|learning|networks?|models?|attention|algorithms?|methods?|layers?|architectures?|"
               r"encoders?|decoders?|optimi[sz]ation|normali[sz]ation|training|embeddings?|transformers?|"
               r"mechanisms?|processing|linking|tasks?")
TASK_HEAD = re.compile(rf"(?:{_HEAD_WORDS})", re.IGNORECASE)
_PLAIN_TITLE = re.compile(r"[A-Z][a-z]+")
# The next title-case word after a name, across a capitalised trigger word ("Virtual Dataset Normalization").
_CONTINUES = re.compile(r"\s+(?P<trigger>(?:Data\s?sets?|Benchmarks?|Corpus|Corpora|Suites?|Tasks?)\s+)?"
                        r"(?P<word>[A-Z][a-z]+)\b(?!\s+(?:Challenge|Competition|Contest)\b)")
_INDEFINITE_BEFORE = re.compile(r"\b(?:a|an)\s+(?:[a-z][\w-]*\s+){0,2}$")
_PLURAL_TRIGGERS = ("sets", "marks", "corpora", "suites")
_DEFINITE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_TRIGGER_AFTER = re.compile(r"(?:\s*\([^()]{1,15}\))?\s+(?:data\s?sets?|benchmarks?|corpus|corpora|suites?)\b",
                            re.IGNORECASE)
# Title-case words that never open or join a name: determiners, pronouns, prepositions, quantities.
FUNCTION_WORDS = frozenset(
    "a an the our their its this that these those each every all both any some many several various multiple "
    "numerous other another more most we in on for with by and or of to from across over under using via as at "
    "into while where when which who whose is are was were be it they also only one two three four five six "
    "seven eight nine ten first second third such same own".split())


def trigger_follows(text: str, end: int) -> bool:
    """'... dataset', '... (ODU) benchmark': a dataset trigger right after `end`."""
    return _TRIGGER_AFTER.match(text, end) is not None


def is_plain_title(words: list[str]) -> bool:
    return bool(words) and all(_PLAIN_TITLE.fullmatch(w) for w in words)


def is_task_or_method_phrase(text: str, start: int, end: int, words: list[str], stripped: bool) -> bool:
    """Whether the plain title-case name text[start:end] (its `words`; `stripped` when task words were
    taken off its end) is a task or method phrase, a description, or part of a longer capitalised term."""
    if not is_plain_title(words):
        return False  # inner capitals, digits or all capitals: a name's shape ("ZetaQA", "GLUE")
    continues = _CONTINUES.match(text, end)
    if continues and (continues.group("trigger") or TASK_HEAD.fullmatch(continues.group("word"))):
        return True  # "Simplicial Complex Networks", "Virtual Dataset Normalization"
    task_like = stripped or TASK_HEAD.fullmatch(words[-1]) is not None
    if trigger := _TRIGGER_AFTER.match(text, end):
        # the trigger vouches for a name ("the Stanford Natural Language Inference dataset"), not for a
        # description ("a new Visual Entailment dataset") nor a kind ("Event Argument Extraction datasets")
        if _INDEFINITE_BEFORE.search(text, max(0, start - 40), start):
            return True
        plural = trigger.group().rstrip().casefold().endswith(_PLURAL_TRIGGERS)
        return task_like and plural and not _DEFINITE_BEFORE.search(text, max(0, start - 5), start)
    return task_like


def joins_name(token: str, text: str, start: int) -> bool:
    """Whether a capitalised generic word at `start`, right before a name group, is part of the name:
    title case, written mid-sentence, and no function word ("the Famous People dataset")."""
    if not _PLAIN_TITLE.fullmatch(token) or token.casefold() in FUNCTION_WORDS:
        return False
    return not re.search(r"(?:^|[.!?:;\"\u201c(]\s*)$", text[max(0, start - 3):start])


_PAREN_ACRONYM = re.compile(r"\(\s*([A-Z][A-Za-z]{1,6})\s*\)")
_WINDOW_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def spelled_task_acronyms(text: str, candidates: set[str]) -> set[str]:
    """Those of `candidates` (casefolded acronyms) that the abstract defines for a title-case task or
    method phrase: "Relation Extraction (RE)", "Multi-Source Domain Adaptation (MSDA)"."""
    out = set()
    at = text.find("(")
    while at >= 0 and len(out) < len(candidates):
        paren = _PAREN_ACRONYM.match(text, at)
        if paren is not None and paren.group(1).casefold() in candidates and _spells_task(text, at, paren.group(1)):
            out.add(paren.group(1).casefold())
        at = text.find("(", at + 1)
    return out


def _spells_task(text: str, paren_start: int, acronym: str) -> bool:
    window = text[max(0, paren_start - 60):paren_start]
    if not window.rstrip()[-1:].isalpha():
        return False
    words: list[str] = []
    for word in reversed(_WINDOW_WORD.findall(window)[-5:]):
        if not word[:1].isupper():
            break
        words.insert(0, word)  # the run of capitalised words right before the parenthesis
    return bool(words) and TASK_HEAD.fullmatch(words[-1]) is not None and spells_acronym(words, acronym)
