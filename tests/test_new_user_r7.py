"""Paper cuts a demanding new user met in round 7: each test fails on the code before its fix."""

from __future__ import annotations

import pytest
from conftest import DATA
from qa_support import qa_home, qa_settings, qa_store  # noqa: F401


# -- Ctrl-C in `extract` ---------------------------------------------------------------------------
def _interrupted_batch(monkeypatch, done: int = 3):
    import agent.extract
    from agent.batch import BatchReport

    monkeypatch.setattr(agent.extract, "extract_batch", lambda *a, **kw: BatchReport(done=done, stopped="interrupted"))


def test_ctrl_c_inside_an_extract_batch_says_how_to_resume_the_output_file(cli, papers_home, monkeypatch):
    """The batch catches Ctrl-C to keep its finished rows; the user must still learn how to go on."""
    assert cli("ingest", str(DATA / "papers.csv"), "--no-index").exit_code == 0
    _interrupted_batch(monkeypatch)
    out = papers_home / "rows.jsonl"
    result = cli("extract", "--all", "-o", str(out))
    assert result.exit_code == 130, result.output
    assert "extracted 3, skipped 0 already done, failed 0; stopped: interrupted" in result.stderr
    hint = result.stderr.splitlines()[-1]
    assert hint.startswith("hint: ") and f"-o {out} --resume" in hint and "papers extract --all" in hint, hint


def test_ctrl_c_inside_an_extract_batch_without_a_file_points_to_the_store(cli, monkeypatch):
    assert cli("ingest", str(DATA / "papers.csv"), "--no-index").exit_code == 0
    _interrupted_batch(monkeypatch, done=0)
    result = cli("extract", "--all")
    assert result.exit_code == 130
    assert "saved in the store" in result.stderr and "papers export" in result.stderr and "--resume" in result.stderr


def test_a_budget_stop_still_exits_1_without_the_interrupt_hint(cli, monkeypatch):
    import agent.extract
    from agent.batch import BatchReport

    assert cli("ingest", str(DATA / "papers.csv"), "--no-index").exit_code == 0
    monkeypatch.setattr(agent.extract, "extract_batch", lambda *a, **kw: BatchReport(done=1, stopped="budget $0.01 reached"))
    result = cli("extract", "--all")
    assert result.exit_code == 1 and "hint: finished" not in result.stderr


# -- papers.toml values ----------------------------------------------------------------------------
def _config(cli, monkeypatch, papers_home, text: str, **env: str):
    from core.settings import reset_settings_cache

    (papers_home / "papers.toml").write_text(text)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings_cache()
    return cli("config")


def test_a_bad_value_in_papers_toml_names_the_file_and_key_not_an_env_var(cli, papers_home, monkeypatch):
    toml = papers_home / "papers.toml"
    result = _config(cli, monkeypatch, papers_home, 'max_retries = "many"\n')
    assert result.exit_code == 1
    error, hint = result.stderr.splitlines()[:2]
    assert error.startswith(f"error: invalid max_retries = 'many' in {toml}: "), error
    assert "PAPERS_MAX_RETRIES" not in result.stderr and hint == f"hint: fix or remove 'max_retries' in {toml}"


def test_a_bad_value_from_the_environment_still_names_the_variable(cli, papers_home, monkeypatch):
    result = _config(cli, monkeypatch, papers_home, "max_retries = 3\n", PAPERS_MAX_RETRIES="lots")
    assert result.exit_code == 1 and result.stderr.startswith("error: invalid PAPERS_MAX_RETRIES='lots'")


def test_an_unknown_engine_says_it_came_from_papers_toml(cli, papers_home, monkeypatch):
    result = _config(cli, monkeypatch, papers_home, 'engine = "fancy"\n')
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: unknown engine 'fancy' (from {papers_home / 'papers.toml'})"


# -- argument errors and chat filters -------------------------------------------------------------
def test_a_bad_choice_has_no_validator_prefix(cli):
    result = cli("search", "anything", "--mode", "sparse")
    assert result.exit_code == 2
    assert "Value error" not in result.stderr and "'sparse' is not one of" in result.stderr


def test_a_misspelt_chat_filter_key_suggests_the_key():
    from agent.cli.chat import parse_filter
    from core.errors import UsageError

    with pytest.raises(UsageError) as caught:
        parse_filter(["yaer>=2024"])
    assert caught.value.hint.startswith("did you mean 'year'? use key=value with keys")
    with pytest.raises(UsageError) as caught:
        parse_filter(["colour=red"])
    assert caught.value.hint.startswith("use key=value with keys")


# -- answers ---------------------------------------------------------------------------------------
def test_the_printed_set_filter_names_what_the_user_asked_not_its_matching_level():
    from agent.qa.router import Route

    r = Route(kind="set", question="which papers use a Pocket Board?")
    r.entities = ["hardware=vendor:family:Pocket Board", "not hardware=vendor:Acme", "model=family:zeta 7b",
                  "dataset=CityScenes"]
    assert r.describe() == "hardware=Pocket Board, not hardware=Acme, model=zeta 7b, dataset=CityScenes"


def test_a_figure_follow_up_about_one_paper_states_the_sentence_with_the_figure(qa_settings, qa_store):
    """"how much faster is it?" after a look-up was answered with the abstract's opening sentence
    (word overlap on "faster" picked no figure); it is answered as the look-up would be."""
    from agent.qa.service import Conversation, ask

    conversation = Conversation()
    first = ask("What does Splitwise do?", qa_settings, store=qa_store, conversation=conversation)
    assert first.citations and first.citations[0].title.startswith("Splitwise")
    answer = ask("how much faster is it?", qa_settings, store=qa_store, conversation=conversation)
    assert answer.citations[0].id == first.citations[0].id and not answer.insufficient
    assert "1.4x higher throughput" in answer.answer.split("[1]")[1], answer.answer
    assert "Recent innovations" not in answer.answer


def test_stats_of_an_empty_home_says_why_the_tables_are_empty_and_where_it_looked(cli, papers_home):
    result = cli("stats", "--json")
    assert result.exit_code == 0 and '"papers": 0' in result.stdout   # machine output unchanged
    assert f"note: the store at {papers_home} has no papers yet" in result.stderr
    assert "hint: run `papers ingest PATH` first" in result.stderr
    assert cli("ingest", str(DATA / "papers.csv"), "--no-index").exit_code == 0
    assert "no papers yet" not in cli("stats").stderr


def test_claims_shows_evidence_latex_as_the_terminal_reads_it_and_json_keeps_it_verbatim(cli, monkeypatch):
    import json

    monkeypatch.setenv("COLUMNS", "250")
    text = r"Our tiling kernel runs 3.1$\times$ faster than cuBLAS on one RTX 4090."
    shown = cli("claims", "--text", text)
    assert shown.exit_code == 0 and '"Our tiling kernel runs 3.1× faster than cuBLAS' in shown.stdout, shown.stdout
    assert "$\\times$" not in shown.stdout
    evidence = json.loads(cli("claims", "--text", text, "--json").stdout)["speedups"][0]["evidence"]
    assert "3.1$\\times$ faster" in evidence


def test_an_unknown_filter_value_written_out_in_words_hints_the_acronym_the_store_uses():
    """Spelling similarity cannot relate "Quantum circuit routing" to `qcr`; initials can, both ways."""
    from store.filters import acronym_matches

    known = ["qcr", "quantum-error-correction", "routing", "q"]
    assert acronym_matches("Quantum circuit routing", known) == ["qcr"]
    assert acronym_matches("Quantum Circuit Routing methods", known) == ["qcr"]   # a trailing generic word
    assert acronym_matches("QECs", known) == ["quantum-error-correction"]
    assert acronym_matches("routing", known) == [] and acronym_matches("Quiet rooms", known) == []
