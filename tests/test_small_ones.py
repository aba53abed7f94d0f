"""The small ones of issue 16: named missing paths, `claims ID` headers, plurals, hints, invisible
characters in titles."""

from __future__ import annotations

import json

from conftest import SEEDS

ABSTRACT = ("We present a sparse attention kernel for long-context inference that keeps accuracy while "
            "cutting decoding latency by 2.5x on an NVIDIA A100 GPU across several production workloads.")


def test_missing_path_is_named(cli, tmp_path):
    missing = tmp_path / "nope" / "pages.txt"
    result = cli("ingest", "--no-index", str(missing))
    assert result.exit_code == 1 and f"error: {missing}: no such file or directory" in result.stderr
    parsed = cli("parse", str(missing))
    assert f"error: {missing}: no such file or directory" in parsed.stderr


def test_claims_names_the_paper(cli):
    cli("ingest", "--no-index", str(SEEDS / "000_8528321f52109f11.txt"))
    listed = json.loads(cli("list", "--json", "--grep", "Adaptive Numerical Data Type").stdout.splitlines()[0])
    result = cli("claims", listed["id"])
    assert result.exit_code == 0
    head = " ".join(result.stdout.split("•")[0].split())  # before the first claim
    assert head.startswith("ANT: Exploiting Adaptive Numerical Data Type") and listed["id"] in head
    assert json.loads(cli("claims", listed["id"], "--json").stdout)["title"].startswith("ANT:")


def test_one_paper_is_singular(cli, tmp_path):
    (tmp_path / "one.jsonl").write_text(json.dumps({"title": "Kernels", "abstract": ABSTRACT}) + "\n")
    result = cli("ingest", "--no-index", str(tmp_path / "one.jsonl"))
    assert "(jsonl, 1 paper)" in result.stdout
    assert "1 paper\n" in cli("list").stdout


def test_invisible_and_bidi_characters_never_reach_the_terminal(cli, tmp_path):
    title = "Safe\u202eelif.exe\u200b Kernel\u2066s\u2069"
    (tmp_path / "rtl.jsonl").write_text(json.dumps({"title": title, "abstract": ABSTRACT}) + "\n")
    cli("ingest", "--no-index", str(tmp_path / "rtl.jsonl"))
    pid = json.loads(cli("list", "--json").stdout)["id"]
    for args in (["list"], ["show", pid], ["claims", pid], ["parse", str(tmp_path / "rtl.jsonl")],
                 ["search", "sparse attention kernel", "--mode", "bm25"]):
        out = cli(*args).stdout
        assert not any(ch in out for ch in "\u202e\u200b\u2066\u2069"), args
        assert "Safeelif.exe" in out.replace("\n", "").replace(" ", "") or args[0] == "search", args


def test_chat_save_to_a_missing_folder_has_a_hint(settings, store, tmp_path):
    import io

    from rich.console import Console

    from agent.cli.chat import ChatSession

    out = io.StringIO()
    session = ChatSession(settings, store, console=Console(file=out, width=200))
    assert session.handle(f"/save {tmp_path / 'no' / 'such' / 'chat.md'}")
    text = out.getvalue()
    assert "cannot write" in text and f"hint: the folder {tmp_path / 'no' / 'such'} does not exist" in text
