"""TL;DR suite: the SciTLDR recipe reproduces the reference Lead-1 numbers, the engine sees the abstract
only, baselines are computed in the same run, and missing data is a clear error."""

from __future__ import annotations

import json

import pytest

from core.errors import InputFileError
from evals.loaders import load_scitldr, scitldr_abstract, scitldr_path
from evals.tldr_suite import run_tldr

# where run_tldr(None) reads it: $PAPERS_SCITLDR, else ../shared next to the checkout
needs_data = pytest.mark.skipif(not scitldr_path().is_file(), reason=f"SciTLDR sample not at {scitldr_path()}")


class FirstSentence:
    """Returns the first sentence, and records what it was given."""

    name = "first-sentence"

    def __init__(self):
        self.papers = []

    def tldr(self, paper):
        self.papers.append(paper)
        return paper.abstract.split(". ")[0]


@pytest.fixture
def tiny(tmp_path):
    rows = [{"paper_id": "p1", "title": "The cat", "source": ["the cat sat. ", "Then it slept.\n"],
             "target": ["the cat sat on the mat", "cat the sat"]},
            {"paper_id": "p2", "title": "Dogs run", "source": ["A dog ran."], "target": ["a dog ran fast"]}]
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_abstract_is_stripped_sentences_joined():
    assert scitldr_abstract({"source": [" a. \n", "b.  ", ""]}) == "a. b."


def test_tiny_hand_computed(tiny):
    engine = FirstSentence()
    res = run_tldr(engine, data=tiny)
    # p1 engine "the cat sat" -> best-R1 target "cat the sat": R1 1.0, R2 0.0
    # p2 engine "A dog ran." vs "a dog ran fast": R1 P 1 R 3/4 -> 6/7; R2 P 1 R 2/3 -> 0.8
    assert res.metrics["engine"]["rouge1"] == pytest.approx(round(100 * (1 + 6 / 7) / 2, 2))
    assert res.metrics["engine"]["rouge2"] == pytest.approx(round(100 * (0 + 0.8) / 2, 2))
    assert res.metrics["lead1"] == res.metrics["engine"]          # same text -> same score
    assert [p.title for p in engine.papers] == [None, None]       # abstract-only input
    assert engine.papers[0].abstract == "the cat sat. Then it slept."
    assert res.info["n"] == 2 and set(res.per_case) == {"p1", "p2"}
    assert res.info["mean_words"] == {"engine": 3.0, "lead1": 3.0, "title": 2.0}
    assert "mean words engine 3.0" in res.info["note"]


def test_limit_and_baselines_without_engine(tiny):
    res = run_tldr(None, data=tiny, limit=1)
    assert res.info["n"] == 1 and "engine" not in res.metrics and "engine" in res.unavailable
    assert set(res.metrics) == {"lead1", "title"}


def test_failing_paper_is_scored_as_empty_not_a_crash(tiny):
    class Flaky(FirstSentence):
        def tldr(self, paper):
            if paper.id == "p2":
                raise RuntimeError("timeout")
            return super().tldr(paper)

    res = run_tldr(Flaky(), data=tiny)
    assert res.info["failures"] == {"p2": "RuntimeError: timeout"}
    assert res.per_case["p2"] == 0.0


def test_missing_data_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(InputFileError, match="SciTLDR data not found") as err:
        load_scitldr(tmp_path / "nope.jsonl")
    assert "--tldr-data" in err.value.hint
    monkeypatch.setenv("PAPERS_SCITLDR", str(tmp_path / "env.jsonl"))
    with pytest.raises(InputFileError, match="env.jsonl"):
        load_scitldr()


@needs_data
def test_lead1_reproduces_the_reference_numbers():
    """SCITLDR.md: Lead-1 on the 200-record dev sample is R1 29.4 / R2 9.9 / RL 21.9."""
    res = run_tldr(None)
    assert res.info["n"] == 200
    lead = res.metrics["lead1"]
    assert (round(lead["rouge1"], 1), round(lead["rouge2"], 1), round(lead["rougeL"], 1)) == (29.4, 9.9, 21.9)


@needs_data
def test_cli_tldr_limit(runner, tmp_path):
    from conftest import run_cli

    empty = tmp_path / "thresholds.toml"
    empty.write_text("")
    result = run_cli(runner, "eval", "--suite", "tldr", "--limit", "5", "--json", "--thresholds", str(empty))
    data = json.loads(result.stdout)
    assert data["suites"]["tldr"]["info"]["n"] == 5 and data["checks"] == []
    assert set(data["suites"]["tldr"]["metrics"]) >= {"lead1", "title"}
