"""Dataset names that the abstract uses in another sense: a model-side acronym (LABELLING §2 excludes
models, methods and architectures). Many benchmark acronyms are also method acronyms ("GQA" is a visual
QA dataset and grouped-query attention); the abstract says which:

- it spells the acronym out as a method: "Grouped-Query Attention (GQA)", "Mixture of Experts (MoE)",
  a capitalised expansion whose initials give the acronym and whose last word is a method or
  architecture noun (a dataset's expansion ends in what it holds: "Visual Wake Words", "Penn Treebank");
- it uses the acronym as a kind of model: "MHA and GQA models", "GQA-based architectures".

One sense per abstract: once either is written, no mention of that acronym is a dataset. So too for an
acronym defined for a lowercase phrase (a task: "real-world super-resolution (RealSR)").
"""

from __future__ import annotations

import re

from agent.engines.local.dataset_tokens import spells_acronym
from agent.engines.local.gazetteer import alias_key

_METHOD_HEAD = re.compile(
    r"attention|networks?|models?|transformers?|learning|algorithms?|methods?|layers?|mechanisms?|architectures?|"
    r"encoders?|decoders?|optimi[sz]ers?|optimi[sz]ation|quantization|pruning|distillation|search|sampling|"
    r"decoding|inference|training|parallelism|scheduling|caching|embeddings?|normali[sz]ation|operators?|"
    r"kernels?|experts|heads?|convolutions?|pooling|routing", re.IGNORECASE)
_ACRONYM_IN_PARENS = re.compile(r"\(\s*([A-Z][A-Za-z0-9]{1,7})\s*\)")
_EXPANSION_WORD = re.compile(r"[A-Za-z][\w-]*")
# "GQA models", "MoE-based architectures", "GQA variants": the acronym (found by str.find, far cheaper than
# a regex tried at every position) followed by a model noun
_MODEL_HEAD_AFTER = re.compile(r"(?:-(?:based|style|like))?\s+(?:models|architectures|variants|layers|kernels|heads|"
                               r"modules)(?![\w-])")


def model_side_acronyms(text: str, identities: set[str]) -> set[str]:
    """Those of `identities` (casefolded dataset keys) that this abstract uses for a method or a kind of model."""
    out: set[str] = set()
    if "(" in text:
        for paren in _ACRONYM_IN_PARENS.finditer(text):
            if paren.group(1).casefold() not in identities:
                continue
            words = _EXPANSION_WORD.findall(text, max(0, paren.start() - 80), paren.start())[-6:]
            if words and _spells_method(words, paren.group(1)):
                out.add(paren.group(1).casefold())
    for identity in identities:
        if len(identity) > 7 or identity in out:
            continue
        at = text.find(identity.upper())
        while at >= 0:  # the acronym as written (capitals), then a model noun after it
            end = at + len(identity)
            if (at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "-")) and _MODEL_HEAD_AFTER.match(text, end):
                out.add(identity)
                break
            at = text.find(identity.upper(), end)
    return out


def _spells_method(words: list[str], acronym: str) -> bool:
    """'Grouped-Query Attention' for GQA, 'Mixture of Experts' for MoE: the capitalised words (hyphen
    parts too) end with the acronym's capitals, and the last one is a method or architecture noun."""
    last = re.split(r"[\s-]+", words[-1])[-1]
    return _METHOD_HEAD.fullmatch(last) is not None and last[:1].isupper() and spells_acronym(words, acronym)


# "Real-world image super-resolution (RealSR)": an acronym the abstract defines for a lowercase
# phrase names a task or method there, even when a dataset elsewhere has the same name.
_PAREN_NAME = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9-]{1,14})\s*\)")
_WORDS_BEFORE = re.compile(r"((?:[A-Za-z][\w-]*\s+){0,4}[a-z][\w-]*)\s*$")
_LONG_FORM_DATA = re.compile(r"\b(?:data\s?sets?|benchmarks?|corpus|corpora|challenge|evaluation|arena|suite|tests?)\b", re.I)


def task_acronyms(text: str, identities: set[str]) -> set[str]:
    """Mention identities that the abstract itself defines as the acronym of a lowercase phrase."""
    out = set()
    for paren in _PAREN_NAME.finditer(text):
        acronym = paren.group(1)
        key = alias_key(acronym, False)
        if key not in identities:
            continue
        before = _WORDS_BEFORE.search(text, max(0, paren.start() - 80), paren.start())
        if before is None:
            continue
        words = before.group(1).split()
        initials = "".join(w[0] for w in words).casefold()
        if (all(w[:1].islower() for w in words[1:]) and not _LONG_FORM_DATA.search(before.group(1))
                and acronym[0].casefold() in initials):
            out.add(key)
    return out
