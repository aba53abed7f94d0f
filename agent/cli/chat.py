"""`papers chat`: an interactive session over `ask`, with context, slash commands and history.

Input comes from prompt_toolkit when stdin and stdout are terminals (history with up/down arrows,
line editing), else from plain line reading (pipes, scripts, tests). Ctrl-C cancels the answer in
progress (or the line being typed), never the session; Ctrl-D or /quit ends it.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

from core.errors import PapersError, UsageError
from agent.qa.render import numbered_papers, paper_line, print_answer, transcript_markdown
from agent.qa.service import Conversation, ask
from agent.qa.text import display

if TYPE_CHECKING:
    from core.models import Extraction

PROMPT = "papers> "
HELP = """\
Ask a question about the papers, or a follow-up ("which of those run on FPGAs?").
  /papers            papers of the last answer ([n] = its citations)
  /show N            paper N: metadata, abstract, extracted claims
  /tldr N            one-sentence TL;DR of paper N
  /claims N          speedups (with evidence), datasets, hardware of paper N
  /filter [k=v ...]  restrict every search: year>=2023 topic=kv-cache dataset=KITTI
                     hardware_class=fpga hardware=A100 category=LG min_speedup=2; `/filter clear`
  /engine [NAME]     show or switch the engine (local | openai | hybrid)
  /save FILE.md      write the transcript with citations
  /help              this help;  /quit (or Ctrl-D) leaves.  Ctrl-C cancels an answer."""
FILTER_KEYS = {"year": "year", "topic": "topic", "dataset": "dataset", "hardware": "hardware", "hw": "hardware",
               "hardware_class": "hardware_class", "class": "hardware_class", "category": "category",
               "min_speedup": "min_speedup", "metric": "metric", "source": "source", "grep": "grep"}


class ChatSession:
    def __init__(self, settings, store, *, engine: str = "local", model: str | None = None, console=None,
                 flt=None):
        from agent.cli.output import console as make_console

        self.settings, self.store, self.engine, self.model = settings, store, engine, model
        self.console = console or make_console()
        self.flt = flt
        self.conversation = Conversation()
        self.commands: dict[str, Callable[[list[str]], bool | None]] = {
            "papers": self.cmd_papers, "show": self.cmd_show, "tldr": self.cmd_tldr, "claims": self.cmd_claims,
            "filter": self.cmd_filter, "engine": self.cmd_engine, "save": self.cmd_save, "help": self.cmd_help,
            "quit": self.cmd_quit, "exit": self.cmd_quit, "q": self.cmd_quit}

    # -- one line ---------------------------------------------------------------------------------
    def handle(self, line: str) -> bool:
        """Process one input line; False when the session should end."""
        line = line.strip()
        if not line:
            return True
        try:
            if line.startswith("/"):
                return self.command(line)
            self.answer(line)
        except PapersError as exc:
            from rich.markup import escape

            self.console.print(f"[red]error:[/] {escape(exc.message)}"
                               + (f"\n[dim]hint: {escape(exc.hint)}[/]" if exc.hint else ""))
        return True

    def command(self, line: str) -> bool:
        try:
            name, *args = shlex.split(line[1:])
        except ValueError as exc:
            raise UsageError(f"cannot read the command: {exc}") from None
        fn = self.commands.get(name.lower())
        if fn is None:
            raise UsageError(f"unknown command /{name}", hint="/help lists the commands")
        return fn(args) is not False

    def answer(self, question: str) -> None:
        streamed: list[str] = []

        def on_token(text: str) -> None:
            streamed.append(text)
            self.console.file.write(display(text))
            self.console.file.flush()

        try:
            ans = ask(question, self.settings, store=self.store, engine=self.engine, flt=self.flt,
                      conversation=self.conversation, on_token=on_token, model=self.model)
        except KeyboardInterrupt:
            self.console.print("\n[yellow](answer cancelled)[/]")
            return
        print_answer(self.console, ans, "".join(streamed) if streamed else None)

    # -- slash commands ----------------------------------------------------------------------------
    def _paper(self, args: list[str]):
        papers = numbered_papers(self.conversation.last)
        if not args:
            raise UsageError("which paper?", hint="give its number from /papers, e.g. /show 1")
        ref = args[0].strip("[]")
        if ref.isdigit():
            n = int(ref)
            if not 1 <= n <= len(papers):
                raise UsageError(f"no paper {n} in the last answer ({len(papers)} listed)", hint="/papers lists them")
            return self.store.resolve(papers[n - 1].id)
        return self.store.resolve(ref)

    def cmd_papers(self, args: list[str]) -> None:
        papers = numbered_papers(self.conversation.last)
        if not papers:
            self.console.print("[dim]no papers yet: ask a question first[/]")
        n_cited = len(self.conversation.last.citations) if self.conversation.last else 0
        from rich.markup import escape

        for i, src in enumerate(papers, start=1):
            mark = "" if i <= n_cited else "[dim](retrieved, not cited)[/] "
            self.console.print(f"[bold cyan]{i:>2}[/] {mark}{escape(paper_line(src))}", highlight=False)

    def cmd_show(self, args: list[str]) -> None:
        from agent.cli.render import paper_panel
        from store.extractions import latest_extraction

        paper = self._paper(args)
        self.console.print(paper_panel(paper, latest_extraction(self.store, paper.id)))

    def cmd_tldr(self, args: list[str]) -> None:
        paper = self._paper(args)
        self.console.print(display(_extraction(self.store, paper).tldr), markup=False)

    def cmd_claims(self, args: list[str]) -> None:
        from agent.cli.render import extraction_text

        paper = self._paper(args)
        ext = _extraction(self.store, paper)
        self.console.print(extraction_text(ext.model_copy(update={"tldr": "", "engine": ""})))

    def cmd_filter(self, args: list[str]) -> None:
        if args and args[0].lower() in ("clear", "off", "none", "reset"):
            self.flt = None
        elif args:
            flt = parse_filter(args, self.flt)
            matched = self.store.list(flt)   # validates values (year syntax) before any question uses them
            self.flt = flt
            if not matched:      # say so now, not as "the corpus does not cover this" on every question
                from store.filters import why_empty

                for reason in why_empty(self.store, flt):
                    self.console.print(f"note: {reason.message}" + (f"\nhint: {reason.hint}" if reason.hint else ""),
                                       markup=False, highlight=False)
                self.console.print("hint: every question now searches no paper; `/filter clear` drops the filter",
                                   markup=False, highlight=False)
        self.console.print(f"filter: {describe_filter(self.flt)}", markup=False)

    def cmd_engine(self, args: list[str]) -> None:
        from agent.engines.registry import engine_name, uses_llm

        if args:
            name = engine_name(args[0])
            if uses_llm(name):
                from agent.engines.llm.config import LLMConfig

                LLMConfig.from_settings(self.settings, model=self.model).check()
            self.engine = name
        self.console.print(f"engine: {self.engine}" + (f" (model {self.model or self.settings.model})"
                                                        if uses_llm(self.engine) else ""))

    def cmd_save(self, args: list[str]) -> None:
        if not args:
            raise UsageError("where to?", hint="/save chat.md")
        path = Path(args[0]).expanduser()
        try:
            path.write_text(transcript_markdown(self.conversation.turns), encoding="utf-8")
        except OSError as exc:
            missing = not path.parent.is_dir()
            raise UsageError(f"cannot write {path}: {exc.strerror}",
                             hint=f"the folder {path.parent} does not exist; create it or /save to another path"
                             if missing else "give a file path you can write to, e.g. /save ~/chat.md") from None
        n = len(self.conversation.turns)
        self.console.print(f"saved {n} turn{'' if n == 1 else 's'} to {path}", markup=False)

    def cmd_help(self, args: list[str]) -> None:
        self.console.print(HELP, highlight=False, markup=False)

    def cmd_quit(self, args: list[str]) -> bool:
        return False


def _extraction(store, paper) -> "Extraction":
    """The stored extraction, else a quick local one (rules only, nothing saved)."""
    from store.extractions import latest_extraction

    ext = latest_extraction(store, paper.id)
    if ext is not None:
        return ext
    from agent.engines.local.engine import LocalEngine
    from core.models import PaperText

    return LocalEngine(use_embeddings=False).extract(PaperText(id=paper.id, abstract=paper.abstract,
                                                                title=paper.title))


def parse_filter(args: list[str], current=None):
    """`year>=2023 topic=kv-cache` -> PaperFilter (added to the current one)."""
    import re
    from dataclasses import replace

    from store.papers import PaperFilter

    values: dict = {}
    for arg in args:
        m = re.fullmatch(r"([a-z_]+)\s*(>=|<=|>|<|=)\s*(.+)", arg.strip(), re.I)
        if not m or m.group(1).lower() not in FILTER_KEYS:
            raise UsageError(f"cannot read filter {arg!r}", hint=_filter_hint(m.group(1) if m else ""))
        key, op, value = FILTER_KEYS[m.group(1).lower()], m.group(2), m.group(3).strip()
        if key == "year":
            values[key] = value if op == "=" else f"{op}{value}"
        elif op != "=":
            raise UsageError(f"only year takes {op}", hint=f"write {key}=VALUE")
        elif key == "min_speedup":
            try:
                values[key] = float(value.rstrip("xX"))
            except ValueError:
                raise UsageError(f"min_speedup must be a number, not {value!r}") from None
        else:
            values[key] = value
    from agent.cli.filtering import check_values

    check_values(values.get("year"), values.get("min_speedup"), "min_speedup")   # as `list` refuses them
    return replace(current or PaperFilter(), **values)


def _filter_hint(key: str) -> str:
    """The known keys, led by the one a misspelt key ("yaer") was probably meant to be."""
    import difflib

    known = sorted(set(FILTER_KEYS.values()))
    close = difflib.get_close_matches(key.lower(), list(FILTER_KEYS), n=1) if key else []
    return ((f"did you mean {FILTER_KEYS[close[0]]!r}? " if close else "")
            + "use key=value with keys " + ", ".join(known))


def describe_filter(flt) -> str:
    from agent.qa.filter_reason import describe_filter as describe

    return describe(flt)


# -- the loop ----------------------------------------------------------------------------------
def line_reader(stdin: TextIO | None = None) -> Callable[[], str | None]:
    """prompt_toolkit (arrows, history) on a terminal; plain reading otherwise. None = end of input."""
    stdin = stdin or sys.stdin
    if stdin.isatty() and sys.stdout.isatty():
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import InMemoryHistory

        session = PromptSession(history=InMemoryHistory())

        def read_tty() -> str | None:
            try:
                return session.prompt(PROMPT)
            except EOFError:
                return None
        return read_tty

    def read_plain() -> str | None:
        sys.stdout.write(PROMPT)
        sys.stdout.flush()
        line = stdin.readline()
        return None if line == "" else line
    return read_plain


def run(session: ChatSession, read: Callable[[], str | None]) -> None:
    session.console.print(f"[bold]papers chat[/] — {session.store.count()} papers, engine {session.engine}. "
                          "/help for commands, Ctrl-D to leave.")
    while True:
        try:
            line = read()
        except KeyboardInterrupt:       # Ctrl-C while typing: drop the line, keep the session
            session.console.print("[dim](Ctrl-D or /quit leaves)[/]")
            continue
        if line is None:
            session.console.print()
            return
        if not session.handle(line):
            return
