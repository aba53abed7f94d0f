"""LLM-facing output models, their strict JSON schemas, and conversion into core.models.

The contract models (core.models) have defaults and a `class` alias that strict structured output
does not allow, so the model answers in these mirrors (every field required, nullable where the
contract allows null) and `to_*` functions convert. Topic tags are an enum of the taxonomy inside
the schema, so a server that enforces schemas cannot even emit an unknown tag.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.models import Direction, Hardware, HardwareClass, HardwareLevel, Metric, Qualifier, Speedup, Unit

# LABELLING.md §4, used only if the taxonomy data file is missing.
FALLBACK_TAGS = (
    "quantization", "pruning-sparsity", "distillation", "nas", "efficient-architecture",
    "efficient-attention", "llm-serving", "kv-cache", "moe", "training-efficiency",
    "distributed-training", "federated-learning", "privacy-security", "gnn", "hardware-accelerator",
    "compiler-scheduling", "edge-mobile", "datacenter-cloud", "3d-vision", "point-cloud", "detection",
    "super-resolution", "video", "continual-learning", "robotics-embodied", "reinforcement-learning",
    "nlp", "multimodal", "operating-systems", "storage-databases", "diffusion-generative", "other")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LLMSpeedup(_Strict):
    value: float
    unit: Unit
    metric: Metric
    direction: Direction
    baseline: str | None
    qualifier: Qualifier | None
    evidence: str


class LLMHardware(_Strict):
    name: str
    hw_class: HardwareClass = Field(alias="class")
    level: HardwareLevel


class ExtractionOut(_Strict):
    speedups: list[LLMSpeedup]
    datasets: list[str]
    hardware: list[LLMHardware]
    topics: list[str]
    tldr: str


class TldrOut(_Strict):
    tldr: str


class TagsOut(_Strict):
    topics: list[str]


class Resolution(_Strict):
    index: int
    keep: bool
    metric: Metric | None
    direction: Direction | None
    baseline: str | None
    qualifier: Qualifier | None


class HybridOut(_Strict):
    tldr: str
    topics: list[str]
    speedups: list[Resolution]
    additional_speedups: list[LLMSpeedup]


def to_speedup(item: LLMSpeedup) -> Speedup:
    return Speedup(**item.model_dump())


def to_hardware(item: LLMHardware) -> Hardware:
    return Hardware(name=item.name, hw_class=item.hw_class, level=item.level)


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, str]:
    """Tag -> definition, from agent/data/taxonomy.yaml (LABELLING's list if the file is missing)."""
    from agent.engines.local.topics import load_taxonomy

    try:
        return {name: spec.description for name, spec in load_taxonomy().items()}
    except FileNotFoundError:
        return {t: "" for t in FALLBACK_TAGS}


def taxonomy_tags() -> str:
    """The taxonomy as a compact comma-separated list (the extraction prompt's budget form)."""
    return ", ".join(taxonomy())


def taxonomy_text() -> str:
    """The taxonomy as the prompts show it: one `- tag: definition` line per tag."""
    return "\n".join(f"- {tag}: {desc}" if desc else f"- {tag}" for tag, desc in taxonomy().items())


@lru_cache(maxsize=None)
def _strict_schema_json(model: type[BaseModel]) -> str:
    schema = model.model_json_schema(by_alias=True)
    _tighten(schema)
    if "topics" in schema.get("properties", {}):
        schema["properties"]["topics"]["items"] = {"type": "string", "enum": list(taxonomy())}
    return json.dumps(schema)


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """JSON schema for OpenAI strict structured output: every object closed, every field required."""
    return copy.deepcopy(json.loads(_strict_schema_json(model)))


def _tighten(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
        node.pop("default", None)
        for value in node.values():
            _tighten(value)
    elif isinstance(node, list):
        for value in node:
            _tighten(value)


@lru_cache(maxsize=None)
def response_format(model: type[BaseModel], properties: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The `response_format` request parameter for `model`, or for only some of its `properties`
    (a re-ask asks again only for what failed). Shared: do not modify it."""
    name = model.__name__.replace("Out", "").lower() or "output"
    schema = strict_schema(model)
    if properties is not None:
        schema["properties"] = {k: v for k, v in schema["properties"].items() if k in properties}
        schema["required"] = list(schema["properties"])
    return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
