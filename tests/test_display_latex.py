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
