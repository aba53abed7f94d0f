"""Why a filtered listing came back empty: no extraction yet, or a value nobody extracted.

An empty answer to `papers list --topic kvcache` is only honest when it says whether that means
"no such papers" or "this filter cannot match anything in this store".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from store.papers import PaperFilter, PaperStore, topic_forms

CLAIM_FILTERS = {"dataset": "--dataset", "hardware": "--hardware", "hardware_class": "--hardware-class",
                 "topic": "--topic", "min_speedup": "--min-speedup", "metric": "--metric"}
KNOWN_VALUES = {  # filter -> SQL listing the values it can match
    "dataset": "SELECT DISTINCT name FROM claim_datasets",
    "hardware": "SELECT DISTINCT name FROM claim_hardware",
    "hardware_class": "SELECT DISTINCT class FROM claim_hardware",
    "topic": "SELECT DISTINCT tag FROM claim_topics",
    "category": "SELECT DISTINCT category FROM papers WHERE category IS NOT NULL",
}


@dataclass
class EmptyReason:
    message: str
    hint: str = ""


METADATA_FILTERS = {"year": "--year", "category": "--category", "source": "--source", "grep": "--grep"}


def why_empty(store: PaperStore, flt: PaperFilter) -> list[EmptyReason]:
    """Why a filtered listing came back empty, at least one reason: nothing extracted yet, a value
    nobody extracted, or else the filters that together match no paper."""
    if not store.count():     # before any filter's reason: nothing was ingested here at all
        return [_no_papers(store)]
    reasons = _claim_reasons(store, flt)
    if reasons:
        return reasons
    given = {flag: getattr(flt, name) for name, flag in {**METADATA_FILTERS, **CLAIM_FILTERS}.items()
             if getattr(flt, name) not in (None, "")}
    if not given:
        return []
    described = " ".join(f"{flag} {value!r}" if isinstance(value, str) else f"{flag} {value:g}"
                         for flag, value in given.items())
    if (flt.hardware or flt.hardware_class) and (named := store.ids(replace(flt, hardware_use=False), ordered=False)):
        return [EmptyReason(f"no paper matches {described}: {len(named)} name that hardware only as a comparison "
                            "baseline or in background, which does not count as using it",
                            "`papers ask \"which papers compare against …\"` lists the papers compared with it")]
    hint = _year_range(store) if "--year" in given else ""
    return [EmptyReason(f"no paper matches {described}", hint or "loosen or drop a filter; `papers stats` "
                        "shows the years, categories and sources in the store")]


def _no_papers(store: PaperStore) -> EmptyReason:
    """The words every command uses for an empty home, with the home it looked in (a PAPERS_HOME
    pointing elsewhere is the usual cause)."""
    from core.errors import EmptyStoreError

    empty = EmptyStoreError(store.db.path.parent)
    return EmptyReason(empty.message.removeprefix("the store: "), empty.hint)


def why_search_empty(store: PaperStore, flt: PaperFilter, mode: str) -> list[EmptyReason]:
    """Why a search found nothing: its filters match no paper, or no allowed paper matches the query."""
    if not store.ids(flt, ordered=False):
        return why_empty(store, flt)
    if mode == "bm25":
        return [EmptyReason("no paper contains a word of the query (BM25 matches words only)",
                            "search without --mode bm25: hybrid search also matches by meaning")]
    return [EmptyReason("no paper the filters allow matches the query", "try other words or loosen a filter")]


def _year_range(store: PaperStore) -> str:
    low, high, undated = store.db.query("SELECT min(year), max(year), sum(year IS NULL) FROM papers")[0]
    if low is None:
        return "no paper in the store has a known year"
    return f"the store's papers are from {low}-{high}" + (f" ({undated} without a known year)" if undated else "")


def _claim_reasons(store: PaperStore, flt: PaperFilter) -> list[EmptyReason]:
    used = [name for name in CLAIM_FILTERS if getattr(flt, name) not in (None, "")]
    if used and not store.db.query("SELECT count(*) FROM extractions")[0][0]:
        flags = ", ".join(CLAIM_FILTERS[n] for n in used)
        return [EmptyReason(f"no paper has been extracted yet, so {flags} cannot match anything",
                            "run `papers extract --all` first")]
    reasons = []
    for name, sql in KNOWN_VALUES.items():
        value = getattr(flt, name)
        if value:
            known = [r[0] for r in store.db.query(sql)]
            reason = _unknown_value(name, value, known, substring=name == "hardware")
            if reason:
                reasons.append(reason)
    if flt.min_speedup is not None:
        top = store.db.query("SELECT max(value) FROM claim_speedups WHERE unit = 'x'")[0][0]
        if top is not None and top < flt.min_speedup:
            reasons.append(EmptyReason(f"the largest extracted speedup is {top:g}x",
                                       f"try --min-speedup {top:g} or lower"))
    return reasons


def _unknown_value(name: str, value: str, known: list[str], *, substring: bool) -> EmptyReason | None:
    if name == "category":
        value = value.split(".")[-1]
    exact = value.strip().lower()  # what the SQL filter compares (case-insensitively)
    forms = topic_forms(value) if name in ("topic", "hardware_class") else [exact]
    if any((exact in k.lower()) if substring else k.lower() in forms for k in known):
        return None
    wanted = _norm(value)
    flag = CLAIM_FILTERS.get(name, f"--{name}")
    if not known:
        return EmptyReason(f"no {name.replace('_', ' ')} has been extracted from any paper", "")
    by_norm = {_norm(k): k for k in known}
    close = [_norm(k) for k in acronym_matches(value, known)]
    close += [n for n in difflib.get_close_matches(wanted, list(by_norm), n=4, cutoff=0.5) if n not in close]
    close += [n for n in by_norm if n not in close and (wanted in n or n in wanted)][: 4 - len(close)]
    names = [by_norm[n] for n in close] or sorted(known)[:6]
    label = "closest known values" if close else "known values include"
    return EmptyReason(f"no paper has {flag} {value!r}", f"{label}: {', '.join(names)}")


def acronym_matches(value: str, known: list[str]) -> list[str]:
    """Known values that are the acronym of the words given ("Graph neural networks" -> gnn) or whose
    words the given acronym abbreviates (moe -> "mixture-of-experts"): spelling similarity misses both."""
    def initials(text: str) -> str:
        return "".join(w[0] for w in re.findall(r"[a-z0-9]+", text.lower()))

    def bare(text: str) -> str:
        return _norm(text).removesuffix("s")

    out = []
    for k in known:
        words_k, words_v = re.findall(r"[a-z0-9]+", k.lower()), re.findall(r"[a-z0-9]+", value.lower())
        # a trailing generic word ("Mixture of Experts models") lengthens the initials: a prefix counts
        if (len(words_v) > 1 and len(words_k) == 1 and len(bare(k)) > 1 and initials(value).startswith(bare(k))) or \
                (len(words_k) > 1 and len(words_v) == 1 and bare(value) == initials(k)):
            out.append(k)
    return out


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())
