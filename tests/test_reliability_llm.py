"""Reliability of the LLM engines under a fault storm from the fake server.

Every chat request draws its fate from a seeded RNG: a grounded answer, or one of HTTP 429 (with
retry-after-ms), HTTP 500, a timeout, a dropped connection, HTTP 400 (not retried), broken JSON, an answer cut off at the
token limit, an answer off the schema, or a well-formed answer with hallucinated content (a number
the evidence does not contain, evidence that is not in the abstract, a % figure passed off as an
x speedup, a TL;DR with invented numbers, a dataset the abstract never names; for the hybrid
engine also an out-of-range candidate and an ungrounded additional speedup). `papers extract` runs
the batch into the store and a JSONL file. Afterwards every abstract is either a success (one
output row, one stored extraction) or a failure reported with its reason, never both, never
neither; and no stored or written speedup fails agent.claim_grounding.check_speedup.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import threading
from collections import Counter

import pytest

from fakeopenai import Request, auto_answer, drop, error_reply, extraction_answer, json_reply, text_reply

N_PAPERS = 60
SEED = 7311
TIMEOUT = 1.0
ABSTRACT = ("Paper {i}. We present FastThing-{i}, a kernel library for sparse attention. FastThing-{i} achieves a "
            "{v}x speedup over FlashAttention on NVIDIA A100 GPUs and reduces memory by {m}% on ImageNet.")
TRANSIENT = {"http429": 0.08, "http500": 0.08, "timeout": 0.05, "drop": 0.05}
FATAL_FOR_THE_PAPER = {"http400": 0.03}   # not retried: that paper fails, the batch goes on
MALFORMED = {"broken_json": 0.05, "truncated": 0.04, "off_schema": 0.04}
HALLUCINATED = {"wrong_value": 0.07, "evidence_not_in_abstract": 0.06, "percent_as_x": 0.05,
                "tldr_numbers": 0.04, "unmentioned_dataset": 0.04, "bad_candidate": 0.03}


def papers() -> list[dict]:
    return [{"id": f"2602.{i:05d}", "title": f"FastThing {i}",
             "abstract": ABSTRACT.format(i=i, v=f"{1.5 + i / 10:.1f}", m=20 + i % 37)} for i in range(N_PAPERS)]


class Storm:
    """The fake server's handler: one seeded draw per request; counts what it injected."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.kinds = {**TRANSIENT, **FATAL_FOR_THE_PAPER, **MALFORMED, **HALLUCINATED}

    def draw(self) -> str:
        with self.lock:
            x, acc = self.rng.random(), 0.0
            for kind, p in self.kinds.items():
                acc += p
                if x < acc:
                    self.injected[kind] += 1
                    return kind
            self.injected["ok"] += 1
            return "ok"

    def __call__(self, request: Request):
        kind = self.draw()
        if kind == "http429":
            return error_reply(429, "rate limited", headers={"retry-after-ms": "5"})
        if kind == "http500":
            return error_reply(500, "internal error")
        if kind == "http400":
            return error_reply(400, "context_length_exceeded: the prompt is too long")
        if kind == "timeout":
            return json_reply({"late": True}, delay=TIMEOUT * 2)
        if kind == "drop":
            return drop()
        if kind == "broken_json":
            return text_reply('{"speedups": [{"value": 2.')
        if kind == "truncated":
            return text_reply('{"tldr": "A kernel library for sparse attent', finish_reason="length")
        if kind == "off_schema":
            return json_reply({"answer": "FastThing is fast", "speedups": "many"})
        abstract = request.fenced("abstract") or ""
        facts = re.search(r"achieves a ([\d.]+)x speedup .* by (\d+)% on", abstract)
        v, m = (float(facts.group(1)), int(facts.group(2))) if facts else (2.0, 10)
        if request.schema_name == "hybrid":
            return self.hybrid(kind, request, v)
        good = {"value": v, "unit": "x", "metric": "speedup", "direction": "faster", "baseline": "FlashAttention",
                "qualifier": None, "evidence": f"achieves a {v}x speedup over FlashAttention"}
        fields = {"speedups": [good], "datasets": ["ImageNet"], "topics": ["other"],
                  "hardware": [{"name": "NVIDIA A100", "class": "gpu", "level": "specific"}],
                  "tldr": "FastThing is a kernel library for sparse attention that runs faster than FlashAttention."}
        if kind == "wrong_value":
            fields["speedups"] = [{**good, "value": round(v * 10 + 0.3, 1)}]
        elif kind == "evidence_not_in_abstract":
            fields["speedups"] = [{**good, "value": 9.7, "evidence": "achieves a 9.7x speedup over cuDNN"}]
        elif kind == "percent_as_x":
            fields["speedups"] = [{**good, "value": float(m), "metric": "memory", "direction": "reduction",
                                   "evidence": f"reduces memory by {m}%"}]
        elif kind == "tldr_numbers":
            fields["tldr"] = "FastThing is 731x faster than FlashAttention on 4096 GPUs."
        elif kind in ("unmentioned_dataset", "bad_candidate"):
            fields["datasets"] = ["ImageNet", "COCO"]
        return extraction_answer(**fields)

    def hybrid(self, kind: str, request: Request, v: float):
        candidates = json.loads(request.fenced("candidates") or "[]")
        keep = [{"index": c["index"], "keep": True, "metric": "speedup", "direction": "faster",
                 "baseline": None, "qualifier": None} for c in candidates]
        body = {"tldr": "FastThing is a kernel library for sparse attention.", "topics": ["other"],
                "speedups": keep, "additional_speedups": []}
        if kind in ("wrong_value", "evidence_not_in_abstract", "percent_as_x", "unmentioned_dataset"):
            body["additional_speedups"] = [{"value": round(v * 10 + 0.3, 1), "unit": "x", "metric": "speedup",
                                            "direction": "faster", "baseline": None, "qualifier": None,
                                            "evidence": f"achieves a {v}x speedup over FlashAttention"}]
        elif kind == "bad_candidate":
            body["speedups"] = keep + [{**(keep[0] if keep else {}), "index": 99, "keep": True, "metric": "speedup",
                                        "direction": "faster", "baseline": None, "qualifier": None}]
        elif kind == "tldr_numbers":
            body["tldr"] = "FastThing is 731x faster than FlashAttention on 4096 GPUs."
        return json_reply(body) if kind != "ok" or candidates else auto_answer(request)


def _cause(reason: str) -> str:
    found = re.search(r"HTTP \d+|timed out|cannot connect|budget", reason)
    return found.group() if found else reason[:40]


@pytest.mark.parametrize("engine", ["openai", "hybrid"])
def test_fault_storm_every_item_accounted_for_and_nothing_ungrounded_stored(engine, cli, fake_openai, papers_home,
                                                                           monkeypatch):
    from agent.claim_grounding import check_speedup
    from core.models import Speedup
    from agent.engines.local.tldr import foreign_numbers
    from core.settings import reset_settings_cache

    for name, value in (("PAPERS_REQUEST_TIMEOUT", str(TIMEOUT)), ("PAPERS_MAX_RETRIES", "2"),
                        ("PAPERS_BACKOFF_BASE", "0.01"), ("PAPERS_BACKOFF_MAX", "0.05")):
        monkeypatch.setenv(name, value)
    reset_settings_cache()
    storm = Storm(SEED + (engine == "hybrid"))
    fake_openai.handler = storm
    rows = papers()
    abstracts = {r["id"]: r["abstract"] for r in rows}
    inp, out = papers_home / "in.jsonl", papers_home / "out.jsonl"
    inp.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli("ingest", str(inp), "--no-index").exit_code == 0

    result = cli("extract", "--engine", engine, "--input", str(inp), "-o", str(out), "--concurrency", "8")
    assert "Traceback" not in result.stderr

    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ok_ids = [r["id"] for r in written]
    failed = dict(re.findall(r"^warning: (2602\.\d{5}): (.+)$", result.stderr, re.M))
    assert len(ok_ids) == len(set(ok_ids)), "an abstract was written twice"
    assert not set(ok_ids) & set(failed), "an abstract is both a success and a failure"
    assert set(ok_ids) | set(failed) == set(abstracts), "an abstract was lost"
    assert all(reason.strip() for reason in failed.values())
    assert f"extracted {len(ok_ids)}, skipped 0 already done, failed {len(failed)}" in result.stderr
    assert result.exit_code == (1 if failed else 0)

    conn = sqlite3.connect(papers_home / "papers.db")
    conn.row_factory = sqlite3.Row
    stored = {r["paper_id"]: json.loads(r["data"]) for r in conn.execute("SELECT paper_id, data FROM extractions")}
    assert set(stored) == set(ok_ids), "the store and the output file disagree on what succeeded"
    claim_rows = [dict(r) for r in conn.execute("SELECT * FROM claim_speedups")]
    items = [(r["id"], s) for r in written for s in r["speedups"]] + \
            [(c["paper_id"], {k: c[k] for k in ("value", "unit", "metric", "direction", "baseline", "qualifier",
                                                 "evidence")}) for c in claim_rows]
    ungrounded = [(pid, s, reason) for pid, s in items
                  if (reason := check_speedup(abstracts[pid], Speedup(**s))) is not None]
    assert not ungrounded, ungrounded[:3]
    assert len(claim_rows) == sum(len(r["speedups"]) for r in written)
    for r in written:
        assert not foreign_numbers(r["tldr"], abstracts[r["id"]]), (r["id"], r["tldr"])
        assert "COCO" not in r["datasets"]
    fallbacks = sum(1 for r in written if r["provenance"].get("fallback"))
    faults = sum(n for kind, n in storm.injected.items() if kind != "ok")
    assert fake_openai.count == sum(storm.injected.values())
    print(f"\nLLM fault storm ({engine}): {N_PAPERS} abstracts, {fake_openai.count} requests, {faults} faults injected "
          f"({', '.join(f'{k} {n}' for k, n in sorted(storm.injected.items()) if k != 'ok')}); "
          f"{len(ok_ids)} succeeded ({fallbacks} with a local fallback field), {len(failed)} failed with a reason "
          f"({', '.join(f'{k} {n}' for k, n in sorted(Counter(_cause(r) for r in failed.values()).items())) or '-'}), "
          f"items lost 0, ungrounded speedups stored 0 (checked {len(items)})")
