"""The claims suite end to end: prediction files, engines (fake ones), parts that do not exist yet,
and the guard against fooling ourselves: a deliberately wrong prediction file must fail the gate."""

from __future__ import annotations

import json

import pytest

from core.errors import InputFileError
from core.models import Extraction, TopicTag
from evals.claims_suite import few_shot_exclusions, load_predictions, run_claims, scored_fixtures
from evals.loaders import load_claims
from evals.results import SuiteUnavailable
from evals.thresholds import DEFAULT_THRESHOLDS, load_thresholds

from conftest import run_cli

FIXTURES = load_claims()
SCORED_FIXTURES, EXCLUDED = scored_fixtures()
SCORED = ("id", "title", "speedups", "datasets", "hardware", "topics")


# Every gold item is one the engines' grounding guard accepts: round 9 closed the gap round 8's blind file found
# (a number word after "by a factor of", a reduction written above 100%), so gold scores grounded_share 1.0.


def write_predictions(path, transform=lambda rec: rec):
    with open(path, "w", encoding="utf-8") as f:
        for fx in FIXTURES:
            rec = transform(json.loads(json.dumps({k: fx[k] for k in SCORED})))
            f.write(json.dumps(rec) + "\n")
    return path


@pytest.fixture
def gold_file(tmp_path):
    return write_predictions(tmp_path / "gold.jsonl")


def _shift_values(rec):
    for s in rec["speedups"]:
        s["value"] = round(s["value"] * 1.02, 6)   # 2% off: outside the 1% tolerance
    return rec


def _flip_metrics(rec):
    for s in rec["speedups"]:
        s["direction"] = "increase" if s["direction"] != "increase" else "reduction"
    return rec


def _wrong_everything(rec):
    rec = _shift_values(rec)
    rec["datasets"] = [d + " v2" for d in rec["datasets"]]
    rec["hardware"] = [{"name": "TPU v9", "class": "tpu", "level": "specific"}]
    rec["topics"] = ["other"]
    return rec


def test_gold_as_predictions_scores_perfectly(gold_file):
    res = run_claims(predictions=gold_file)
    for fld in ("speedups", "speedups_strict", "datasets", "hardware", "hardware_class", "topics"):
        assert res.metrics[fld]["f1"] == 1.0, fld
    assert res.metrics["topics"]["primary"] == 1.0
    n_items = sum(len(f["speedups"]) for f in SCORED_FIXTURES)
    assert res.metrics["grounding"]["items"] == n_items
    assert res.metrics["grounding"]["grounded_share"] == 1.0
    assert res.cases == [] and set(res.per_case.values()) == {1.0}


def test_the_guard_refuses_no_gold_item(gold_file):
    assert run_claims(predictions=gold_file).info["ungrounded"] == []


def test_shifted_values_are_caught_with_a_diff(tmp_path):
    res = run_claims(predictions=write_predictions(tmp_path / "p.jsonl", _shift_values), worst=3)
    assert res.metrics["speedups"]["f1"] == 0.0 and res.metrics["datasets"]["f1"] == 1.0
    worst = res.cases[0]
    assert worst["errors"] > 0 and worst["diff"]["speedups"]["missing"] and worst["diff"]["speedups"]["extra"]
    assert len(res.cases) == 3


def test_wrong_direction_only_hurts_the_strict_score(tmp_path):
    res = run_claims(predictions=write_predictions(tmp_path / "p.jsonl", _flip_metrics))
    assert res.metrics["speedups"]["f1"] == 1.0 and res.metrics["speedups_strict"]["f1"] == 0.0
    assert any("wrong" in line for case in res.cases for line in case["lines"])


def test_missing_and_unknown_predictions_are_reported(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"id": "nope#1", "topics": ["nas"]}) + "\n")
    res = run_claims(predictions=path)
    assert res.metrics["speedups"]["recall"] == 0.0
    assert any(f"{len(SCORED_FIXTURES)} fixtures have no prediction" in w for w in res.info["warnings"])
    assert any("match no fixture" in w for w in res.info["warnings"])


@pytest.mark.parametrize("line,needle", [
    ('{"id": "a", "speedups": [{"value": 2, "unit": "fold"}]}', "not an Extraction"),
    ("not json", "not valid JSON"),
    ('{"id": "a"}\n{"id": "a"}', "duplicate prediction id")])
def test_bad_prediction_files_are_errors(tmp_path, line, needle):
    path = tmp_path / "p.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(InputFileError, match=needle):
        load_predictions(path)


def test_few_shot_examples_and_their_twins_are_not_scored():
    """A fixture an LLM engine saw as a few-shot example would score itself; so would its twin."""
    prompts = pytest.importorskip("agent.prompts")
    shown = prompts.few_shot_ids()
    assert shown <= set(EXCLUDED)
    texts = {f["abstract"] for f in FIXTURES if f["id"] in shown}
    assert {f["id"] for f in FIXTURES if f["abstract"] in texts} == set(EXCLUDED)
    assert len(SCORED_FIXTURES) + len(EXCLUDED) == len(FIXTURES) >= 76
    assert few_shot_exclusions([f for f in FIXTURES if f["abstract"] not in texts]) == {}


# -- engines ---------------------------------------------------------------------------------------
class EchoEngine:
    """Returns the gold labels: proves the engine path scores exactly like the predictions path."""

    name = "echo"

    def __init__(self):
        self.seen = []
        self.gold = {f["id"]: f for f in FIXTURES}

    def extract(self, paper):
        self.seen.append(paper)
        g = self.gold[paper.id]
        return Extraction.from_json({k: g[k] for k in SCORED} | {"engine": self.name})


class HalfBuiltEngine:
    """extract/claims need a module that is not written yet; tag works."""

    name = "half"

    def extract(self, paper):
        raise ModuleNotFoundError("No module named 'agent.engines.local.speedups'", name="agent.engines.local.speedups")

    claims = extract

    def tag(self, paper):
        return [TopicTag(tag="quantization")]


def test_engine_gets_abstract_and_title_and_scores_like_gold():
    engine = EchoEngine()
    res = run_claims(engine=engine)
    assert res.metrics["speedups"]["f1"] == 1.0 and res.metrics["topics"]["f1"] == 1.0
    paper = engine.seen[0]
    first = SCORED_FIXTURES[0]
    assert paper.id == first["id"] and paper.abstract == first["abstract"] and paper.title == first["title"]
    assert not {p.id for p in engine.seen} & set(EXCLUDED)
    assert res.info["source"] == "engine echo"


def test_parts_that_exist_are_scored_the_rest_is_not_available():
    res = run_claims(engine=HalfBuiltEngine())
    assert {f for f in res.metrics if "." not in f} == {"topics"}
    assert {f for f in res.unavailable if "." not in f} == {"speedups", "speedups_strict", "datasets", "hardware",
                                                             "hardware_class"}
    assert "agent.engines.local.speedups does not exist yet" in res.unavailable["speedups"]
    assert 0 < res.metrics["topics"]["precision"] < 1


def test_engine_with_nothing_built_is_unavailable():
    class Nothing(HalfBuiltEngine):
        tag = HalfBuiltEngine.extract

    with pytest.raises(SuiteUnavailable, match="does not exist yet"):
        run_claims(engine=Nothing())


def test_real_engine_claims_return_the_contract():
    """Whatever the local engine scores, its output must be Extraction records (or it is missing)."""
    from agent.engines.registry import get_engine

    try:
        res = run_claims(engine=get_engine("local", use_embeddings=False), worst=1)
    except SuiteUnavailable as exc:
        pytest.skip(f"local engine not available: {exc}")
    assert res.info["n"] == len(SCORED_FIXTURES) and not res.info["failures"]


# -- the gate through the CLI ------------------------------------------------------------------------
def test_checked_in_thresholds_cover_every_claims_field():
    keys = {(f, m) for (s, f, m) in load_thresholds(DEFAULT_THRESHOLDS) if s == "claims"}
    for fld in ("speedups", "speedups_strict", "datasets", "hardware", "hardware_class", "topics"):
        assert (fld, "f1") in keys, fld
    assert ("grounding", "grounded_share") in keys


def test_gate_passes_on_gold(runner, gold_file):
    result = run_cli(runner, "eval", "--suite", "claims", "--predictions", str(gold_file))
    assert result.exit_code == 0, result.output
    assert "gate passed" in result.output


@pytest.mark.parametrize("transform", [_wrong_everything, _shift_values, lambda rec: rec | {"speedups": []}],
                         ids=["everything", "values-2pct-off", "no-speedups"])
def test_gate_fails_on_a_deliberately_wrong_prediction_file(runner, tmp_path, transform):
    """The checked-in thresholds must catch a regression (this is the guard against fooling ourselves)."""
    bad = write_predictions(tmp_path / "bad.jsonl", transform)
    result = run_cli(runner, "eval", "--suite", "claims", "--predictions", str(bad))
    assert result.exit_code == 1, result.output
    assert "gate FAILED" in result.output and "claims.speedups.f1" in result.output


def test_one_block_per_fixture_group_and_absent_group_not_available(tmp_path):
    """in-sample / dev-ext / blind-ext are scored separately; a group without a file is not available
    (its thresholds are skipped, not failed) and the leave-one-out rule is stated."""
    import shutil

    from evals.loaders import DEFAULT_FIXTURES

    shutil.copytree(DEFAULT_FIXTURES, tmp_path / "fx")
    for path in (tmp_path / "fx" / "claims").glob("blind_ext_*.jsonl"):
        path.unlink()
    res = run_claims(tmp_path / "fx", engine=EchoEngine())
    groups = res.info["groups"]
    assert set(groups) == {"in_sample", "dev_ext", "blind_ext"}
    assert groups["dev_ext"]["status"] == "ok" and groups["dev_ext"]["n"] >= 40
    assert groups["dev_ext"]["metrics"]["speedups"]["f1"] == 1.0
    assert res.metrics["dev_ext.speedups"]["f1"] == 1.0
    assert groups["blind_ext"]["status"] == "not available" and "blind_ext.speedups" in res.unavailable
    assert res.metrics["speedups"] == groups["in_sample"]["metrics"]["speedups"]
    assert "leave-one-out" in res.info["leakage"]
