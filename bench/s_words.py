"""Fit the plural-noun / third-person-verb lexicon the question router reads (agent/qa/head_noun.py).

A word ending in "-s" after a question's wh-determiner is either the plural head of the noun phrase
("Which entries ...", "What efforts compress ...": a set question) or the verb of a singular head
("Which paper compresses ..."). English morphology cannot tell them apart, usage can: in running text
a plural noun follows a determiner or quantifier ("the boards", "several efforts"), a verb follows a
singular subject pronoun and takes an object ("it compresses the ..."). This counts both contexts in
the SciTLDR *train* abstracts (PAPERS_SCITLDR_TRAIN, never the test split) and writes, for every
"-s" word seen often enough, P(verb) smoothed towards 0.5.

    PAPERS_SCITLDR_TRAIN=/work/shared/data/scitldr_train.jsonl python -m bench.s_words [--write]
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "agent" / "data" / "s_words.json"
MIN_COUNT = 3   # verb weights: 2 after a subject pronoun, 1 before an object; nouns count twice
NOUN_BEFORE = {"the", "these", "those", "such", "many", "several", "various", "different", "all", "our",
               "their", "two", "three", "multiple", "both", "other", "some", "most", "few", "existing",
               "of", "new", "previous", "prior", "recent"}
VERB_BEFORE = {"it", "also", "one", "he", "she", "this", "that", "which", "who", "thus", "further", "then",
               "often", "typically", "still", "never", "only", "first", "simply", "directly", "usually"}
ADJECTIVE = re.compile(r"(?:al|ive|ic|ous|able|ible|ful|less|ary|ient)$")   # "scientific papers"
NOUN_AFTER = {"are", "were", "have", "do", "can"}    # a plural subject's verb follows
SINGULAR_DET = {"this", "a", "an", "each", "every", "one"}
VERB_AFTER = {"the", "a", "an", "its", "their", "our", "whether", "how", "each", "every", "them", "it",
              "itself", "themselves", "both", "this", "these", "those", "such", "why", "what"}


def count(lines) -> tuple[Counter, Counter]:
    verb, noun = Counter(), Counter()
    for line in lines:
        for sentence in json.loads(line)["source"]:
            toks = re.findall(r"[A-Za-z][\w-]*", sentence)
            for i, t in enumerate(toks):
                w = t.lower()
                if not w.endswith("s") or w.endswith(("ss", "us", "is")) or len(w) < 4:
                    continue
                prev = toks[i - 1].lower() if i else ""
                nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
                if prev in NOUN_BEFORE or ADJECTIVE.search(prev) or nxt in NOUN_AFTER:
                    noun[w] += 1
                elif prev in VERB_BEFORE and prev not in ("this", "that", "which"):
                    verb[w] += 2
                elif i >= 2 and toks[i - 2].lower() in SINGULAR_DET and prev.isalpha() and not prev.endswith("s"):
                    verb[w] += 2      # "this paper studies ...": a singular determiner's noun, then its verb
                elif nxt in VERB_AFTER:   # "... models the data": weaker, an adjective may stand before a noun
                    verb[w] += 1
    return verb, noun


def fit(path: str) -> dict[str, float]:
    verb, noun = count(Path(path).read_text(encoding="utf-8").splitlines())
    return {w: round((verb[w] + 1) / (verb[w] + 2 * noun[w] + 2), 3)
            for w in sorted(set(verb) | set(noun)) if verb[w] + noun[w] >= MIN_COUNT}


def main() -> None:
    path = os.environ.get("PAPERS_SCITLDR_TRAIN", "/work/shared/data/scitldr_train.jsonl")
    table = fit(path)
    probe = ("papers", "entries", "efforts", "boards", "kinds", "lines", "systems", "studies", "uses",
             "compresses", "reduces", "designs", "models", "works", "methods", "makes", "runs", "proposes")
    print(f"{len(table)} words; " + ", ".join(f"{w}={table.get(w, '-')}" for w in probe))
    if "--write" in sys.argv:
        OUT.write_text(json.dumps(table, separators=(",", ":")) + "\n")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
