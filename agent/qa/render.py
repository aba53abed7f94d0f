"""How answers look: in the terminal (rich) and in a saved chat transcript (Markdown)."""

from __future__ import annotations

from agent.qa.text import display, label
from agent.qa.types import Answer, Source


def paper_line(src: Source) -> str:
    bits = [f"arXiv:{src.arxiv_id}" if src.arxiv_id else src.id]
    if src.year:
        bits.append(str(src.year))
    return f"{display(label(src.title, src.abstract, src.arxiv_id))} ({', '.join(bits)})"


def answer_text(ans: Answer, *, with_body: bool = True):
    """The answer, then each cited paper with its supporting sentence (a rich renderable). A quote
    that wraps keeps its indent, so the citation list stays readable at any width."""
    from rich.console import Group
    from rich.text import Text

    parts: list = []
    out = Text()
    if with_body:
        out.append(display(ans.answer) + "\n", style="yellow" if ans.insufficient else "")
    if ans.citations:
        out.append("\n")
        for c in ans.citations:
            out.append(f"[{c.n}] ", style="bold cyan").append(paper_line(c), style="bold")
            if c.support:
                parts += [out, Indented(Text(f'"{display(c.support)}"', style="dim"), 4)]
                out = Text()
            else:
                out.append("\n")
    elif ans.insufficient and ans.sources:
        out.append("\nclosest (none answers it exactly):\n", style="dim")
        for s in ans.sources[:3]:
            out.append(f"  - {paper_line(s)}\n", style="dim")
    return Group(*parts, *([out] if out.plain else []))


class Indented:
    """Text wrapped to the console's width with every line indented (no trailing blanks)."""

    def __init__(self, text, indent: int):
        self.text, self.indent = text, indent

    def __rich_console__(self, console, options):
        from rich.text import Text

        for line in self.text.wrap(console, max(options.max_width - self.indent, 20)):
            line.rstrip()
            yield Text.assemble(" " * self.indent, line)


class Hanging:
    """Text wrapped to the console's width with its first line flush left and the rest indented: a
    long title's second line no longer starts in column 0, under the rank and score of its hit."""

    def __init__(self, text, indent: int):
        self.text, self.indent = text, indent

    def __rich_console__(self, console, options):
        from rich.text import Text

        for i, line in enumerate(self.text.wrap(console, max(options.max_width - self.indent, 20))):
            line.rstrip()
            yield Text.assemble(" " * self.indent, line) if i else line


def print_answer(console, ans: Answer, streamed: str | None = None) -> None:
    """The answer and its citations; after streaming, only what the stream did not already show
    (the checked answer is repeated only when the grounding check changed it)."""
    if streamed is None:
        console.print(answer_text(ans))
        return
    console.file.write("\n")
    if streamed.strip() != ans.answer.strip():
        console.print("after the grounding check:", style="dim", markup=False)
        console.print(display(ans.answer), style="yellow" if ans.insufficient else "", markup=False)
    console.print(answer_text(ans, with_body=False))


def numbered_papers(ans: Answer | None) -> list[Source]:
    """What /papers lists and /show N refers to: the cited papers as [n], then the other sources."""
    if ans is None:
        return []
    cited = {c.id for c in ans.citations}
    return list(ans.citations) + [s for s in ans.sources if s.id not in cited]


def transcript_markdown(turns: list[tuple[str, Answer]], title: str = "papers chat") -> str:
    lines = [f"# {title}", ""]
    for question, ans in turns:
        lines += [f"## {question}", "", display(ans.answer), ""]
        if ans.insufficient:
            missing = f" (not covered: {', '.join(ans.missing)})" if ans.missing else ""
            lines += [f"*(no paper here answers this exactly{missing})*", ""]
        for c in ans.citations:
            lines.append(f"[{c.n}] {paper_line(c)}" + (f"  \n    > {display(c.support)}" if c.support else ""))
        if ans.citations:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
