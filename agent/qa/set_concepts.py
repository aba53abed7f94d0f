"""The subject and qualifiers of a set question that names no table entity ("which papers use
reinforcement learning ...", "list every paper about image or video super-resolution").

A question is read as concept groups: runs of content words (question frame words removed), each run
cut into the longest phrases some paper in the store actually writes ("linear attention",
"point cloud"); words joined by "or", a comma, a slash or parentheses are alternatives of one group
("speech or audio", "visual data (images, dense prediction or human motion)").

- The subject is the group a taxonomy phrase names, else the first group after the frame verb. A
  listed paper must be *about* it (title, or said at least twice in the abstract) unless the
  question only asks that papers use or evaluate it ("use", "report results on"), when one mention
  counts.
- Every other group is a qualifier: a listed paper's title or abstract must say it too. A qualifier
  that no subject paper meets is reported as not covered (`missing`), never silently dropped.
Words match on light stems, and a stem also matches a longer one it starts ("recommend" /
"recommender"), so word forms do not split a set.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from agent.qa.text import STOP, stem, term_set, tokens

# Words that frame a list question or describe its wanted evidence, not its subject.
FRAME = term_set("""report reports reported result results evaluate evaluates evaluated evaluation experiment
experiments experimental run runs measure measured measurement measurements target targets implement implemented
apply applies applied build built design designed paper papers list every all which what any benchmark dataset
model models work works style like based type kind part whose merely tool tools their mechanism mechanisms
approach propose proposes employ employs leverage leverages adopt adopts rely relies exploit exploits""")
# Verbs that ask only for use of the subject, not for papers about it.
_USAGE = re.compile(r"\b(?:use[sd]?|using|appl(?:y|ies|ied)|employ\w*|leverag\w*|adopt\w*|rel(?:y|ies)\s+on|"
                    r"exploit\w*|report\w*|evaluat\w*|measur\w*|run|runs|ran|test\w*|experiment\w*)\b", re.I)
_ABOUT = re.compile(r"\b(?:about|on|propos\w*|design\w*|build\w*|built|introduc\w*|present\w*|develop\w*|"
                    r"focus\w*|stud(?:y|ies)|address\w*|tackl\w*|speed\w*|accelerat\w*|shrink\w*|learn\w*)\b", re.I)
_EXAMPLE = re.compile(r"\w-(?:style|like|based|type|family)$", re.I)
_GENERIC_SHARE = 0.2     # a single word used by more of the store's papers than this is no concept
_RARE_SHARE = 0.02       # a word fewer papers than this use is a term: a qualifier no member meets is missing
_MIN_PREFIX = 6          # stems sharing this long a start (and nearly all of the shorter) are one word


@dataclass
class Group:
    """Alternative phrases (tuples of stems) for one concept, and how the question wrote it."""

    phrases: list[tuple[str, ...]]
    surface: str
    run: int = -1        # the run of question words it came from


@dataclass
class Concepts:
    subject: Group | None
    qualifiers: list[Group] = field(default_factory=list)
    usage: bool = False          # one mention of the subject suffices


# -- the store's words -------------------------------------------------------------------------------
@dataclass
class TermIndex:
    """Stemmed token streams of every paper (title first), for phrase look-ups."""

    docs: dict[str, list[str]]
    title_len: dict[str, int]
    vocab: dict[str, set[str]]     # stem -> paper ids using it

    def variants(self, word: str) -> set[str]:
        if word in self.vocab and len(word) < _MIN_PREFIX:
            return {word}
        return {v for v in self.vocab if v == word or _same_word(v, word)}

    def count(self, phrase: tuple[str, ...], pid: str, title_only: bool = False) -> int:
        toks = self.docs[pid][: self.title_len[pid]] if title_only else self.docs[pid]
        alts = [_variants_cached(self, w) for w in phrase]
        k = len(phrase)
        return sum(1 for i in range(len(toks) - k + 1) if all(toks[i + j] in alts[j] for j in range(k)))

    def papers(self, phrase: tuple[str, ...]) -> set[str]:
        ids: set[str] | None = None
        for w in phrase:
            have = set().union(*(self.vocab[v] for v in _variants_cached(self, w))) if w else set()
            ids = have if ids is None else ids & have
        return {pid for pid in ids or set() if len(phrase) == 1 or self.count(phrase, pid)}


def _same_word(a: str, b: str) -> bool:
    """Stems of one word: a long shared start that leaves at most two letters of the shorter one
    ("register" / "registration", "recommender" / "recommendation")."""
    shorter = min(len(a), len(b))
    if shorter < _MIN_PREFIX:
        return False
    shared = len(os.path.commonprefix([a, b]))
    return shared >= _MIN_PREFIX and shared >= shorter - 2


_VARIANTS: dict[tuple[int, str], set[str]] = {}


def _variants_cached(index: TermIndex, word: str) -> set[str]:
    key = (id(index), word)
    if key not in _VARIANTS:
        _VARIANTS[key] = index.variants(word)
    return _VARIANTS[key]


def stream(text: str) -> list[str]:
    return [stem(t) for t in tokens(text) if t not in STOP]


_INDEXES: dict[tuple, TermIndex] = {}


def _build(papers) -> TermIndex:
    docs, title_len, vocab = {}, {}, {}
    for p in papers:
        head = stream(p.title or "")
        docs[p.id] = head + stream(p.abstract)
        title_len[p.id] = len(head)
        for w in set(docs[p.id]):
            vocab.setdefault(w, set()).add(p.id)
    return TermIndex(docs, title_len, vocab)


def term_index(ctx) -> TermIndex:
    """The store's index, rebuilt when the store changes (its corpus statistics key it)."""
    stats = ctx.stats()
    key = (str(ctx.store.db.path), stats.n_docs, sum(stats.df.values()))
    if key not in _INDEXES:
        _INDEXES.clear()
        _VARIANTS.clear()
        _INDEXES[key] = _build(ctx.store.all())
    return _INDEXES[key]


# -- reading the question ------------------------------------------------------------------------------
def read(question: str, index: TermIndex, taken: list[str] = (), topic_aliases: list[str] = ()) -> Concepts:
    """The question's subject and qualifier groups; `taken` surfaces (entities, year) are skipped."""
    text = question
    for s in taken:
        if s:
            text = re.sub(re.escape(s), " , ", text, flags=re.I)
    groups = _groups(text, index)
    subject = None
    topic_stems = [tuple(stream(a)) for a in topic_aliases]
    for g in groups:
        if any(p in topic_stems for p in g.phrases):
            subject = g
            break
    if subject is None and groups:
        subject = groups[0]
    if subject is not None and subject.run >= 0:   # `missing` names the subject as the question wrote it
        whole = " ".join(g.surface for g in groups if g.run == subject.run)
        subject = Group(subject.phrases, whole if len(subject.phrases) == 1 else subject.surface, subject.run)
        groups = [subject if g.run == subject.run and g.phrases == subject.phrases else g for g in groups]
    rest = _merge_runs([g for g in groups if g is not subject and not set(g.phrases) & set(subject.phrases)])
    return Concepts(subject, rest, usage=asks_use(question))


def _merge_runs(groups: list[Group]) -> list[Group]:
    """Qualifier words written together ("scientific simulation data") are one qualifier: a paper
    meets it with any of them, since no two papers write the whole run."""
    out: list[Group] = []
    for g in groups:
        if out and g.run >= 0 and out[-1].run == g.run:
            out[-1] = Group(out[-1].phrases + g.phrases, f"{out[-1].surface} {g.surface}", g.run)
        else:
            out.append(g)
    return out


def asks_use(question: str) -> bool:
    """Does the question's first verb ask for use ("use", "report results on") rather than aboutness?"""
    use, topic = _USAGE.search(question), _ABOUT.search(question)
    return bool(use) and (topic is None or use.start() < topic.start())


def _groups(text: str, index: TermIndex) -> list[Group]:
    n = max(1, len(index.docs))
    out: list[Group] = []
    run: list[tuple[str, str]] = []          # (stem, surface word)
    state = {"join": False, "paren": 0, "run": 0}

    def flush() -> None:
        if run:
            joined = (state["join"] or state["paren"]) and out
            # An alternative is kept whole ("dense prediction"): split, one of its words would
            # stand for the whole alternative.
            if joined:
                words = [(w, s) for w, s in run if len(index.vocab.get(w, ())) <= _GENERIC_SHARE * n] or run
                parts = [(tuple(w for w, _ in words), " ".join(dict.fromkeys(s for _, s in words)))]
            else:
                parts = _split_run(run, index)
            for i, (phrase, surface) in enumerate(parts):
                if len(phrase) == 1 and len(index.vocab.get(phrase[0], ())) > _GENERIC_SHARE * n:
                    continue
                if joined and i == 0:
                    out[-1].phrases.append(phrase)
                    out[-1].surface += f" / {surface}"
                else:
                    out.append(Group([phrase], surface, state["run"]))
            state["run"] += 1
        run.clear()
        state["join"] = state["paren"] > 0

    for tok in re.findall(r"\(|\)|,|/|;|\?|[A-Za-z0-9][\w.+-]*", text):
        low = tok.lower()
        if low == "(":
            flush()
            state["paren"] += 1
            state["join"] = True
        elif low == ")":
            flush()
            state["paren"] = max(0, state["paren"] - 1)
            state["join"] = False
        elif low in ("or", ",", "/"):
            flush()
            state["join"] = True
        else:
            words = [t for t in tokens(tok) if len(t) > 1 and t not in STOP and stem(t) not in FRAME]
            if not words:
                join = state["join"] and not run     # "or the X": the join waits for X
                flush()
                state["join"] = (join or state["join"]) and low not in ("and", "?", ";")
                continue
            run.extend((stem(t), tok) for t in words)
            if _EXAMPLE.search(tok):      # "Mamba-style X": Mamba is one kind of X, an alternative
                flush()
                state["join"] = True
    flush()
    return out


def _split_run(run: list[tuple[str, str]], index: TermIndex) -> list[tuple[tuple[str, ...], str]]:
    """The run as its longest phrases at least two papers write (one paper's wording is no term)."""
    out = []
    i = 0
    while i < len(run):
        j = len(run)
        while j > i + 1 and len(index.papers(tuple(w for w, _ in run[i:j]))) < 2:
            j -= 1
        surface = " ".join(dict.fromkeys(s for _, s in run[i:j]))
        out.append((tuple(w for w, _ in run[i:j]), surface))
        i = j
    return out


# -- checking papers -----------------------------------------------------------------------------------
def mentions(group: Group, pid: str, index: TermIndex, loose: bool = False) -> tuple[int, int]:
    """(mentions in the whole text, mentions in the title) of any of the group's phrases; `loose`
    also counts a phrase whose words the text uses apart ("LiDAR ... point clouds")."""
    n = sum(index.count(p, pid) for p in group.phrases)
    if not n and loose:
        n = int(any(len(p) > 1 and all(index.count((w,), pid) for w in p) for p in group.phrases))
    return n, sum(index.count(p, pid, title_only=True) for p in group.phrases)


def about(group: Group, pid: str, index: TermIndex, usage: bool, tagged: bool = False) -> bool:
    n, in_title = mentions(group, pid, index)
    return n > 0 and (usage or tagged or in_title > 0 or n >= 2)


def subject_members(concepts: Concepts, index: TermIndex, tagged: set[str] = frozenset()) -> set[str]:
    g = concepts.subject
    if g is None:
        return set()
    found = set().union(*(index.papers(p) for p in g.phrases)) | set(tagged)
    return {pid for pid in found if pid in index.docs and
            (pid in tagged or about(g, pid, index, concepts.usage))}


def qualified(ids: set[str], qualifiers: list[Group], index: TermIndex) -> tuple[set[str], list[Group], list[Group]]:
    """Members meeting the qualifier groups, the groups that leave none (the answer's `missing`), and
    the groups ignored.

    A term (a phrase, or a word few papers use) that no member uses is not covered: the answer says
    so rather than list the subject's papers. A common word no member uses ("captured") describes,
    it does not constrain, and is ignored. The rest must all be met; when no member meets them all,
    the most common is ignored first (the question chose it freely), then the next."""
    n = max(1, len(index.docs))
    met = [{pid for pid in ids if mentions(g, pid, index, loose=True)[0] > 0} for g in qualifiers]
    missing = [g for g, m in zip(qualifiers, met) if not m and _is_term(g, index, n)]
    if missing:
        return set(), missing, []
    ignored = [g for g, m in zip(qualifiers, met) if not m]
    active = sorted(((g, m) for g, m in zip(qualifiers, met) if m),
                    key=lambda gm: -max(len(index.papers(p)) for p in gm[0].phrases))
    while active:
        keep = set(ids).intersection(*(m for _, m in active))
        if keep:
            return keep, [], ignored
        ignored.append(active.pop(0)[0])
    return set(ids), [], ignored


def _is_term(g: Group, index: TermIndex, n: int) -> bool:
    return any(len(p) > 1 or len(index.papers(p)) < max(3, _RARE_SHARE * n) for p in g.phrases)
