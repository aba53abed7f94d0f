"""Model families in a question: "BERT models of any variant", "LLaMA models of any size", "Mamba-style
vision models". The question asks for every model of the family, at any size or variant; a paper
meets it when its title or abstract writes a member of the family (agent/data/models.yaml), with
whatever version, size or variant it writes after the name ("LLaMA-2-13B", "ResNet50", "BERT-base").
A sized or coded model the question writes ("LLaMA-7B", "BERT-base") is a narrower constraint of
agent/qa/constraints.py, so a family word inside one is not the family level.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Words that say "the whole family" after a family name, or before it.
_LEVEL_AFTER = (r"(?:[\s-]*(?:based|style|like|type|class|family|families|variants?|models?|networks?|nets|"
                r"architectures?|backbones?|detectors?|LLMs?|series)\b|\s+(?:(?:language|vision|vision-language|"
                r"diffusion|detection|image|speech)\s+)?models?\b|\s+of\s+any\s+(?:size|variant|version|scale)\b)")
_LEVEL_BEFORE = r"(?:\bany|\ball|\bevery)\s+(?:of\s+the\s+)?$"


def _form(raw: str) -> tuple[str, int]:
    exact = raw.startswith("=")
    body = r"[\s-]?".join(re.escape(w) for w in raw.lstrip("=").split())
    return body, 0 if exact else re.I


@lru_cache(maxsize=1)
def _families() -> dict[str, dict]:
    from agent.engines.local.gazetteer import load_yaml

    out = {}
    for name, spec in load_yaml("models.yaml")["families"].items():
        written = [_form(w) for w in spec.get("written", [])]
        members = written + [_form(m) for m in spec.get("members", [])]
        # a member with any version/size/variant after it, but not inside a longer word ("Bertrand")
        out[name] = {
            # "ResNets", "BERT models", "YOLO-based": a plural or a level word after the name
            "question": [re.compile(rf"(?<![\w-]){b}(?:(?-i:s){_LEVEL_AFTER}?(?![\w-])|{_LEVEL_AFTER})", f) for b, f in written],
            "named": [re.compile(rf"(?<![\w-]){b}(?:e?s)?(?![\w-])", f) for b, f in written],
            # one pattern per case mode, and the lower-case names for a quick test before searching
            "member": [re.compile(r"(?<![A-Za-z])(?:" + "|".join(b for b, f in members if f == flag) + r")(?:(?-i:e?s))?(?![a-z])", flag)
                       for flag in {f for _, f in members}],
            # a model named after the family, its name the CamelCase tail of a longer one ("LazyDiT",
            # "TinyBERT", "MobileViT", "PlainMamba"): case kept, so "Bertrand" is no BERT
            "derived": re.compile(r"(?<=[a-z])(?:" + "|".join(b for b, _ in written + members if b[:1].isupper())
                                  + r")s?(?![a-z])"),
            "words": tuple({re.sub(r"[^a-z0-9]", "", w.lower())[:3] for w in [*spec.get("written", []), *spec.get("members", [])]}),
        }
    return out


def family_mentions(question: str, narrower: list[str] = ()) -> list[tuple[str, str]]:
    """(surface, family) of each model family the question asks for at the family level. `narrower`:
    the question's sized or coded model surfaces, which are variants, not the family."""
    out = []
    for name, fam in _families().items():
        for rx in fam["question"]:
            for m in rx.finditer(question):
                # "diffusion models built on a Transformer backbone (Diffusion Transformers, DiT)": a name in
                # parentheses glosses the words before it, which the set reader keeps as alternatives
                at_level = not _in_parentheses(question, m.start())
                name_part = re.match(r"[^\s-]+(?:[\s-][A-Z][^\s-]*)*", m.group(0)).group(0)
                if any(name_part.lower() in n.lower() and len(n) > len(name_part) for n in narrower):
                    at_level = False
                if at_level and name not in [f for _, f in out]:
                    out.append((m.group(0), name))
        for rx in fam["named"]:      # "any BERT", "all LLaMA models"
            for m in rx.finditer(question):
                if re.search(_LEVEL_BEFORE, question[:m.start()], re.I) and name not in [f for _, f in out] \
                        and not _in_parentheses(question, m.start()):
                    out.append((m.group(0), name))
    return out


def _in_parentheses(text: str, at: int) -> bool:
    return text.rfind("(", 0, at) > text.rfind(")", 0, at)


def meets_family(family: str, text: str) -> bool:
    """Does the text write a model of the family (any version, size or variant)?"""
    fam = _families()[family]
    low = text.lower()
    if not any(w in low for w in fam["words"]):
        return False
    return any(rx.search(text) for rx in fam["member"]) or bool(fam["derived"].search(text))
