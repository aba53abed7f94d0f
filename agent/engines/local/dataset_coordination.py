"""A name-shaped word coordinated with a dataset is a dataset too (a list holds things of one kind):
"On ZetaQA and ImageNet", "ImageNet, ZetaQA and COCO", "Atari and DeepMind Lab"."""

from __future__ import annotations

import re

from agent.engines.local.dataset_names import DatasetGazetteer
from agent.engines.local.dataset_phrases import TASK_HEAD
from agent.engines.local.dataset_tokens import Mention
from agent.engines.local.dataset_tokens import is_hardware_name as _is_hardware_name
from agent.engines.local.dataset_tokens import is_name_token as _is_name_token
from agent.engines.local.gazetteer import SpanSet, alias_key


# A name written like a dataset: inner capitals or digits ("ZetaQA", "Omega-1K", "GSM8K"), or all capitals.
_NAME_SHAPE = r"(?:[A-Z][a-z0-9]*[A-Z0-9][\w-]*|[A-Z]{3,}[\w-]*|[A-Z][A-Za-z]*-?\d[\w-]*)"
_COORDINATOR = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)"
# A comma joins clauses as well as list items ("... on ImageNet, MoGA-B meets ..."): after a comma the
# name must go on as a list item (another comma, "and", "or", a closing bracket or the end of the phrase).
# "the Human3.6M dataset and MPI-INF-3DHP": a singular trigger may stand between the name and "and".
_NEXT_NAME = re.compile(rf"(?:\s*,\s*(?:and\s+|or\s+)|"
                        rf"(?:\s+(?:data\s?set|benchmark|corpus))?\s+(?:and|or)\s+(?:the\s+)?)"
                        rf"(?P<name>{_NAME_SHAPE})(?![\w-])"
                        rf"|\s*,\s*(?P<listed>{_NAME_SHAPE})(?=\s*(?:,|and\b|or\b|\)|datasets?\b|benchmarks?\b))")
_PREVIOUS_NAME = re.compile(rf"(?:^|(?<=[\s(]))(?P<name>{_NAME_SHAPE}){_COORDINATOR}$")
_LIST_START_BEFORE = re.compile(r"(?:\b(?:on|in|across|over|from|of|with|and|both|the)\s+|[,(:]\s*)$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+)$")


def coordinated_names(text: str, known: list[Mention], gazetteer: DatasetGazetteer) -> list[Mention]:
    """'On ZetaQA and ImageNet', 'ImageNet, ZetaQA and COCO': a name-shaped word coordinated with a
    dataset is a dataset too (a list holds things of one kind), unless it is a model, method, tool
    or hardware name."""
    taken = SpanSet((m.start, m.end) for m in known)
    found: list[Mention] = []
    frontier = list(known)
    while frontier:
        mention = frontier.pop()
        for match in (_NEXT_NAME.match(text, mention.end),
                      _PREVIOUS_NAME.search(text, max(0, mention.start - 40), mention.start)):
            if match is None:
                continue
            group = "name" if match.groupdict().get("name") else "listed"
            if taken.overlaps(*match.span(group)) or any(
                    f.start < match.end(group) and match.start(group) < f.end for f in found):
                continue
            name, start = match.group(group), match.start(group)
            if (not _is_name_token(name, gazetteer) or _is_hardware_name(name) or name.casefold() in gazetteer.task_words
                    or _model_shaped(name, gazetteer)  # "ImageNet and BigFooGAN images": a model beside the data
                    or _SENTENCE_START.search(text, max(0, start - 3), start)
                    or match.re is _PREVIOUS_NAME and not _LIST_START_BEFORE.search(text, max(0, start - 12), start)):
                continue
            end = match.end(group)
            if match.re is _NEXT_NAME and (more := _title_words_after(text, end, gazetteer)):
                name, end = f"{name} {text[end:more].strip()}", more  # "on Atari and DeepMind Lab"
            known_name = gazetteer.strong_keys.get(alias_key(name, False))
            new = Mention(start, end, known_name.canonical if known_name else name, alias_key(name, False))
            found.append(new)
            frontier.append(new)
    return found


_TITLE_AFTER = re.compile(r"\s+([A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)(?![\w-])")


def _title_words_after(text: str, end: int, gazetteer: DatasetGazetteer) -> int:
    """End of up to two capitalised words that go on a coordinated name ("DeepMind Lab"), or 0: not a
    generic, task or method word, a model or hardware name, nor a new sentence."""
    out = 0
    for _ in range(2):
        word = _TITLE_AFTER.match(text, out or end)
        if word is None or not _is_name_token(word.group(1), gazetteer) or TASK_HEAD.fullmatch(word.group(1)) \
                or word.group(1).casefold() in gazetteer.task_words or _is_hardware_name(word.group(1)):
            break
        out = word.end()
    return out


# "evaluated on ZenQA", "results on the QuorbitSum and ...": a name-shaped word after a preposition whose
# clause reports an evaluation is its data ("over" is left out: "gains over FooMix" names a baseline).
# (The preposition is found first; the clause is read only then.)
_PREPOSITIONS = (" on ", " across ", " using ")
_NAME_AT = re.compile(rf"(?:the\s+)?(?P<name>{_NAME_SHAPE})(?![\w-])")
_EVALUATION_BEFORE = re.compile(
    r"(?:\b(?:evaluat\w*|test(?:s|ed|ing)?|train(?:s|ed|ing)?|fine-?tun\w*|pre-?train\w*|benchmark(?:s|ed|ing)?|"
    r"experiments?|results?|accuracy|perplexity|performance|validat\w*|assess\w*|outperform\w*|"
    r"state-of-the-art)\b"
    # a percentage is a reported score ("2.25% on ZetaQA"; a speed ratio is not: "1.6x on" names a model as
    # often as data), and a decimal point does not end the clause ("accuracy of 81.2% on ...")
    r"|\d\s*\\?%"
    r")(?:[^.;:()]|(?<=\d)\.(?=\d)){0,35}$", re.IGNORECASE)
# Method and model words: "on FooNet", "using BarFormer", "over BazGPT-2" (a known dataset is found first).
_MODEL_SHAPE = re.compile(r".*(?:Net|Former|GPT|BERT|LM|GAN|VAE|Attention|Transformer|NN|Mamba|Diffusion|Agent|"
                          r"Coder|Llama|LLaMA)(?:[-\s]?v?\d[\w.-]*)?$")
_VERSION_END = re.compile(r"[-\s]?v?\d[\w.-]*$")


def _model_shaped(name: str, gazetteer: DatasetGazetteer) -> bool:
    """A model's name shape ("BigFooGAN", "QuuxNet-2"), unless it is a known dataset with a variant
    written on ("ImageNet32", "ImageNet64x64")."""
    return _MODEL_SHAPE.match(name) is not None and \
        alias_key(_VERSION_END.sub("", name), False) not in gazetteer.strong_keys


_NAME_ENDS_HERE = re.compile(r"\s*(?:[,;:.)]|$|(?:and|or|with|to|for|in|at|by|from|as|where|while|which|that|"
                             r"dataset|datasets|benchmark|benchmarks|corpus|respectively|show|shows|demonstrate)\b)")


def evaluated_names(text: str, gazetteer: DatasetGazetteer, found_already: SpanSet) -> list[Mention]:
    """Name-shaped words after on/across/using in a clause that reports an evaluation; not the first half of
    a suspended compound ("on BERT- and GPT-family models")."""
    found = []
    opening = _sentence_opening_names(text) if ("On " in text or "Across " in text) else []
    for match in _names_after_prepositions(text) + opening:
        name = match.group("name")
        if (found_already.overlaps(match.start("name"), match.end("name")) or name.endswith("-")
                or name.casefold().rstrip("s") in gazetteer.generic or _MODEL_SHAPE.match(name)
                or not _is_name_token(name, gazetteer) or _is_hardware_name(name)):
            continue
        if match.re is not _OPENING_NAME and (not _NAME_ENDS_HERE.match(text, match.end("name")) or
                                              not _EVALUATION_BEFORE.search(text, max(0, match.start() - 60), match.start())):
            continue
        found.append(Mention(match.start("name"), match.end("name"), name, alias_key(name, False)))
    return found


def _names_after_prepositions(text: str) -> list[re.Match[str]]:
    out = []
    for preposition in _PREPOSITIONS:
        at = text.find(preposition)
        while at >= 0:
            match = _NAME_AT.match(text, at + len(preposition))
            if match is not None:
                out.append(match)
            at = text.find(preposition, at + 1)
    return sorted(out, key=lambda m: m.start())


# "On ZetaQA and OmegaSum, our model ...", "Across ZetaQA, OmegaSum and PiTrans, ...": a sentence that opens
# with what it was run on. The opening phrase must be a list of name-shaped words closed by the comma before
# the main clause (the later items are then read as coordinated names); "On FooNet, ..." is still a model.
_OPENING_NAME = re.compile(rf"(?:On|Across)\s+(?:the\s+)?(?P<name>{_NAME_SHAPE})(?![\w-])"
                           rf"(?=(?:{_COORDINATOR}(?:the\s+)?{_NAME_SHAPE}(?![\w-]))*"
                           rf"(?:\s+(?:data\s?sets?|benchmarks?))?\s*,)")


def _sentence_opening_names(text: str) -> list[re.Match[str]]:
    out = []
    for word in ("On ", "Across "):
        at = text.find(word)
        while at >= 0:
            if (at == 0 or text[at - 2:at] in (". ", "! ", "? ")) and (match := _OPENING_NAME.match(text, at)):
                out.append(match)
            at = text.find(word, at + 1)
    return out
