"""`ask` with the local engine on a real (small) corpus: look-ups, complete sets from the claims
tables, numeric answers, declines, filters, grounding of every answer, and the `papers ask` CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from qa_support import KITTI, qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from core.errors import UsageError
from agent.qa import ask
from agent.qa.answer_grounding import check


def _grounded(ans) -> None:
    """Every returned answer passes the grounding check unchanged, and cites only its citations."""
    by_n = {c.n: c for c in ans.citations}
    again = check(ans.answer, by_n, ans.question)
    assert not again.notes, again.notes
    assert sorted(again.cited) == sorted(by_n)
    for c in ans.citations:
        assert c.support and c.support in c.abstract


def test_lookup_cites_the_right_paper_first_with_its_support(qa_settings, qa_store):
    ans = ask("Which paper does recallable KV-cache compression by recalling tokens at the granularity of "
              "semantic clusters?", qa_settings, store=qa_store)
    assert not ans.insufficient and ans.route == "lookup"
    assert ans.citations[0].id == ref_id(qa_store, "000_8528321f52109f11.txt#15")
    assert "ClusterKV" in ans.answer and "[1]" in ans.answer
    assert ans.sources[0].id == ans.citations[0].id
    _grounded(ans)


def test_untitled_paper_is_named_by_its_system(qa_settings, qa_store):
    ans = ask("Which work removes query tail-latency spikes in in-memory key-value stores such as Redis by "
              "moving the page-table copy of fork from the parent to the child process?", qa_settings, store=qa_store)
    assert ans.citations[0].id == ref_id(qa_store, "003_a2f809acec3995b1.txt#1")
    assert ans.answer.startswith("Async-fork [1]")
    _grounded(ans)


def test_set_question_is_complete_from_the_claims_table(qa_settings, qa_store):
    ans = ask("Which papers report experiments on the KITTI dataset/benchmark?", qa_settings, store=qa_store)
    assert ans.route == "set"
    assert {c.id for c in ans.citations} == {ref_id(qa_store, r) for r in KITTI}
    # the named dataset is filtered on at its own level (entity filter over claims + text)
    assert ans.tools and ans.tools[0]["tool"] == "entity_filter"
    assert ans.tools[0]["args"]["entities"] == [{"kind": "dataset", "surface": "KITTI", "value": "KITTI"}]
    assert all("KITTI" in c.support for c in ans.citations)
    _grounded(ans)


def test_set_answer_equals_a_direct_query_of_the_table(qa_settings, qa_store):
    from store.papers import PaperFilter

    ans = ask("Which papers are about mixture-of-experts (MoE) models?", qa_settings, store=qa_store)
    tagged = {p.id for p in qa_store.list(PaperFilter(topic="moe"))}
    assert tagged and tagged <= {c.id for c in ans.citations}


def test_top_speedups_are_sorted_by_value(qa_settings, qa_store):
    ans = ask("What are the top 3 speedups on FPGAs?", qa_settings, store=qa_store)
    assert ans.route == "top" and 1 <= len(ans.citations) <= 3
    values = [c.speedup for c in ans.citations]     # ranked by the claim's value, in its own field
    assert None not in values and values == sorted(values, reverse=True)
    assert all(c.speedup_metric and c.speedup_unit for c in ans.citations)
    _grounded(ans)


def test_numeric_answer_quotes_the_number(qa_settings, qa_store):
    ans = ask("By what factor does SpAtten reduce DRAM access on average?", qa_settings, store=qa_store)
    assert ans.route == "numeric" and "10.0x" in ans.answer
    assert ans.citations[0].id == ref_id(qa_store, "004_74f5bfe55f112bb8.txt#40")
    _grounded(ans)


@pytest.mark.parametrize("question", [
    "Which paper proposes a compiler or accelerator for photonic (optical) neural network hardware?",
    "Which paper shifts training workloads across geo-distributed datacenters to follow renewable energy availability?",
])
def test_off_corpus_questions_are_declined(qa_settings, qa_store, question):
    ans = ask(question, qa_settings, store=qa_store)
    assert ans.insufficient and ans.confidence in ("closest", "none")
    assert ans.answer.startswith("No paper here answers this exactly") and ans.missing
    assert ans.to_json()["confidence"] == ans.confidence and ans.to_json()["missing"] == ans.missing
    assert ans.sources   # the closest papers are still reported


def test_session_filter_restricts_every_tool(qa_settings, qa_store):
    from store.papers import PaperFilter

    ans = ask("Which papers report experiments on the KITTI dataset?", qa_settings, store=qa_store,
              flt=PaperFilter(year="2023"))
    years = {c.year for c in ans.citations}
    assert years == {2023}


def test_empty_question_is_a_usage_error_and_an_empty_store_says_so(settings, store):
    from core.errors import EmptyStoreError

    with pytest.raises(UsageError):
        ask("   ", settings, store=store)
    with pytest.raises(EmptyStoreError, match="no papers yet"):   # as search and show say it (exit 1)
        ask("Which papers use KITTI?", settings, store=store)


# -- CLI ---------------------------------------------------------------------------------------
def test_cli_ask_json_contract(qa_home, cli):
    res = cli("ask", "Which papers report experiments on the KITTI dataset?", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert {"answer", "citations", "sources", "insufficient"} <= set(data)
    assert data["insufficient"] is False and len(data["citations"]) == 4
    for item in data["citations"] + data["sources"]:
        assert {"id", "title", "arxiv_id", "abstract", "score"} <= set(item)
    assert [c["n"] for c in data["citations"]] == [1, 2, 3, 4]


def test_answer_display_renders_the_latex_the_answer_quotes():
    from agent.qa.types import Answer

    data = Answer(question="q", answer="It is 2.8$\\times$ faster and saves 40\\% [1].").to_json()
    assert data["answer"] == "It is 2.8$\\times$ faster and saves 40\\% [1]."   # verbatim, as quoted
    assert data["answer_display"] == "It is 2.8× faster and saves 40% [1]."


def test_cli_ask_prints_answer_then_cited_papers(qa_home, cli):
    res = cli("ask", "Which paper does recallable KV-cache compression with semantic clusters?")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "ClusterKV" in out and "[1]" in out
    body, _, cited = out.partition("\n\n")
    assert cited.lstrip().startswith("[1] ClusterKV") and '"' in cited   # title line, then the quote


def test_cli_ask_declines_visibly(qa_home, cli):
    res = cli("ask", "Which paper designs a ReRAM crossbar processing-in-memory accelerator?", "--json")
    assert json.loads(res.stdout)["insufficient"] is True


def test_cli_ask_unknown_engine_is_one_line(qa_home, cli):
    res = cli("ask", "anything", "--engine", "nope")
    assert res.exit_code == 2 and "unknown engine" in res.stderr


def test_help_does_not_import_heavy_modules():
    code = ("import sys; from agent.cli import app; import agent.cli.ask; "
            "heavy = [m for m in ('langchain', 'chromadb', 'torch', 'sentence_transformers', 'prompt_toolkit', "
            "'agent.qa.local', 'openai') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_conversation_scopes_follow_ups_and_falls_back_for_fresh_questions(qa_settings, qa_store):
    from agent.qa import Conversation

    conv = Conversation()
    kitti = {ref_id(qa_store, r) for r in KITTI}
    ask("Which papers report experiments on the KITTI dataset?", qa_settings, store=qa_store, conversation=conv)
    narrowed = ask("which of those are from 2023?", qa_settings, store=qa_store, conversation=conv)
    assert narrowed.citations and {c.id for c in narrowed.citations} < kitti
    assert all(c.year == 2023 for c in narrowed.citations)
    about = ask("tell me more about it", qa_settings, store=qa_store, conversation=conv)
    assert [c.id for c in about.citations] == [narrowed.citations[0].id]
    _grounded(about)
    none = ask("which of them run on FPGAs?", qa_settings, store=qa_store, conversation=conv)
    assert none.insufficient and "previous answer" in none.answer
    fresh = ask("Which paper keeps its accuracy while recalling KV cache tokens by semantic clusters?",
                qa_settings, store=qa_store, conversation=conv)   # "its" is not about the last answer
    assert fresh.citations[0].id == ref_id(qa_store, "000_8528321f52109f11.txt#15")
