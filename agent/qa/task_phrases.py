"""The task a question names: a task head noun ("segmentation", "translation", "inpainting") with the
(up to three) content words before it ("point cloud semantic segmentation").

The constraint's `value` is the kind word and the head ("semantic segmentation"): a paper meets it by
writing the phrase, or both words in one sentence (agent/qa/constraints.py). The words before the kind
(`task_modifiers`: "point cloud") say which data or setting the task is on; `surface` keeps them, the
task as the question wrote it (what `missing` reports). A paper meets the task only when it also meets
each modifier (`modifiers_met`): its own word, an everyday sense of it, or the bracketed short form
the question gives ("NeRF"); an image-segmentation paper does not meet "point cloud semantic
segmentation". A paraphrase whose modifier is the user's own word then has a task miss, which the
task-miss weighing (agent/qa/uncovered_weight.py) lets retrieval outweigh. A verb before the task ("compress speech synthesis"), a setting
with digits ("720p super-resolution") and a product generation ("the Volta generation") are no kind.
"""

from __future__ import annotations

import re

# Head nouns of a task name ("speech recognition", "point cloud semantic segmentation").
_TASK_HEAD = re.compile(r"(?<![\w-])(?:recognition|segmentation|detection|estimation|classification|translation|"
                        r"tracking|captioning|summari[sz]ation|reconstruction|forecasting|retrieval|synthesis|generation|"
                        r"prediction|rendering|inpainting|counting|answering|completion|spotting|styli[sz]ation|"
                        r"enhancement|locali[sz]ation|registration|planning|parsing|tagging|super-resolution)(?![\w-])",
                        re.I)
# "neural radiance field (NeRF) rendering": a bracketed short form inside the task name is its acronym
_BRACKETED = re.compile(r"\s*\([^()]{1,15}\)")


_VERB_FORM = re.compile(r"^[a-z]+(?:[^s\W]s|ing|ed)$")


def task_phrases(question: str) -> list[tuple[str, str]]:
    """(surface, value) of each task the question asks about: a task head noun with the (up to three)
    content words before it."""
    from agent.qa.set_concepts import FRAME
    from agent.qa.set_words import main_verb
    from agent.qa.text import STOP, stem

    out = []
    asked, verb = question, main_verb(question)
    question = _BRACKETED.sub("", question)
    for m in _TASK_HEAD.finditer(question):
        words = re.findall(r"[A-Za-z0-9][\w-]*", re.split(r"[,;:()]", question[:m.start()])[-1])
        mods: list[str] = []
        for w in reversed(words[-3:]):
            if w.lower() in STOP or stem(w.lower()) in FRAME:
                break
            mods.insert(0, w)
        while mods and (_VERB_FORM.search(mods[0]) or mods[0] == verb):    # "improves 3D object detection",
            mods.pop(0)                                  # "Which papers compress speech synthesis": no task word
        written = mods + [m.group(0)]
        while mods and not _kind_word(mods[-1], m.group(0)):    # "720p super-resolution", "Volta generation"
            mods.pop()
        if mods:    # the kind of task is the word before its head ("semantic segmentation"); the
            # words before that describe its input in the user's own words ("point-cloud")
            out.append((_as_written(asked, written), f"{mods[-1]} {m.group(0)}".lower()))
    return out


def _kind_word(word: str, head: str) -> bool:
    """Can `word` say which task `head` is? Not a setting with digits ("720p", "4K"), nor a product
    family before "generation" ("the Volta generation" of GPUs, against "code generation")."""
    if any(ch.isdigit() for ch in word) and not re.fullmatch(r"\d[Dd]", word):    # "3D" is a kind
        return False
    if head.lower() != "generation":
        return True
    from agent.qa.vendors import family_mentions    # the product families the project already knows

    return not family_mentions(f"{word} {head}")


def _as_written(question: str, words: list[str]) -> str:
    """The task's words as the question wrote them, a bracketed acronym inside included."""
    rx = r"(?:\s*\([^()]{1,15}\))?\s+".join(re.escape(w) for w in words)
    m = re.search(rx, question)
    return m.group(0) if m else " ".join(words)


_DIGIT_SETTING = re.compile(r"\d")


def task_modifiers(surface: str, value: str) -> list[str]:
    """The words of the task as written before its kind word ("point", "cloud" of "point cloud semantic
    segmentation"), less bracketed short forms, stopwords and settings with digits ("4K"; "3D" stays)."""
    from agent.qa.text import STOP

    words = re.findall(r"[A-Za-z0-9][\w-]*", _BRACKETED.sub("", surface))
    kind = value.split()[0] if value else ""
    low = [w.lower() for w in words]
    if kind not in low:
        return []
    return [w for w in words[:low.index(kind)] for w in w.split("-")
            if w.lower() not in STOP and (not _DIGIT_SETTING.search(w) or re.fullmatch(r"\d[Dd]", w))]


def modifiers_met(surface: str, value: str, text: str) -> bool:
    """Does `text` meet every modifier of the task: writing it, one of its one-word everyday senses, or
    the task's bracketed short form ("neural radiance field (NeRF) rendering": "NeRF")?"""
    from agent.qa.text import covered_by_senses, term_set

    mods = task_modifiers(surface, value)
    if not mods:
        return True
    have = term_set(text)
    short = [m.group(0).strip(" ()") for m in _BRACKETED.finditer(surface)]
    if any(term_set(s) and term_set(s) <= have for s in short):
        return True
    return all(term_set(w) <= have or covered_by_senses(w, have) for w in mods)
