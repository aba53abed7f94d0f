"""A tiny invented corpus for set-question tests: a paper record and the rule path's list for a question."""

from __future__ import annotations

from dataclasses import dataclass

from agent.qa import set_concepts as sc


@dataclass
class P:
    id: str
    title: str
    abstract: str


def members(question: str, index) -> set[str]:
    """The papers the set reader lists for `question` (subject members kept by the qualifiers)."""
    concepts = sc.read(question, index)
    found = sc.subject_members(concepts, index)
    keep, _, _ = sc.qualified(found, concepts.qualifiers, index, concepts.subject)
    return keep


def entity_members(question: str, papers: list[P]) -> set[str]:
    """The papers meeting the question's named entities at the level it asks (product, family, kind,
    vendor; model family or variant; dataset), each "A or B" group any-of, as the set route filters."""
    from agent.qa.constraints import meets, paper_facts
    from agent.qa.sets import _groups, entity_constraints

    groups = _groups(entity_constraints(question), question)
    assert groups, f"no entity read from {question!r}"
    facts = {p.id: paper_facts(p.title, p.abstract) for p in papers}
    return {pid for pid, f in facts.items() if all(any(meets(c, f) for c in g) for g in groups)}


def build_extracted_corpus(root, papers) -> "Path":
    """Ingest (title, date, category, abstract) rows under `root` and extract them with the local engine
    (keyword topics): the home of a small store for end-to-end `ask` tests. Returns that home."""
    import json

    from agent.corpus import ingest
    from agent.engines.local.engine import LocalEngine
    from agent.extract import extract_batch
    from core.settings import Settings
    from store.index import close_all

    src = root / "src"
    src.mkdir()
    rows = [{"title": t, "date": d, "category": c, "abstract": a} for t, d, c, a in papers]
    (src / "papers.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    settings = Settings(home=root / "home", seeds_dir=src)
    ingest([src], settings)
    extract_batch(LocalEngine(use_embeddings=False), input_path=None, use_all=True, output=None, settings=settings)
    close_all()
    import gc

    gc.collect()    # close cycle-held SQLite connections now, not mid-copy in a test (their WAL would vanish)
    return root / "home"


def store_env(corpus_home, papers_home):
    """(settings, store) over a fresh copy of a built corpus home; close with store.index.close_all()."""
    import shutil

    from agent.corpus import open_store
    from core.settings import Settings

    shutil.copytree(corpus_home, papers_home, dirs_exist_ok=True)
    settings = Settings(home=papers_home)
    return settings, open_store(settings)
