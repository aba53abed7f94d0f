"""Output files the user names (-o, --failures, backup -o) that cannot be written: one `error:` line
and a `hint:` line, exit 1, no traceback, and nothing extracted before the check."""

from __future__ import annotations

from conftest import DATA


def _blocked(tmp_path):
    """A path whose parent is a regular file: unwritable for every user, root included."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    return blocker / "out"


def _assert_one_error(result, path_fragment: str):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: cannot write") and path_fragment in errors[0], lines
    assert any(line.startswith("hint: ") for line in lines), lines


def _ingest(cli):
    assert cli("ingest", "--no-index", str(DATA / "arxiv_query.atom.xml")).exit_code == 0


def test_export_to_an_unwritable_path_is_an_error_line(cli, tmp_path):
    _ingest(cli)
    out = _blocked(tmp_path)
    for name in ("x.jsonl", "x.csv", "x.bib"):
        _assert_one_error(cli("export", "-o", str(out / name)), name)
    folder = tmp_path / "folder.jsonl"
    folder.mkdir()
    _assert_one_error(cli("export", "-o", str(folder), "--force"), "folder.jsonl")


def test_extract_checks_its_output_before_extracting(cli, tmp_path):
    _ingest(cli)
    out = _blocked(tmp_path)
    result = cli("extract", "--all", "--no-embeddings", "-o", str(out / "x.jsonl"))
    _assert_one_error(result, "x.jsonl")
    assert "extracting" not in result.stderr   # refused before any paper was extracted
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    (folder / "keep").write_text("x")
    _assert_one_error(cli("extract", "--all", "--no-embeddings", "-o", str(folder), "--force"), "folder.csv")
    failures = cli("extract", "--all", "--no-embeddings", "-o", str(tmp_path / "ok.jsonl"),
                   "--failures", str(out / "f.jsonl"))
    _assert_one_error(failures, "f.jsonl")


def test_backup_to_an_unwritable_path_blames_the_path_not_the_store(cli, tmp_path):
    _ingest(cli)
    result = cli("backup", "-o", str(_blocked(tmp_path) / "b.db"))
    _assert_one_error(result, "b.db")
    assert "unreadable" not in result.stderr and "doctor" not in result.stderr


def test_an_unexpected_file_error_is_an_error_line(cli, monkeypatch, tmp_path):
    """The CLI edge's safety net: any file-system error on a named path, wherever it is raised."""
    import store.export

    def boom(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "somewhere"))

    _ingest(cli)
    monkeypatch.setattr(store.export, "write_export", boom)
    result = cli("export", "-o", str(tmp_path / "x.jsonl"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {tmp_path / 'somewhere'}: Permission denied\nhint: ")


def test_config_names_its_file_and_aligns_every_value(tmp_path):
    """`papers config` says which papers.toml it read, and long keys (prompt_tokens_per_second) do not
    push their values out of the column; a value with brackets is printed as written."""
    from test_cli_conventions import papers

    toml = tmp_path / "papers.toml"
    toml.write_text('model = "my-[local]-model"\n')
    home = tmp_path / "home"
    data = __import__("json").loads(papers("config", "--json", env={"PAPERS_CONFIG": str(toml)}, home=home).stdout)
    assert data["config_file"] == str(toml) and data["model"] == "my-[local]-model"
    result = papers("config", env={"PAPERS_CONFIG": str(toml), "COLUMNS": "200"}, home=home)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    columns = {line.index(key) + len(key) for line in lines for key in data if line.strip().startswith(key + " ")}
    assert len(columns) == 1, lines
    assert any(line.endswith(" my-[local]-model") for line in lines)
    assert any(line.strip() == f"config_file {toml}" for line in lines)


def test_every_command_summary_in_papers_help_is_one_line():
    """`papers --help` lists each command with the first paragraph of its docstring: a paragraph that
    wraps in the source breaks mid-sentence there ("… or BibTeX" / "(@misc …")."""
    from agent.cli import app
    from typer.main import get_command

    group = get_command(app)
    for name, command in group.commands.items():
        first = (command.help or "").strip().split("\n\n")[0]
        assert "\n" not in first, (name, first)


def test_ctrl_c_during_ingest_says_how_to_finish(cli, monkeypatch):
    """Ctrl-C in the embed phase left "interrupted; finished work was kept" and nothing else; running
    the same ingest again finishes the job (unchanged files are kept, missing embeddings are made)."""
    import agent.corpus

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(agent.corpus, "ingest", interrupted)
    result = cli("ingest", str(DATA / "arxiv_query.atom.xml"))
    assert result.exit_code == 130
    assert result.stderr.startswith("interrupted; finished work was kept\nhint: run the same command again")
