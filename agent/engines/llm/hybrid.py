"""The `hybrid` engine: rules first, the model only for what rules cannot decide.

The local engine finds the numbers (value, unit, verbatim evidence), datasets and hardware. One
model call per paper then decides which candidates are real efficiency claims and resolves their
metric, direction, baseline and qualifier, may add a claim the rules missed (grounded like any
other), and writes topics and the TL;DR. A field that fails validation twice keeps the local value.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from agent.engines.llm import schemas, validate
from agent.engines.llm.engine import LLMEngine
from agent.prompts import instructions
from core.models import Extraction, PaperText, Speedup

HYBRID_FIELDS = ("speedups", "topics", "tldr")


def candidates_json(items: list[Speedup]) -> str:
    return json.dumps([{"index": i, "value": s.value, "unit": s.unit, "evidence": s.evidence}
                       for i, s in enumerate(items)], ensure_ascii=False)


def check_resolutions(abstract: str, candidates: list[Speedup], parsed: schemas.HybridOut,
                      out: validate.Checked) -> None:
    """Every candidate resolved exactly once; kept ones complete; additions grounded."""
    problems: list[str] = []
    seen: dict[int, schemas.Resolution] = {}
    for r in parsed.speedups:
        if not 0 <= r.index < len(candidates) or r.index in seen:
            problems.append(f"index {r.index} is not a candidate or is resolved twice")
        seen[r.index] = r
    problems += [f"candidate {i} is not resolved" for i in range(len(candidates)) if i not in seen]
    kept = []
    for i, cand in enumerate(candidates):
        r = seen.get(i)
        if r is None or not r.keep:
            continue
        if r.metric is None or r.direction is None:
            problems.append(f"candidate {i} is kept but has no metric or direction")
            continue
        kept.append(cand.model_copy(update={"metric": r.metric, "direction": r.direction,
                                            "baseline": r.baseline, "qualifier": r.qualifier}))
    added = validate.Checked()
    validate.check_speedups(abstract, parsed.additional_speedups, added)
    if "speedups" in added.errors:
        problems.append("additional_speedups: " + added.errors["speedups"])
        out.rejected.extend(added.rejected)
    if problems:
        out.errors["speedups"] = "; ".join(problems)
    else:
        out.values["speedups"] = kept + added.values["speedups"]


class HybridEngine(LLMEngine):
    name = "hybrid"
    main_prompt = ("hybrid", schemas.HybridOut)

    def _check_hybrid(self, paper: PaperText, candidates: list[Speedup], instructions: str,
                      parsed: schemas.HybridOut, out: validate.Checked) -> None:
        check_resolutions(paper.abstract, candidates, parsed, out)
        validate.check_topics(parsed.topics, out)
        validate.check_tldr(parsed.tldr, paper.abstract, instructions, out)

    async def aextract(self, paper: PaperText) -> Extraction:
        from agent.engines.llm.engine import LocalFallback

        local = LocalFallback(self, paper)
        claims = await local.get("claims")
        check = partial(self._check_hybrid, paper, claims.speedups, instructions("hybrid"))
        answer = await self.ask("hybrid", paper, schemas.HybridOut, check, HYBRID_FIELDS,
                                extra={"candidates": candidates_json(claims.speedups)})
        values, provenance = await self._finish(paper, answer, local)
        values.update(datasets=claims.datasets, hardware=claims.hardware)
        provenance["local"] = ["candidates", "datasets", "hardware"]
        return self._record(paper, values, provenance)

    def _extra_sync(self, paper: PaperText) -> dict[str, Any]:
        return {"candidates": candidates_json(self.local.claims(paper).speedups)}
