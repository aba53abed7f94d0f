"""`papers chat` in a real pseudo-terminal (pexpect spawning .venv/bin/papers): prompt_toolkit input
with history, follow-ups, Ctrl-C at the prompt and during an answer, Ctrl-D to leave."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from fakeopenai import text_reply, tool_calls_reply
from qa_support import KITTI, qa_home, qa_settings, qa_store, ref_id  # noqa: F401

pexpect = pytest.importorskip("pexpect")
PAPERS = Path(sys.executable).parent / "papers"
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
FIRST_PAPER = r"\n" + ANSI + r" 1" + ANSI + r" \S"     # "/papers" row 1 (rich may style the number)
PROMPT = "papers>"   # prompt_toolkit draws the trailing space as a cursor move


def spawn(home: Path, *args: str, env: dict | None = None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERS_", "OPENAI_"))}
    environ.update({"PAPERS_HOME": str(home), "TERM": "xterm", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1",
                    "COLUMNS": "200", "LINES": "50", **(env or {})})
    child = pexpect.spawn(str(PAPERS), ["chat", *args], env=environ, cwd=str(home), encoding="utf-8",
                          dimensions=(50, 200), timeout=60)
    child.expect("papers chat")
    child.expect_exact(PROMPT)
    return child


def test_pty_session_history_follow_up_ctrl_c_ctrl_d(qa_home):
    child = spawn(qa_home)
    try:
        child.sendline("Which papers report experiments on the KITTI dataset?")
        child.expect("4 papers match")
        child.expect_exact(PROMPT)
        child.sendline("which of those are from 2023?")
        child.expect(r"match(es)? \(year=2023\)")
        child.expect_exact(PROMPT)
        child.sendline("/papers")
        child.expect(FIRST_PAPER)
        child.expect_exact(PROMPT)
        child.send("\x1b[A")            # up arrow: the last line again, from prompt_toolkit's history
        child.expect_exact("/papers")
        child.send("\r")
        child.expect(FIRST_PAPER)
        child.expect_exact(PROMPT)
        child.sendintr()                # Ctrl-C while typing: the session stays
        child.expect("Ctrl-D or /quit leaves")
        child.expect_exact(PROMPT)
        child.sendline("/engine")
        child.expect("engine: local")
        child.expect_exact(PROMPT)
        child.sendeof()                 # Ctrl-D leaves cleanly
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before


def test_pty_ctrl_c_cancels_a_streaming_answer_not_the_session(fake_openai, qa_home, qa_store):
    env = {"OPENAI_BASE_URL": fake_openai.base_url, "OPENAI_API_KEY": "sk-fake-test-key-0123456789"}
    fake_openai.push(text_reply("This answer never arrives.", delay=8))
    child = spawn(qa_home, "--engine", "openai", env=env)
    try:
        child.sendline("Which papers use KITTI?")
        deadline = time.monotonic() + 60
        while not fake_openai.requests and time.monotonic() < deadline:
            time.sleep(0.05)            # the request is at the server: the answer is in progress
        assert fake_openai.requests
        time.sleep(0.3)
        child.sendintr()
        child.expect_exact("(answer cancelled)")
        child.expect_exact(PROMPT)
        first = ref_id(qa_store, KITTI[0])
        fake_openai.push(tool_calls_reply([("get_paper", {"paper_id": first})]),
                         text_reply(f"It evaluates on KITTI [{first}].", chunks=6))
        child.sendline("Which paper evaluates on KITTI?")
        child.expect_exact("It evaluates on KITTI [1].")
        child.expect(r"\[1\] \S")       # then the cited paper
        child.expect_exact(PROMPT)
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before


CITED_FIRST = r"\n" + ANSI + r"\[1\] " + ANSI + r"([^\r\n(]{12,60})"   # "[1] <title>" of the citation list


def _turn(child, question: str, marker: str | None = None) -> str:
    """Ask; wait for `marker` (if any) and the first citation line; return that paper's first words."""
    child.sendline(question)
    if marker:
        child.expect(marker)
    child.expect(CITED_FIRST)
    first = " ".join(child.match.group(1).split()[:4])
    child.expect_exact(PROMPT)
    return first


def test_pty_four_turns_keep_the_previous_papers_as_referents(qa_home):
    """Set -> "which of those" -> "it" -> "that paper": turns 3 and 4 are about the paper turn 2 put first."""
    child = spawn(qa_home)
    try:
        _turn(child, "Which papers are about Mixture-of-Experts (MoE) models?", r"papers? match(es)? \(topic=moe\)")
        largest = _turn(child, "Which of those reports the largest speedup?", "The largest is")
        third = _turn(child, "What hardware did it run on?", "Hardware named in the abstract")
        fourth = _turn(child, "Tell me more about that paper")
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert third == largest and fourth == largest
