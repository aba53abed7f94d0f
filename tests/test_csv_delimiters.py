"""CSV exports from spreadsheets use the locale's separator: ";" (where "," is the decimal comma),
tabs or pipes. The header line says which; before, a ";" file was refused with "no abstract column
(found: id;title;abstract) … rename the column", which is not the problem."""

from __future__ import annotations

import pytest

from store.sources import read_source

ABSTRACT = ("We accelerate graph neural network training by 3,5x on four A100 GPUs using a new partitioning "
            "scheme for large graphs, with no accuracy loss on ogbn-products.")


@pytest.mark.parametrize("sep, name", [(";", "semi.csv"), ("\t", "tabs.tsv"), ("|", "pipes.txt"), (";", "semi.txt"),
                                       (",", "comma.csv")])
def test_the_header_line_names_the_separator(tmp_path, sep, name):
    quoted = f'"{ABSTRACT}"'
    path = tmp_path / name
    path.write_bytes(("\ufeff" + sep.join(["id", "title", "abstract"]) + "\r\n"
                      + sep.join(["x1", "\"Semi; Colon | Paper\"", quoted]) + "\r\n").encode("utf-8"))
    result = read_source(path, max_bytes=10**6)
    assert result.format == "csv" and not result.issues
    [paper] = result.papers
    assert (paper.id, paper.title, paper.abstract) == ("x1", "Semi; Colon | Paper", ABSTRACT)


def test_semicolon_csv_ingests_from_the_cli(cli, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(f'id;title;abstract\nx1;Semi Colon Paper;"{ABSTRACT}"\n', encoding="utf-8")
    result = cli("ingest", "--no-index", str(path))
    assert result.exit_code == 0, result.stderr
    assert "error:" not in result.stderr and "(csv, 1 paper" in result.stdout + result.stderr
