"""`papers chat` end to end with scripted stdin (CliRunner: plain line reading, no terminal).

Follow-ups, every slash command, errors that must not end the session, the transcript file, and
the openai engine streaming through tool calls on the fake server. The pseudo-terminal behaviour
(prompt_toolkit, Ctrl-C, Ctrl-D) is in test_chat_pty.py.
"""

from __future__ import annotations

import pytest
from fakeopenai import text_reply, tool_calls_reply
from qa_support import KITTI, qa_home, qa_settings, qa_store, ref_id  # noqa: F401


@pytest.fixture(autouse=True)
def wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")   # rich wraps at the terminal width; keep lines whole


def chat(cli, *lines: str, args: tuple = ()):
    res = cli("chat", *args, input="\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    return res.stdout


def turns(out: str) -> list[str]:
    """Output split at the prompts: [banner, reply to line 1, reply to line 2, ...]."""
    return out.split("papers> ")


def test_follow_up_narrows_the_previous_answer(qa_home, qa_store, cli):
    out = turns(chat(cli, "Which papers report experiments on the KITTI dataset?",
                     "which of those are from 2023?", "/papers", "/quit"))
    assert "4 papers match (dataset=KITTI)" in out[1]
    assert "papers match (year=2023)" in out[2] or "paper matches (year=2023)" in out[2]
    kitti_2023 = [ref_id(qa_store, r) for r in KITTI if qa_store.get(ref_id(qa_store, r)).year == 2023]
    assert out[2].count("\n[") == len(kitti_2023) >= 1
    listed = [line for line in out[3].splitlines() if line.strip()]
    assert len(listed) == len(kitti_2023) and listed[0].lstrip().startswith("1 ")


def test_ordinal_follow_up_and_paper_commands(qa_home, cli):
    out = turns(chat(cli, "Which papers report experiments on the KITTI dataset?", "tell me more about the second one",
                     "/show 1", "/tldr 1", "/claims 1", "/quit"))
    second = out[1].split("\n[2] ")[1].split(" (")[0]
    assert out[2].startswith(second[:30]) and "[1]" in out[2]
    assert "sources:" in out[3] and "KITTI" in out[3]                 # the paper panel
    assert len(out[4].strip().splitlines()) == 1                     # a one-sentence TL;DR
    assert "datasets:" in out[5] and "KITTI" in out[5]


def test_filter_engine_help_save(qa_home, cli, tmp_path):
    target = tmp_path / "chat.md"
    out = turns(chat(cli, "/filter year>=2023 topic=kv-cache", "/filter", "Which papers report experiments on KITTI?",
                     "/filter clear", "Which papers report experiments on KITTI?", "/engine", "/help",
                     f"/save {target}", "/quit"))
    assert "filter: year>=2023 topic=kv-cache" in out[1] and "filter: year>=2023 topic=kv-cache" in out[2]
    # no KITTI paper is about kv-cache: the filter is the reason, and the reply names it
    assert "No paper within the filter (year>=2023 topic=kv-cache)" in out[3] and "KITTI" in out[3]
    assert "filter: none" in out[4] and "4 papers match" in out[5]
    assert "engine: local" in out[6] and "/save FILE.md" in out[7]
    text = target.read_text()
    assert text.startswith("# papers chat") and text.count("\n## ") == 2
    assert "[4] " in text and "> " in text                            # citations with their support


def test_errors_keep_the_session_and_eof_ends_it(qa_home, cli):
    out = turns(chat(cli, "/show 1", "/bogus", "/filter colour=red", "/filter year=20x", "/filter min_speedup=fast",
                     "/engine openai", "/engine warp", "/save", "Which papers report experiments on KITTI?"))
    errors = [t for t in out[1:9]]
    assert all("error:" in t for t in errors), errors
    assert "OPENAI_API_KEY" in out[6]
    assert "4 papers match" in out[9]                                 # still answering; EOF then ends it


def test_declined_question_lists_closest_papers(qa_home, cli):
    out = turns(chat(cli, "Which paper designs a ReRAM crossbar processing-in-memory accelerator?", "/papers"))
    assert "No paper here answers this exactly" in out[1] and "closest" in out[1]
    assert "(retrieved, not cited)" in out[2]


def test_ctrl_c_at_the_prompt_keeps_the_session(qa_settings, qa_store, capsys):
    from agent.cli.chat import ChatSession, run

    script = iter([KeyboardInterrupt, "/engine", None])

    def read():
        item = next(script)
        if item is KeyboardInterrupt:
            raise KeyboardInterrupt
        return item

    run(ChatSession(qa_settings, qa_store), read)
    out = capsys.readouterr().out
    assert "Ctrl-D or /quit leaves" in out and "engine: local" in out


def test_openai_chat_streams_uses_tools_and_keeps_context(fake_openai, qa_home, qa_store, cli):
    def cite_tool_result(request):
        import json

        content = [m for m in request.messages if m.get("role") == "tool"][-1]["content"]
        papers = json.loads(content)["papers"]
        return text_reply("KITTI is used by " + ", ".join(f"{p['title']} [{p['id']}]" for p in papers) + ".", chunks=12)

    first = ref_id(qa_store, KITTI[0])
    fake_openai.push(tool_calls_reply([("query_claims", {"dataset": "KITTI"})]), cite_tool_result,
                     text_reply(f"The first of those is {qa_store.get(first).title} [{first}]."))
    out = turns(chat(cli, "Which papers use KITTI?", "which is the first of those?", "/engine local",
                     "Which papers report experiments on KITTI?", args=("--engine", "openai")))
    assert out[1].startswith("KITTI is used by ") and "[4]" in out[1] and "\n[4] " in out[1]
    assert out[2].count("\n[") == 1 and "[1]" in out[2]
    history = fake_openai.chat_requests[-1].messages
    assert any(m["role"] == "assistant" and f"[{first}]" in (m.get("content") or "") for m in history)
    assert "engine: local" in out[3] and "4 papers match" in out[4]
    assert fake_openai.count == 3


def test_a_filter_that_matches_no_paper_says_so_when_set(qa_home, cli, tmp_path):
    out = turns(chat(cli, "/filter topic=nonsense", "/filter clear", "/filter year=2030", "Which papers use KITTI?",
                     f"/save {tmp_path / 'one.md'}", "/quit"))
    assert "note: no paper has --topic 'nonsense'" in out[1] and "known values include" in out[1]
    assert "/filter clear" in out[1] and "filter: topic=nonsense" in out[1]
    assert "note: no paper matches --year '2030'" in out[3] and "hint: the store's papers are from" in out[3]
    assert "saved 1 turn to" in out[5]
