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

from pydantic import ValidationError

from agent.engines.llm import items, schemas, validate
from agent.engines.llm.engine import LLMEngine
from agent.prompts import instructions
from core.models import Extraction, PaperText, Speedup

HYBRID_FIELDS = ("speedups", "topics", "tldr")


def candidates_json(items: list[Speedup]) -> str:
    return json.dumps([{"index": i, "value": s.value, "unit": s.unit, "evidence": s.evidence}
                       for i, s in enumerate(items)], ensure_ascii=False)


def check_resolutions(abstract: str, candidates: list[Speedup], data: dict, out: validate.Checked) -> None:
    """Item by item: each resolution on its own (a bad one is rejected, its candidate stays as the
    rules found it), additional claims grounded like any other; an unresolved candidate keeps the
    rules' reading and asks for a re-ask."""
    resolutions, additional = data.get("speedups"), data.get("additional_speedups", [])
    if not isinstance(resolutions, list) or not isinstance(additional, list):
        out.fail("speedups", "the answer needs the arrays 'speedups' and 'additional_speedups'")
        return
    seen: dict[int, schemas.Resolution] = {}
    for raw in resolutions:
        try:
            r = schemas.Resolution.model_validate(items.lowered(raw, "metric", "direction", "qualifier"))
        except (ValidationError, TypeError) as exc:
            out.reject("speedups", {"resolution": str(raw)[:200]}, f"does not match the schema ({exc.__class__.__name__})")
            continue
        if not 0 <= r.index < len(candidates) or r.index in seen:
            out.reject("speedups", {"index": r.index}, "not a candidate, or resolved twice", f"index {r.index}")
        elif r.keep and (r.metric is None or r.direction is None):
            out.reject("speedups", {"index": r.index}, "kept but has no metric or direction", f"candidate {r.index}")
        else:
            seen[r.index] = r
    kept = []
    for i, cand in enumerate(candidates):
        r = seen.get(i)
        if r is None:
            out.fail("speedups", "; ".join(filter(None, [out.errors.get("speedups"), f"candidate {i} is not resolved"])))
            kept.append(cand)
        elif r.keep:
            kept.append(cand.model_copy(update={"metric": r.metric, "direction": r.direction,
                                                "baseline": r.baseline, "qualifier": r.qualifier}))
    added = validate.Checked()
    validate.check_speedups(abstract, additional, added)
    for item in added.rejected.get("speedups", []):
        out.reject("speedups", {k: v for k, v in item.items() if k != "reason"}, item["reason"],
                   "additional_speedups")
    out.values["speedups"] = kept + [s for s in added.values.get("speedups", []) if s not in kept]


class HybridEngine(LLMEngine):
    name = "hybrid"
    main_prompt = ("hybrid", schemas.HybridOut)
    field_properties = {"speedups": ("speedups", "additional_speedups")}

    async def aextract(self, paper: PaperText) -> Extraction:
        from agent.engines.llm.engine import LocalFallback

        local = LocalFallback(self, paper)
        claims = await local.get("claims")
        checkers = self.checkers(paper, instructions("hybrid"))
        checkers = {"speedups": (None, partial(check_resolutions, paper.abstract, claims.speedups)),
                    "topics": checkers["topics"], "tldr": checkers["tldr"]}
        answer = await self.ask("hybrid", paper, schemas.HybridOut, checkers, HYBRID_FIELDS,
                                extra={"candidates": candidates_json(claims.speedups)})
        values, provenance = await self._finish(paper, answer, local)
        values.update(datasets=claims.datasets, hardware=claims.hardware)
        provenance["local"] = ["candidates", "datasets", "hardware"]
        return self._record(paper, values, provenance)

    def _extra_sync(self, paper: PaperText) -> dict[str, Any]:
        return {"candidates": candidates_json(self.local.claims(paper).speedups)}
