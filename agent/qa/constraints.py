"""What a question requires of the paper that answers it, and whether a paper meets it.

A question can name entities that the answer must be about: a dataset ("on the Cityscapes dataset"),
a hardware product or product family ("a Jetson Orin", "any Jetson board"), a model at a size
("LLaMA-13B"), a metric ("what perplexity ..."). Retrieval finds the paper that is *about* the rest
of the question; these constraints decide whether that paper *answers* it. Each is checked against
the cited paper's title and abstract and, when the store has them, its extracted claims:

- dataset: the same dataset name (the extractor's canonical spelling), or the name written in the text;
- hardware: the question's product name is a token prefix of one the paper names ("NVIDIA Jetson"
  covers "NVIDIA Jetson Nano"; "NVIDIA V100" does not cover "NVIDIA V100S"), so a product is never
  widened to its vendor or family;
- model: the same model family at the same size ("LLaMA-7B/13B" counts for LLaMA-13B; LLaMA2-7B
  does not count for LLaMA2-70B);
- metric: a word for the metric appears in the abstract (only for questions that ask for a figure).
Entities are found with the same extractors that fill the claims tables (agent/engines/local).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# a mixture-of-experts size is written experts x expert size ("Mixtral-8x7B"): one size, kept whole
_SIZE = r"((?:\d+[x\u00d7])?\d+(?:\.\d+)?)\s?([BbMm])\b"
_MODEL = re.compile(r"(?<![\w.-])([A-Za-z][A-Za-z0-9.]*(?:-[A-Za-z][A-Za-z0-9.]*|-\d+(?:\.\d+)?(?![\d.]*[BbMm]\b))*)-"
                    + _SIZE + r"((?:/\d+(?:\.\d+)?[BbMm]\b)*)")
_EXTRA_SIZE = re.compile(r"/(\d+(?:\.\d+)?)([BbMm])")
# Named size variants written after the family: BERT-base, ViT-Large, GPT-2 XL.
_VARIANT = re.compile(r"(?<![\w.-])([A-Z][A-Za-z0-9.]*(?:-[A-Za-z0-9.]+)*?)[- ](base|large|small|tiny|mini|medium|xl|xxl|huge)"
                      r"(?![\w-])", re.I)
# Metrics a question may ask a figure for, with the words an abstract uses for them.
METRICS: dict[str, tuple[str, ...]] = {
    "energy": ("energy", "power", "joule", "watt"),
    "perplexity": ("perplexity", "ppl"),
    "BLEU": ("bleu",),
    "ROUGE": ("rouge",),
    "accuracy": ("accuracy", "top-1", "top1", "top-5"),
    "F1": ("f1",),
    "mAP": ("map",),
    "PSNR": ("psnr",),
    "word error rate": ("word error rate", "wer"),
    "FPS": ("fps", "frames per second", "frame rate"),
    "throughput": ("throughput",),
    "latency": ("latency", "response time"),
    "memory": ("memory",),
    "cost": ("cost", "dollar", "price"),
    "carbon": ("carbon", "co2", "emission"),
    "NDCG": ("ndcg",),
    "AUC": ("auc",),
    "FID": ("fid", "frechet inception distance"),
    "SSIM": ("ssim",),
    "LPIPS": ("lpips",),
    "mIoU": ("miou", "iou", "intersection over union"),
    "FLOPs": ("flops", "macs"),
    "recall": ("recall",),
}
_METRIC_Q = {m: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in ws) + r")(?![\w-])", re.I)
             for m, ws in METRICS.items()}
_ASKS_FIGURE = re.compile(r"^\s*(?:what|how\s+(?:much|many|fast|large|low|high)|by\s+(?:how|what)|"
                          r"up\s+to\s+what|which\s+\w+\s+does)\b", re.I)


@dataclass(frozen=True)
class Constraint:
    kind: str          # dataset | hardware | model | metric | task
    surface: str       # as the question wrote it (what `missing` reports)
    value: str = ""    # canonical: dataset name, hardware name, "family size", metric key

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "surface": self.surface, "value": self.value}


@dataclass
class PaperFacts:
    """What a paper's text and claims offer to the checks (built once per paper and question)."""

    text: str                       # title + abstract (+ TL;DR)
    datasets: set[str]              # canonical names, lower case
    hardware: list[tuple[str, ...]]  # canonical names as lower-case token tuples
    models: set[tuple[str, str]]    # (family, size)


# -- reading the question ---------------------------------------------------------------------------
def question_constraints(question: str) -> list[Constraint]:
    """Datasets, specific hardware, sized models and (for figure questions) metrics the question names."""
    from agent.engines.local.entities import extract_datasets, extract_hardware

    out: list[Constraint] = []
    for name in extract_datasets(question):
        out.append(Constraint("dataset", surface_of(question, name), name))
    for hw in extract_hardware(question):
        if hw.level == "specific":
            out.append(Constraint("hardware", surface_of(question, hw.name), hw.name))
    out += _versioned_family(question, out)
    out = _vendor_level(question, out)
    for surface, family, size in model_mentions(question):
        out.append(Constraint("model", surface, f"{family} {size}"))
    out += _model_family_level(question)
    for surface, family, code in variant_mentions(question):
        if not _inside((question.find(surface), question.find(surface) + len(surface)), question, out):
            out.append(Constraint("model", surface, f"variant:{family}:{code}"))
    for surface, size in size_mentions(question):
        if not any(c.kind == "model" and c.value.endswith(f" {size}") for c in out):
            out.append(Constraint("model", surface, f"* {size}"))
    if _ASKS_FIGURE.search(question) and (asked := asked_metric(question, out)) is not None:
        out.append(asked)
    return out + task_mentions(question)


def asks_metric_figure(question: str) -> bool:
    """A figure question naming a metric ("What PSNR does X reach?")."""
    return bool(_ASKS_FIGURE.search(question)) and asked_metric(question, []) is not None


# A metric named after one of these is a condition on the figure asked, not the figure: "how much
# acceleration ... without accuracy loss", "how much more throughput ... with the same power budget".
_CONDITION = re.compile(r"\b(?:with|without|while|whilst|keeping|maintaining|preserving|retaining|at\s+(?:no|the\s+same|"
                        r"similar|equal|iso)|under\s+(?:the\s+same|a|an)|given)\b", re.I)


def asked_metric(question: str, found: list[Constraint]) -> Constraint | None:
    """The metric a figure question asks for: the first metric word of the question (by position, not
    by the METRICS table's order) before any condition phrase; None when every one is a condition."""
    cond = _CONDITION.search(question)
    limit = cond.start() if cond else len(question)
    mentions = sorted((m.start(), m, metric) for metric, rx in _METRIC_Q.items() for m in rx.finditer(question[:limit]))
    for _, m, metric in mentions:
        if not _inside(m.span(), question, found):
            end = m.end()
            while (more := re.match(r"\s+" + _METRIC_Q[metric].pattern, question[end:], re.I)):
                end += more.end()       # "top-1 accuracy": the metric as the question wrote it, whole
            per = _PER.match(question, end)     # "energy per request": the normaliser is asked too
            return Constraint("metric", question[m.start():end] + (per.group(0) if per else ""), metric)
    return None


_PER = re.compile(r"\s+per\s+[a-z]+", re.I)
def task_mentions(question: str) -> list[Constraint]:
    """The task phrases a question names (agent/qa/task_phrases.py)."""
    from agent.qa.task_phrases import task_phrases

    return [Constraint("task", surface, value) for surface, value in task_phrases(question)]


def _model_family_level(question: str) -> list[Constraint]:
    """"BERT models of any variant": every model of the family (agent/qa/model_families.py)."""
    from agent.qa.model_families import family_mentions

    narrower = [s for s, _, _ in model_mentions(question)] + [s for s, _, _ in variant_mentions(question)]
    return [Constraint("model", surface, f"family:{family}") for surface, family in family_mentions(question, narrower)]


def _vendor_level(question: str, found: list[Constraint]) -> list[Constraint]:
    """"Intel processors", "Apple hardware": any product of the vendor (agent/qa/vendors.py); products
    of that vendor the question names are its examples, not a narrower filter."""
    from agent.qa.vendors import level_mentions, within_level

    named = level_mentions(question, [c.surface for c in found if c.kind == "hardware"])
    if not named:
        return found
    levels = {v for _, v in named}
    kept = [c for c in found if not (c.kind == "hardware" and within_level(c.value, levels))]
    return kept + [Constraint("hardware", surface, f"vendor:{key}") for surface, key in named]


# A hardware family word with a version the gazetteer may not list yet: "TPU v5", "TPUs v5", "TPUv5".
_VERSIONED = re.compile(r"(?<![\w-])(?P<family>[A-Z][A-Za-z]*[A-Z])s?[\s-]?(?P<version>v\d+[a-z]?)(?![\w-])")


def _versioned_family(question: str, found: list[Constraint]) -> list[Constraint]:
    """A product written as a hardware class plus a version ("TPUs v5") is a specific product, not
    the class: a paper on any TPU does not meet it."""
    from agent.engines.local.entities import extract_hardware

    out = []
    for m in _VERSIONED.finditer(question):
        family = m.group("family")
        if any(m.group(0).lower() in c.surface.lower() or c.surface.lower() in m.group(0).lower() for c in found):
            continue
        if any(h.level == "class" for h in extract_hardware(f"on {family}")):
            out.append(Constraint("hardware", m.group(0), f"{family} {m.group('version')}"))
    return out


def surface_of(question: str, name: str) -> str:
    """The stretch of the question that wrote `name` (without an added vendor; a plural "H100s"
    included), else the name."""
    words = name.split()
    for start in range(len(words)):
        body = r"(?-i:s)?[\s-]*".join(re.escape(w) for w in words[start:])
        m = re.search(rf"(?<![\w-]){body}(?-i:s)?(?![\w-])", question, re.I)
        if m:
            return m.group(0)
    return name


def _inside(span: tuple[int, int], question: str, found: list[Constraint]) -> bool:
    word = question[span[0]:span[1]].lower()
    return any(word in c.surface.lower() for c in found)


def model_mentions(text: str) -> list[tuple[str, str, str]]:
    """(surface, family, size) of 'LLaMA-2-13B', 'Mamba-3B', 'LLaMA-7B/13B' (one per size)."""
    out = []
    for m in _MODEL.finditer(text):
        family = _family(m.group(1))
        if not family or family.isdigit():
            continue
        out.append((m.group(0).split("/")[0], family, _size(m.group(2), m.group(3))))
        for extra in _EXTRA_SIZE.finditer(m.group(4) or ""):
            out.append((m.group(0), family, _size(extra.group(1), extra.group(2))))
    for m in _VARIANT.finditer(text):
        family = _family(m.group(1))
        if family and not family.isdigit() and m.group(1)[:1].isupper() and not _common_word(m.group(1)):
            out.append((m.group(0), family, m.group(2).lower()))
    return out


def _common_word(word: str) -> bool:
    """"My small device", "A large model": a sentence word before a size word is not a model family."""
    from agent.qa.text import STOP

    return word.lower() in STOP


# ("a 2.8B-parameter model": the hyphenated compound adjective is the same size)
_PARAMS = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([BM]|billion|million)(?:[\s-]+param\w*|(?-i:(?<=[BM]))[\s-]+"
                     r"(?:(?:language\s+)?models?|LLMs?)\b)", re.I)


def size_mentions(text: str) -> list[tuple[str, str]]:
    """(surface, size) of "7B parameters" / "13 billion parameters" / "a 6.7B model": a model size
    without a family."""
    return [(m.group(0).rstrip(), _size(m.group(1), m.group(2)[0])) for m in _PARAMS.finditer(text)]


# A model written as family-code: "FBNet-C", "PlainMamba-L1", "LLaMA-2", "ResNet-50" (not a size: "-7B").
_CODE_VARIANT = re.compile(r"(?<![\w.-])([A-Z][A-Za-z0-9]*[A-Za-z])-([A-Z]\d{0,2}|[Vv]?\d{1,3}[a-z]?)(?![\w-]|\.\d)")


def variant_mentions(text: str) -> list[tuple[str, str, str]]:
    """(surface, family, code) of the named model variants a text writes; datasets ("CIFAR-100")
    are the dataset constraint's."""
    from agent.engines.local.entities import extract_datasets

    names = [d.lower() for d in extract_datasets(text)]
    return [(m.group(0), m.group(1), m.group(2)) for m in _CODE_VARIANT.finditer(text)
            if not any(m.group(0).lower() in d or m.group(1).lower() == d for d in names)   # "ImageNet-1k"
            and not _common_word(m.group(1))]


def _variant_written(family: str, code: str, text: str) -> bool:
    """"LLaMA-2" is written "LLaMA2", "Llama 2", "LLaMA-2-70B" or "LLaMA-V1/V2"; "FBNet-B" is not "FBNet-C"."""
    num = re.escape(code.lstrip("Vv"))
    rx = rf"(?<![\w-]){re.escape(family)}[\s-]?(?:[Vv]?\w{{1,3}}/)*[Vv]?{num}(?![A-Za-z0-9]|\.\d)"
    return bool(re.search(rx, text, re.I))


def _family(raw: str) -> str:
    return re.sub(r"[^a-z0-9]", "", raw.lower())


def _size(number: str, unit: str) -> str:
    experts, _, each = number.replace("\u00d7", "x").rpartition("x")
    return f"{experts + 'x' if experts else ''}{float(each):g}{unit.lower()}"


# -- checking a paper --------------------------------------------------------------------------------
def paper_facts(title: str | None, abstract: str, extraction: dict | None = None, tldr: str | None = None) -> PaperFacts:
    """The facts of one paper: its extracted claims when given, else what the extractors find now."""
    from agent.engines.local.entities import extract_datasets, extract_hardware

    text = " ".join(x for x in (title, abstract, tldr) if x)
    ext = extraction or {}
    datasets = {d.lower() for d in (ext.get("datasets") or extract_datasets(abstract))}
    names = [h["name"] if isinstance(h, dict) else h.name for h in (ext.get("hardware") or extract_hardware(abstract))]
    hardware = [_tokens(n) for n in names]
    models = {(family, size) for _, family, size in model_mentions(text)}
    return PaperFacts(text, datasets, hardware, models)


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[\s-]+", name.lower()) if t)


def name_tokens(name: str, vendor: bool = True) -> tuple[str, ...]:
    """A hardware name as the lower-case tokens PaperFacts.hardware holds; `vendor=False` drops a
    leading vendor word ("NVIDIA Jetson" -> ("jetson",))."""
    toks = _tokens(name)
    return toks if vendor else _without_vendor(toks)[-1]


def meets(c: Constraint, facts: PaperFacts) -> bool:
    if c.kind == "dataset":
        from agent.qa.suites import meets_suite     # a suite is also met by its tasks

        return _names_dataset(c.value, facts.datasets) or _written(c.value, facts.text) \
            or _written(c.surface, facts.text) or meets_suite(c.value, facts.datasets, facts.text)
    if c.kind == "hardware" and c.value.startswith("vendor:"):
        from agent.qa.vendors import meets_level

        return meets_level(c.value[len("vendor:"):], [" ".join(h) for h in facts.hardware], facts.text)
    if c.kind == "hardware":
        return hardware_covers(c.value, facts.hardware) or _written(c.surface, facts.text)
    if c.kind == "model" and c.value.startswith("family:"):
        from agent.qa.model_families import meets_family

        return meets_family(c.value[len("family:"):], facts.text)
    if c.kind == "model" and c.value.startswith("variant:"):
        _, family, code = c.value.split(":")
        return _variant_written(family, code, facts.text)
    if c.kind == "model":
        family, size = c.value.split(" ")
        if family == "*":    # a size with no family: any model of that size the paper reports
            return any(s == size for _, s in facts.models) or _size_written(size, facts.text)
        return (family, size) in facts.models
    if c.kind == "metric":
        per = re.search(r"\bper\s+([a-z]+)", c.surface, re.I)
        return bool(_METRIC_Q[c.value].search(facts.text)) and (not per or _written(f"per {per.group(1)}", facts.text))
    if c.kind == "task":     # the task, and the data or setting the question puts it on
        from agent.qa.task_phrases import modifiers_met

        return _task_written(c.value, facts.text) and modifiers_met(c.surface, c.value, facts.text)
    return True


def hardware_covers(asked: str, names: list[tuple[str, ...]]) -> bool:
    """Is the asked product (or family) one the paper names, at the same or a finer level?"""
    from agent.engines.local.hardware_lexicon import line_members

    wants = _without_vendor(_tokens(asked))
    lines = line_members()      # "a Jetson Orin": the line's products (Jetson AGX Orin, Orin NX, ...)
    wants += [_tokens(m) for a in list(wants) for m in lines.get(" ".join(a), ())]
    for have in names:
        for a in wants:
            for h in _without_vendor(have):
                if a and len(a) <= len(h) and h[:len(a)] == a:
                    return True
    return False


def _without_vendor(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The name, and the name without its leading vendor word ("nvidia jetson nano" -> "jetson nano")."""
    out = [tokens]
    if len(tokens) > 1 and tokens[0] in _vendors():
        out.append(tokens[1:])
    return out


@lru_cache(maxsize=1)
def _vendors() -> frozenset[str]:
    from agent.engines.local.gazetteer import load_yaml

    data = load_yaml("hardware.yaml")
    return frozenset(re.sub(r"'s$", "", a.lower()) for key, aliases in data["vendors"].items() for a in [key, *aliases])


def _task_written(task: str, text: str) -> bool:
    """The task's phrase, or its two words in one sentence ("segmentation of semantic classes"): a
    paper on another task lacks one ("speech" for a language-modelling paper asked about speech recognition)."""
    from agent.qa.text import term_set
    from core.text import split_sentences

    want = term_set(task)
    return _written(task, text) or any(want <= term_set(sent) for sent in split_sentences(text))


def _size_written(size: str, text: str) -> bool:
    number, unit = size[:-1], size[-1]
    word = "billion" if unit == "b" else "million"
    number = re.escape(number).replace("x", "[x\u00d7]")
    rx = rf"(?<![\w.]){number}\s?(?:{unit}\b|{word}\b)"
    return bool(re.search(rx, text, re.I))


def _names_dataset(asked: str, stored: set[str] | frozenset[str]) -> bool:
    """A stored dataset is the one asked for or a variant of it: extraction keeps variants as written
    (LABELLING §2: "ImageNet-1K", "HotpotQA-ReAct", "SQuAD v2.0"), a question names the dataset."""
    asked = asked.lower()
    return asked in stored or any(name.startswith((asked + "-", asked + " ")) for name in stored)


def _written(phrase: str, text: str) -> bool:
    from agent.qa.router import phrase_rx

    return bool(phrase.strip()) and bool(phrase_rx(phrase).search(text))


def unmet(constraints: list[Constraint], facts: PaperFacts) -> list[Constraint]:
    return [c for c in constraints if not meets(c, facts)]
