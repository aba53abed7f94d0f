"""Reading the evaluation data: claim fixtures, QA questions, the SciTLDR sample, the seed pages.

Fixtures are hand-labelled (evals/fixtures/README.md); nothing here writes them. Every reader
raises `InputFileError` with the file and line when the data cannot be used, so a broken fixture
stops `papers eval` with a pointed message instead of a skewed score.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from core.errors import InputFileError


class EvalInputError(InputFileError):
    """Evaluation data (fixtures, predictions, thresholds, a previous run) that cannot be used."""

    hint = "see evals/fixtures/README.md for the fixture formats and `papers eval --help` for the options"


EVALS_DIR = Path(__file__).resolve().parent
REPO_ROOT = EVALS_DIR.parent
DEFAULT_FIXTURES = EVALS_DIR / "fixtures"
DEFAULT_SEEDS = REPO_ROOT / "seeds"
# The SciTLDR sample is shared data, kept next to the repository (../shared/data/ from the root).
DEFAULT_SCITLDR = REPO_ROOT.parent / "shared" / "data" / "scitldr_dev.jsonl"
SCITLDR_ENV = "PAPERS_SCITLDR"
LABELLING = EVALS_DIR / "LABELLING.md"

ABSTRACT_MIN_CHARS = 160          # LABELLING §0: an abstract is a line longer than this
_ARXIV_PREFIX = re.compile(r"^arXiv:\d{4}\.\d{4,5}(?:v\d+)?")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Objects of a JSON Lines file; any unreadable line is an error naming file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EvalInputError(f"{path}: file not found", hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"{path}: cannot read ({exc})", hint="give a UTF-8 JSON Lines file") from None
    rows = []
    for no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalInputError(f"{path}:{no}: not valid JSON ({exc.msg})", hint="one JSON object per line") from None
        if not isinstance(obj, dict):
            raise EvalInputError(f"{path}:{no}: expected a JSON object", hint="one JSON object per line")
        rows.append(obj)
    return rows


def claim_files(fixtures_dir: Path | None = None) -> list[Path]:
    folder = Path(fixtures_dir or DEFAULT_FIXTURES) / "claims"
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise EvalInputError(f"no claim fixtures (*.jsonl) under {folder}",
                             hint="pass --fixtures DIR with a claims/ folder (see evals/fixtures/README.md)")
    return files


def load_claims(fixtures_dir: Path | None = None) -> list[dict[str, Any]]:
    """All hand-labelled claim records, in file order; ids must be unique."""
    records, seen = [], {}
    for path in claim_files(fixtures_dir):
        for rec in read_jsonl(path):
            rid = rec.get("id")
            if not isinstance(rid, str) or not isinstance(rec.get("abstract"), str):
                raise EvalInputError(f"{path}: a record has no string id/abstract ({rid!r})")
            if rid in seen:
                raise EvalInputError(f"{path}: duplicate fixture id {rid!r} (also in {seen[rid]})")
            seen[rid] = path.name
            records.append(rec)
    return records


def claim_sources(fixtures_dir: Path | None = None) -> dict[str, str]:
    """Fixture id -> the stem of the file it is labelled in (e.g. a blind, held-out file)."""
    return {rec["id"]: path.stem for path in claim_files(fixtures_dir) for rec in read_jsonl(path) if "id" in rec}


# Fixture groups (issue 13): seed-page fixtures are in-sample regression guards; `dev_ext_*` files are
# abstracts from outside the seeds that the rules are developed on; `blind_ext_*` files are labelled
# before any code change and scored once. Ext records carry an `arXiv:<id>` id and a side-file source.
FIXTURE_GROUPS = ("in_sample", "dev_ext", "blind_ext")


def fixture_group(file_stem: str) -> str:
    """The group of a claims fixture file (by its stem)."""
    for group in ("dev_ext", "blind_ext"):
        if file_stem.startswith(group + "_"):
            return group
    return "in_sample"


def ext_sources(fixtures_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """`arXiv:<id>` -> its source row from the ext side files that exist (`sources_*.tsv` with a
    header line, or `sources_*.jsonl`); `row["source"]` is the URL or repo+path."""
    folder = Path(fixtures_dir or DEFAULT_FIXTURES) / "claims"
    rows: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("sources_*")):
        if path.suffix == ".jsonl":
            found = [{k: str(v) for k, v in r.items()} for r in read_jsonl(path)]
        elif path.suffix == ".tsv":
            lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
            header = lines[0].split("\t") if lines else []
            found = [dict(zip(header, ln.split("\t"))) for ln in lines[1:]]
        else:
            continue
        for row in found:
            row.setdefault("source", row.get("url") or " ".join(filter(None, (row.get("repo"), row.get("path")))))
            if row.get("id"):
                rows[row["id"]] = row
    return rows


def load_qa(fixtures_dir: Path | None = None) -> list[dict[str, Any]]:
    path = Path(fixtures_dir or DEFAULT_FIXTURES) / "qa.jsonl"
    if not path.is_file():
        raise EvalInputError(f"no QA questions at {path}", hint="pass --fixtures DIR containing qa.jsonl")
    return read_jsonl(path)


def load_qa_sets(fixtures_dir: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Question files by role: in_sample (qa.jsonl, required), dev (qa_dev.jsonl), blind
    (qa_blind.jsonl), blind2 (qa_blind2.jsonl), blind3 (qa_blind3.jsonl), blind4 (qa_blind4.jsonl)."""
    from evals.qa_suite import QA_FILES

    base = Path(fixtures_dir or DEFAULT_FIXTURES)
    sets = {"in_sample": load_qa(fixtures_dir)}
    for file, role in QA_FILES[1:]:
        if (base / file).is_file():
            sets[role] = read_jsonl(base / file)
    return sets


def scitldr_path(override: Path | str | None = None) -> Path:
    """--tldr-data, else $PAPERS_SCITLDR, else ../shared/data/scitldr_dev.jsonl next to the repo."""
    return Path(override or os.environ.get(SCITLDR_ENV) or DEFAULT_SCITLDR).expanduser()


def load_scitldr(path: Path | str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """SciTLDR-A records (paper_id, title, source sentences, target TLDRs); see SCITLDR.md."""
    where = scitldr_path(path)
    if not where.is_file():
        raise EvalInputError(f"SciTLDR data not found at {where}",
                             hint=f"put scitldr_dev.jsonl there, or pass --tldr-data FILE (or set {SCITLDR_ENV})")
    rows = read_jsonl(where)
    for no, row in enumerate(rows, start=1):
        if not row.get("source") or not row.get("target"):
            raise EvalInputError(f"{where}: record {no} has no source sentences or no targets")
    return rows[:limit] if limit else rows


def scitldr_abstract(record: dict[str, Any]) -> str:
    """The model input of the authors' preprocessing: stripped sentences joined by single spaces."""
    return " ".join(s.strip() for s in record["source"] if s.strip())


def seed_abstracts(seeds_dir: Path | None = None) -> dict[str, str]:
    """`file#i` -> abstract text, by the segmentation rule of LABELLING §0."""
    out: dict[str, str] = {}
    for path in sorted(Path(seeds_dir or DEFAULT_SEEDS).glob("*.txt")):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if len(ln) > ABSTRACT_MIN_CHARS]
        for i, line in enumerate(lines):
            if path.name.startswith("001_"):
                line = _ARXIV_PREFIX.sub("", line)
            out[f"{path.name}#{i}"] = line
    return out


def taxonomy_tags(labelling: Path | None = None) -> tuple[str, ...]:
    """The topic tags of LABELLING §4, read from its table (the contract is the source of truth)."""
    text = Path(labelling or LABELLING).read_text(encoding="utf-8")
    section = text.split("## 4.", 1)[1].split("## 5.", 1)[0]
    tags = (m.group(1) for m in re.finditer(r"^\| ([a-z0-9][a-z0-9-]*) \|", section, re.M))
    return tuple(t for t in tags if t != "tag")  # skip the header row
