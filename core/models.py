"""The output contract (../shared/LABELLING.md, copied to evals/LABELLING.md), as pydantic models.

Every engine returns these; JSON uses the convention's field names (`class`, not `class_`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Unit = Literal["x", "%"]
Metric = Literal[
    "tail latency", "latency", "throughput", "training time", "search cost", "energy", "memory",
    "batch size", "communication", "compute", "model size", "storage", "tokens", "cost", "speedup",
]
Direction = Literal["faster", "reduction", "increase"]
Qualifier = Literal["up_to", "average", "at_least", "approx", "range_low", "range_high"]
HardwareClass = Literal["gpu", "cpu", "fpga", "asic", "tpu", "mobile", "edge", "accelerator",
                        "datacenter", "other"]
HardwareLevel = Literal["specific", "class"]

METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]
HARDWARE_CLASSES: tuple[str, ...] = HardwareClass.__args__  # type: ignore[attr-defined]
QUALIFIERS: tuple[str, ...] = Qualifier.__args__  # type: ignore[attr-defined]


class Speedup(BaseModel):
    """One quantitative efficiency claim; `evidence` is a verbatim substring of the abstract."""

    model_config = ConfigDict(extra="forbid")

    value: float
    unit: Unit
    metric: Metric
    direction: Direction
    baseline: str | None = None
    qualifier: Qualifier | None = None
    evidence: str


class Hardware(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str
    hw_class: HardwareClass = Field(alias="class")
    level: HardwareLevel

    def to_json(self) -> dict[str, str]:
        return self.model_dump(by_alias=True)


class TopicTag(BaseModel):
    """A taxonomy tag with the signal that decided it (keywords, embedding, neighbours, llm)."""

    tag: str
    score: float = 0.0
    signals: list[str] = Field(default_factory=list)


class Claims(BaseModel):
    speedups: list[Speedup] = Field(default_factory=list)
    datasets: list[str] = Field(default_factory=list)
    hardware: list[Hardware] = Field(default_factory=list)


class PaperText(BaseModel):
    """What an engine needs to know about a paper."""

    id: str
    abstract: str
    title: str | None = None


class Extraction(BaseModel):
    """The whole record for one paper, as written by `papers extract`."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    title: str | None = None
    tldr: str = ""
    speedups: list[Speedup] = Field(default_factory=list)
    datasets: list[str] = Field(default_factory=list)
    hardware: list[Hardware] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    engine: str = "local"
    # Why each topic was chosen, which fields fell back to another engine, token usage...
    provenance: dict[str, Any] = Field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Extraction":
        return cls.model_validate(data)


class UsageTotals(BaseModel):
    """Calls, spent tokens and USD of LLM requests; cache hits are counted apart and spend nothing."""

    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0


class LLMUsage(BaseModel):
    """What one LLM engine's run has cost so far (`LLMEngine.usage()`), from the ledger.

    The totals are unset when the engine has no ledger; `to_json` then leaves them out, as the
    dict this replaces did."""

    run: str | None = None
    model: str
    requests: int = 0
    spent: float = 0.0
    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    by_kind: dict[str, UsageTotals] = Field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class PricePerMillion(BaseModel):
    entry: str                  # the price-table entry that matched, or "unknown"
    input: int | float          # int | float: a price table's `0` stays `0` in JSON
    output: int | float


class LLMEstimate(BaseModel):
    """What a batch would cost now (`papers extract --dry-run`); cached papers are free."""

    engine: str
    model: str
    prompt: str
    papers: int
    cached: int
    requests: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    price_per_1m_tokens: PricePerMillion
    max_cost: int | float | None = None
    within_budget: bool | None = None
    note: str = "approximate (~3.8 characters per token); each re-ask adds about one more request"

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
