"""Paper cuts a new user meets in the first hour (round 6): each test fails on the code before its fix."""

from __future__ import annotations

from conftest import DATA


def test_every_command_that_needs_papers_says_the_store_is_empty_and_where(cli, papers_home):
    """Same words, same exit code (ask said 2, search and show 1), and the home it looked in."""
    for args in (("show", "2303.13018"), ("claims", "2303.13018"), ("tldr", "2303.13018"), ("ask", "what is it?"),
                 ("search", "kv cache"), ("extract", "--all"), ("chat",)):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        error, hint = result.stderr.splitlines()[:2]
        assert error.startswith("error: ") and error.endswith(f": the store at {papers_home} has no papers yet"), error
        assert "papers ingest" in hint and "PAPERS_HOME" in hint, hint
    assert cli("show", "2303.13018").stderr.startswith("error: no paper '2303.13018': the store at ")


def test_an_unknown_paper_id_in_a_filled_store_hints_how_to_find_ids(cli):
    assert cli("ingest", str(DATA / "papers.csv"), "--no-index").exit_code == 0
    result = cli("show", "does-not-exist")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "error: no paper 'does-not-exist' in the store"
    assert "papers list --grep" in result.stderr.splitlines()[1]


def test_export_takes_the_hardware_and_limit_filters_list_has(cli, papers_home):
    import json

    rows = [{"id": "g1", "title": "GPUKV", "abstract": "GPUKV compresses the KV cache on an NVIDIA A100 GPU. "
                                                      "It is 2.1x faster than vLLM."},
            {"id": "f1", "title": "FPGAConv", "abstract": "FPGAConv maps convolutions to a Xilinx Alveo U250 FPGA. "
                                                          "It reaches 3.2x higher throughput than a CPU."}]
    src = papers_home / "two.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert cli("ingest", str(src), "--no-index").exit_code == 0
    assert cli("extract", "--all", "--no-embeddings", "-o", str(papers_home / "x.jsonl")).exit_code == 0
    listed = cli("list", "--hardware", "A100", "--json")
    assert [json.loads(line)["title"] for line in listed.stdout.splitlines()] == ["GPUKV"]
    out = papers_home / "gpu.jsonl"
    result = cli("export", "-o", str(out), "--hardware", "A100")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["title"] for line in out.read_text().splitlines()] == ["GPUKV"]
    result = cli("export", "-o", str(papers_home / "one.csv"), "--limit", "1")
    assert result.exit_code == 0 and "exported 1 paper to" in result.stderr


def test_since_that_is_no_calendar_date_is_refused_before_any_work(cli):
    result = cli("ingest", str(DATA / "papers.csv"), "--since", "2024-13-45", "--no-index")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read --since '2024-13-45'"), result.stderr
    assert "hint: use a real date" in result.stderr
    assert cli("ingest", str(DATA / "papers.csv"), "--since", "2020-02-29", "--no-index").exit_code == 0


def test_a_papers_toml_that_is_not_toml_or_misspells_a_key_is_one_error_line(cli, papers_home, monkeypatch):
    from core.settings import reset_settings_cache

    toml = papers_home / "papers.toml"
    cases = {'engine = local\n': ("error: cannot read ", 'engine = "local"'),
             'engin = "local"\n': ("error: " + str(toml) + ": unknown setting 'engin'", "did you mean 'engine'?"),
             'PAPERS_CONCURRENCY = 2\n': ("unknown setting 'PAPERS_CONCURRENCY'", "did you mean 'concurrency'?")}
    for text, (error, hint) in cases.items():
        toml.write_text(text)
        reset_settings_cache()
        result = cli("config")
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert error in result.stderr.splitlines()[0] and hint in result.stderr.splitlines()[1], result.stderr
    toml.write_text('engine = "local"\nconcurrency = 2\n')
    reset_settings_cache()
    assert cli("config").exit_code == 0
    monkeypatch.setenv("PAPERS_CONFIG", str(papers_home / "nope.toml"))
    reset_settings_cache()
    result = cli("config")
    assert result.exit_code == 1 and "PAPERS_CONFIG names" in result.stderr and "not a file" in result.stderr


def test_ctrl_c_says_what_was_kept_only_where_something_was(cli, monkeypatch):
    import agent.extract
    import agent.qa

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    assert cli("ingest", str(DATA / "papers.csv"), "--no-index").exit_code == 0
    monkeypatch.setattr(agent.qa, "ask", interrupted)
    result = cli("ask", "what is it?")
    assert result.exit_code == 130 and result.stderr.endswith("\ninterrupted\n")   # a question keeps nothing
    monkeypatch.setattr(agent.extract, "extract_batch", interrupted)
    result = cli("extract", "--all", "-o", "out.jsonl")
    assert result.exit_code == 130
    assert result.stderr.startswith("interrupted; finished work was kept\nhint: run the same command again")
    assert "--resume" in result.stderr


def test_an_empty_folder_is_reported_not_ingested_as_nothing(cli, papers_home):
    empty = papers_home / "wrong-folder"
    (empty / ".hidden").mkdir(parents=True)
    (empty / ".hidden" / "x.jsonl").write_text("{}\n")
    result = cli("ingest", str(empty))
    assert result.exit_code == 1
    assert f"error: {empty}: the folder holds no files" in result.stderr and "hint: give the folder" in result.stderr
    result = cli("parse", str(empty), "--json")
    assert result.exit_code == 1 and "the folder holds no files" in result.stderr and result.stdout == ""


def test_ask_takes_every_filter_list_has_and_says_when_they_allow_no_paper(cli):
    import json

    assert cli("ingest", str(DATA / "papers.csv")).exit_code == 0
    result = cli("ask", "what is it about?", "--topic", "kv-cache")      # nothing extracted yet
    assert "note: no paper has been extracted yet, so --topic" in result.stderr and "papers extract" in result.stderr
    result = cli("ask", "what is it about?", "--year", "2030")
    assert "note: no paper matches --year '2030'" in result.stderr and "hint: the store's papers are from" in result.stderr
    result = cli("ask", "what is it about?", "--category", "no-such-category", "--json")
    assert result.exit_code == 0 and "note: no paper has --category 'no-such-category'" in result.stderr
    assert json.loads(result.stdout)["insufficient"] is True
    for flags in (("--hardware", "A100"), ("--min-speedup", "2")):
        result = cli("ask", "what is it about?", *flags, "--json")
        assert result.exit_code == 0, (flags, result.output)
        assert "No such option" not in result.stderr
