"""`answer_display` and the terminal show abstract LaTeX as text: the seed corpus writes ranges as
`$2.9\\times \\sim 12.5\\times$` and names as `$\\mathsf{Nimbus}$` (seen verbatim in `papers ask`)."""

from __future__ import annotations

from agent.qa.text import display


def test_ranges_font_commands_and_bare_macros_are_rendered():
    assert display(r"achieves $2.9\times \sim 12.5\times$ performance improvements") == \
        "achieves 2.9× ~ 12.5× performance improvements"
    assert display(r"$\mathsf{Nimbus}$ improves \bert{} inference") == "Nimbus improves bert inference"
    assert display(r"\textit{FedPF} uses shift\&add") == "FedPF uses shift&add"
    assert display(r"error $\leq 1\%$, $\pm 0.5$, $\approx 3\times$") == "error ≤ 1%, ±0.5, ≈ 3×"


def test_what_was_rendered_before_is_unchanged_and_unknown_commands_stay():
    assert display("It is 2.8$\\times$ faster and saves 40\\% [1].") == "It is 2.8× faster and saves 40% [1]."
    assert display(r"$A^3$ and $10^4\times$") == "A^3 and 10^4×"
    assert display(r"\left( x \right) and \leftarrow") == r"\left( x \right) and \leftarrow"


def test_answer_display_of_a_range_answer():
    from agent.qa.types import Answer

    answer = r"Nimbus achieves $2.9\times \sim 12.5\times$ performance improvements [1]."
    data = Answer(question="q", answer=answer).to_json()
    assert data["answer"] == answer and data["answer_display"] == "Nimbus achieves 2.9× ~ 12.5× performance improvements [1]."


def test_a_times_that_lost_its_backslash_is_a_multiplication_sign():
    """Seed pages carry "Vim is 2.8times faster … 1248times1248" (the scrape dropped `\\`)."""
    assert display("Vim is 2.8times faster at 1248times1248") == "Vim is 2.8× faster at 1248×1248"
    assert display("three times faster, 2 times more, sometimes") == "three times faster, 2 times more, sometimes"


def test_a_wrapped_citation_quote_keeps_its_indent_and_has_no_trailing_blanks():
    import io

    from rich.console import Console

    from agent.qa.render import answer_text
    from agent.qa.types import Answer, Citation

    quote = ("Experiment results on the real-world KITTI dataset demonstrate that MonoATT can effectively "
             "improve the Mono3D accuracy for both near and far objects and guarantee low latency.")
    cite = Citation(id="2303.13018", title="MonoATT", arxiv_id="2303.13018", year=2023, abstract=quote, score=1.0,
                    n=1, support=quote)
    buf = io.StringIO()
    Console(file=buf, width=60, color_system=None).print(answer_text(Answer(question="q", answer="A [1].",
                                                                            citations=[cite])))
    lines = buf.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("[1] MonoATT"))
    quoted = lines[start + 1:]
    assert len(quoted) >= 3 and all(line.startswith("    ") and line == line.rstrip() for line in quoted), lines
    assert " ".join(line.strip() for line in quoted) == f'"{quote}"'


def test_claims_read_as_a_reader_says_them():
    """`papers claims` / `show` / `demo`: an energy claim that goes up is an efficiency gain (LABELLING:
    "2.5x energy efficiency improvement" -> energy/increase), and speedup/faster is said once."""
    from agent.cli.render import claim_phrase, extraction_text
    from core.models import Extraction

    assert claim_phrase("energy", "increase") == "energy efficiency increase"
    assert claim_phrase("speedup", "faster") == "faster"
    assert claim_phrase("search cost", "faster", "up_to") == "faster (search cost, up to)"
    assert claim_phrase("memory", "reduction", "average") == "memory reduction (average)"
    ext = Extraction.from_json({"id": "p1", "engine": "local", "speedups": [
        {"value": 2.8, "unit": "x", "metric": "speedup", "direction": "faster", "baseline": "accelerators",
         "qualifier": None, "evidence": "2.8x speedup"},
        {"value": 2.5, "unit": "x", "metric": "energy", "direction": "increase", "baseline": "accelerators",
         "qualifier": None, "evidence": "2.5x energy efficiency improvement"}]})
    text = extraction_text(ext).plain
    assert "2.8x faster vs accelerators" in text and "2.5x energy efficiency increase vs accelerators" in text
    assert "energy increase" not in text and "speedup faster" not in text


def test_search_passages_wrap_with_their_indent_and_keep_highlights():
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from agent.cli.search import _hits_text

    passage = ("Large Language Models are increasingly being deployed in datacenters. Serving these models "
               "requires careful memory management of key-value caches and activations.")
    paper = SimpleNamespace(year=None, title="eLLM: Elastic Memory Management", id="pfa483e054c")
    buf = io.StringIO()
    Console(file=buf, width=60, color_system="truecolor", force_terminal=True).print(
        _hits_text([SimpleNamespace(paper=paper, score=0.0328, relevance=1.0, passage=passage)], "memory management"))
    plain = __import__("re").sub(r"\x1b\[[0-9;]*m", "", buf.getvalue()).splitlines()
    assert plain[0].startswith(" 1. 1.00 [----] eLLM")      # relevance 0..1, as `ask` shows scores
    head_end = next(i for i, line in enumerate(plain) if line.rstrip().endswith("pfa483e054c"))
    body = [line for line in plain[head_end + 1:] if line]
    assert len(body) >= 3 and all(line.startswith("    ") and line == line.rstrip() for line in body), plain
    assert " ".join(line.strip() for line in body) == passage
    assert "\x1b[1;33mmemory" in buf.getvalue()      # the query's words are still highlighted
