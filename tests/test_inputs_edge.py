"""Structured inputs that used to be silently wrong: bare years, wrong JSON shape, no abstract
column, UTF-16 spreadsheets."""

from __future__ import annotations

import pytest

from core.errors import InputFileError
from store.sources import read_source

ABSTRACT = ("We present a sparse attention kernel for long-context inference that keeps accuracy while "
            "cutting decoding latency on commodity accelerators across several production workloads.")
MB = 50_000_000


def test_bare_year_in_csv_and_json_is_the_papers_year(tmp_path):
    (tmp_path / "y.csv").write_text(f'title,abstract,year\nA,"{ABSTRACT}",2023\n', encoding="utf-8")
    (tmp_path / "y.json").write_text(f'[{{"title": "B", "abstract": "{ABSTRACT}", "year": 2021}}]', encoding="utf-8")
    (tmp_path / "y.jsonl").write_text(f'{{"title": "C", "abstract": "{ABSTRACT}", "date": "2019"}}\n',
                                      encoding="utf-8")
    years = [read_source(tmp_path / n, max_bytes=MB).papers[0].year for n in ("y.csv", "y.json", "y.jsonl")]
    assert years == [2023, 2021, 2019]


def test_json_object_without_papers_is_an_error_naming_its_fields(tmp_path):
    (tmp_path / "foo.json").write_text('{"foo": 1}', encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        read_source(tmp_path / "foo.json", max_bytes=MB)
    assert "foo.json: no abstract field (found: foo)" in err.value.message


def test_csv_without_abstract_column_fails_the_ingest(tmp_path, cli):
    (tmp_path / "cols.csv").write_text("title,summary_of_results\nA,B\n", encoding="utf-8")
    result = cli("ingest", "--no-index", str(tmp_path / "cols.csv"))
    assert result.exit_code != 0
    assert "error: cols.csv: no abstract column (found: summary_of_results, title)" in result.stderr
    assert "hint:" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_csv_is_read(tmp_path, encoding):
    path = tmp_path / "excel.csv"
    path.write_bytes(f'title,abstract\nÜber Kernels,"{ABSTRACT}"\n'.encode(encoding))
    result = read_source(path, max_bytes=MB)
    assert [p.title for p in result.papers] == ["Über Kernels"]


def test_extract_input_reads_what_ingest_reads(tmp_path, cli):
    (tmp_path / "noid.jsonl").write_text(
        f'{{"title": "Kernels", "abstract": "{ABSTRACT}"}}\n{{"title": "bad", "abstract": 7}}\n', encoding="utf-8")
    (tmp_path / "rows.csv").write_text(f'title,abstract,arxiv_id\nK,"{ABSTRACT} Twice.",2401.00001\n',
                                       encoding="utf-8")
    for name in ("noid.jsonl", "rows.csv"):
        result = cli("extract", "--input", str(tmp_path / name), "--no-embeddings", "--no-store")
        assert result.exit_code == 0, result.output
        assert "extracted 1," in result.stderr and "Error" not in result.stderr
    assert "warning: noid.jsonl:2: abstract: expected text, got a number; record skipped" in \
        cli("extract", "--input", str(tmp_path / "noid.jsonl"), "--no-embeddings", "--no-store").stderr


def test_extract_with_nothing_usable_fails_with_one_clean_line(tmp_path, cli):
    (tmp_path / "junk.jsonl").write_text('{"id": 1, "title": "no abstract"}\n[1]\n', encoding="utf-8")
    result = cli("extract", "--input", str(tmp_path / "junk.jsonl"), "--no-embeddings", "--no-store")
    assert result.exit_code != 0
    assert result.stderr.startswith("error: junk.jsonl:")
    assert "KeyError" not in result.stderr and "TypeError" not in result.stderr
    neither = cli("extract", "--no-embeddings")
    assert neither.exit_code == 2 and "hint: `papers extract --all`" in neither.stderr
