"""Stored document frequencies (store/term_stats.py) equal a pass over every paper after each kind of
change (papers added, a file removed, a paper's text changed, a new tokenizer), and a call counts
only the papers not counted yet. agent/corpus_stats.py gives exactly `CorpusStats.build`'s figures.
No timings here: `python -m bench.corpus_stats` prints them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from agent.corpus import ingest
from store.term_stats import PROBE, document_frequencies, paper_text

from conftest import SEEDS


class Analyzer:
    """Lower-case words; remembers which texts it was asked about (the probe aside)."""

    def __init__(self, suffix: str = ""):
        self.texts: list[str] = []
        self.suffix = suffix

    def __call__(self, text: str) -> list[str]:
        if text != PROBE:
            self.texts.append(text)
        return [w.lower().strip(".,;:()") + self.suffix for w in text.split()]


def brute_force(store, analyze) -> tuple[int, Counter]:
    papers = store.all()
    df: Counter = Counter()
    for p in papers:
        df.update(set(analyze(paper_text(p.title, p.abstract))))
    return len(papers), df


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS = [{"title": f"System {i} for caching", "abstract": f"We present system number {i}, which caches "
         f"{'keys' if i % 2 else 'values'} for model serving and cuts latency in half on every workload."}
        for i in range(6)]


@pytest.fixture
def seeded(settings, store):
    ingest([SEEDS / "000_8528321f52109f11.txt"], settings, index=False)
    return store


def test_counts_match_a_pass_over_every_paper_through_every_change(seeded, settings, tmp_path):
    store, analyze = seeded, Analyzer()
    assert document_frequencies(store, analyze, "t") == brute_force(store, Analyzer())
    extra = write_jsonl(tmp_path / "extra.jsonl", ROWS)
    ingest([extra], settings, index=False)
    analyze.texts.clear()
    assert document_frequencies(store, analyze, "t") == brute_force(store, Analyzer())
    assert len(analyze.texts) == len(ROWS)                       # only the new papers were analyzed
    changed = [dict(r) for r in ROWS]
    changed[0]["abstract"] += " It also compresses activations."
    write_jsonl(extra, changed[:4])                              # one paper changed, two gone
    ingest([extra], settings, index=False)
    analyze.texts.clear()
    assert document_frequencies(store, analyze, "t") == brute_force(store, Analyzer())
    assert len(analyze.texts) == 1                               # only the changed paper
    from store.ingest import remove_source

    remove_source(store, str(extra))
    n, counts = document_frequencies(store, analyze, "t")
    assert (n, counts) == brute_force(store, Analyzer()) and all(v > 0 for v in counts.values())


def test_an_up_to_date_call_analyzes_nothing(seeded):
    analyze = Analyzer()
    first = document_frequencies(seeded, analyze, "t")
    analyze.texts.clear()
    assert document_frequencies(seeded, analyze, "t") == first and analyze.texts == []


def test_a_changed_tokenizer_starts_over_and_names_keep_counts_apart(seeded):
    plain, suffixed = Analyzer(), Analyzer("#")
    n, counts = document_frequencies(seeded, plain, "t")
    n2, counts2 = document_frequencies(seeded, suffixed, "t")       # same name, other terms: recounted
    assert n2 == n and all(t.endswith("#") for t in counts2) and len(suffixed.texts) == n
    assert document_frequencies(seeded, plain, "other") == (n, counts)


def test_an_empty_store_has_no_counts(store):
    assert document_frequencies(store, Analyzer(), "t") == (0, Counter())


def test_corpus_stats_are_exactly_what_build_gives(settings, store, tmp_path):
    from agent.corpus_stats import corpus_stats
    from agent.qa.text import CorpusStats

    ingest([SEEDS], settings, index=False)
    for step in range(2):
        expected = CorpusStats.build([f"{p.title or ''} {p.abstract}" for p in store.all()])
        got = corpus_stats(store)
        assert got == expected            # every field of the dataclass, whatever fields it gains
        assert got.acronym_df and got.vocab
        assert got.idf("cache") == expected.idf("cache")
        ingest([write_jsonl(tmp_path / "extra.jsonl", ROWS)], settings, index=False)


def test_counts_lost_with_their_tables_are_rebuilt_even_if_meta_survived(seeded):
    """A salvaged store keeps `meta` but not the count tables (nor the triggers)."""
    analyze = Analyzer()
    expected = document_frequencies(seeded, analyze, "t")
    with seeded.db.write() as conn:
        for name in ("papers_changes_insert", "papers_changes_delete", "papers_changes_update"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DROP TABLE term_df")
        conn.execute("DROP TABLE term_df_papers")
    assert document_frequencies(seeded, analyze, "t") == expected


def test_a_paper_written_behind_the_counts_back_is_noticed(seeded):
    """Any write to a paper's text bumps meta.papers_changes (triggers), so the next call looks."""
    analyze = Analyzer()
    document_frequencies(seeded, analyze, "t")
    pid = seeded.ids()[0]
    with seeded.db.write() as conn:
        conn.execute("UPDATE papers SET abstract = 'Completely new words here', content_hash = 'x', "
                     "data = json_set(data, '$.abstract', 'Completely new words here') WHERE id = ?", (pid,))
    analyze.texts.clear()
    assert document_frequencies(seeded, analyze, "t") == brute_force(seeded, Analyzer())
    assert len(analyze.texts) == 1 and analyze.texts[0].endswith("Completely new words here")
