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
Words match on light stems and word forms (agent/qa/term_index.py). A qualifier counts where the
paper says it of the subject (same or next sentence, or the title); an exclusion clause ("excluding
X", "not papers that merely use X") filters papers out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.qa.constraint_words import framing, score_groups
from agent.qa.term_index import TermIndex, stream, term_index  # noqa: F401 (term_index: the API sets.py uses)
from agent.qa.set_words import (FRAME, add_acronyms, add_spellings, main_verb, without_frame_verb,  # noqa: F401
                                without_main_verb)
from agent.qa.text import MANNER, STOP, stem, term_set, tokens, without_free_words

# Words that frame a list question or describe its wanted evidence, not its subject.
# Verbs that ask only for use of the subject, not for papers about it.
_USAGE = re.compile(r"\b(?:use[sd]?|using|appl(?:y|ies|ied)|employ\w*|leverag\w*|adopt\w*|rel(?:y|ies)\s+on|"
                    r"exploit\w*|report\w*|evaluat\w*|measur\w*|run|runs|ran|test\w*|experiment\w*|"
                    r"giv(?:e|es|ing)|provid\w*|quot\w*|stat(?:e|es|ing)|work(?:s|ing)?\s+with)\b", re.I)
_ABOUT = re.compile(r"\b(?:about|on|propos\w*|design\w*|build\w*|built|introduc\w*|present\w*|develop\w*|"
                    r"focus\w*|stud(?:y|ies)|address\w*|tackl\w*|speed\w*|accelerat\w*|shrink\w*|learn\w*)\b", re.I)
_EXAMPLE = re.compile(r"\w-(?:style|like|based|type|family)$", re.I)
_GENERIC_SHARE = 0.2     # a single word used by more of the store's papers than this is no concept
_RARE_SHARE = 0.02       # a word fewer papers than this use is a term: a qualifier no member meets is missing


@dataclass
class Group:
    """Alternative phrases (tuples of stems) for one concept, and how the question wrote it."""

    phrases: list[tuple[str, ...]]
    surface: str
    run: int = -1        # the run of question words it came from
    spelled: bool = False    # alternatives the question wrote out ("A, B or C")
    generic: bool = False    # one alternative is a word most papers use: the group filters nothing
    family: bool = False     # the question wrote it as a speed-up word ("speed up"): any of them counts
    must: float = 1.0        # probability it must hold in every listed paper (agent/qa/constraint_words.py)


@dataclass
class Concepts:
    subject: Group | None
    qualifiers: list[Group] = field(default_factory=list)
    usage: bool = False          # one mention of the subject suffices
    excluded: list[Group] = field(default_factory=list)   # "excluding X": papers meeting X are left out
    strict: bool = False         # "not papers that merely use X": X must be what the abstract works on
    exclude_use: bool = False    # "excluding those that use X": one mention of X excludes


# -- reading the question ------------------------------------------------------------------------------
# An exclusion: "(not papers that merely use X)", "excluding X", "other than X", "but not X".
_EXCLUDE = re.compile(r"(?:\(\s*|[,;]\s*|\bbut\s+|\band\s+)\b(?:not|excluding|except(?:\s+for)?|other\s+than|"
                      r"rather\s+than|apart\s+from)\s+([^()?;.]*)\)?|\b(?:excluding|except\s+for|other\s+than|"
                      r"apart\s+from)\s+([^()?;.,]*)", re.I)
_EXAMPLES = re.compile(r",?\s*\b(?:such\s+as|for\s+example|for\s+instance|e\.g\.?|including)(?![\w-])", re.I)
_MERELY = re.compile(r"\b(?:merely|only|just|simply|solely)\b", re.I)


# An aside: a clause that says what the set may include or why, not what its members must say:
# "..., whether as the platform or as the baseline", "so that the model stays accurate",
# "as they go through the layers", ", to keep data private" (a purpose after a comma).
_ASIDE = re.compile(r"(?:,\s*|\b)(?:whether|so\s+that|such\s+that|in\s+order\s+to|as\s+(?:they|it|these|those)\s+[a-z]+)\b"
                    r"[^;?()]*|,\s*(?:in\s+order\s+)?to\s+[a-z]+\b[^;?(),]*", re.I)


def excluded_span(span: tuple[int, int], question: str) -> bool:
    """Does the span lie in an exclusion clause ("Apart from federated learning, ...")?"""
    return any(m.start() <= span[0] and span[1] <= m.end() for m in _EXCLUDE.finditer(question))


def without_asides(question: str) -> str:
    return _ASIDE.sub(" ; ", question)


def split_exclusion(question: str) -> tuple[str, list[str]]:
    """The question without its exclusion clauses, asides and "of any X" phrases, and the exclusions."""
    clauses = [m.group(1) or m.group(2) or "" for m in _EXCLUDE.finditer(question)]
    return without_free_words(without_asides(_EXCLUDE.sub(" ; ", question))), [c for c in clauses if c.strip()]


def read(question: str, index: TermIndex, taken: list[str] = (), topic_aliases: list[str] = ()) -> Concepts:
    """The question's subject and qualifier groups; `taken` surfaces (entities, year) are skipped.
    An exclusion clause filters out: its groups other than the subject are `excluded`; one that
    only says the subject is merely used ("not papers that merely use X as a tool") makes the
    check `strict`."""
    usage = asks_use(_EXCLUDE.sub(" ; ", question))    # before "use or build on" is cut as free words
    question, clauses = split_exclusion(question)
    text = _strip(without_frame_verb(question, index), taken)
    groups = _groups(text, index)
    groups = without_main_verb(groups, question)
    add_acronyms(groups, index)
    add_spellings(groups, index)
    subject = None
    topic_stems = [tuple(stream(a)) for a in topic_aliases]
    for g in groups:
        if any(p in topic_stems for p in g.phrases):
            subject = g
            break
    if subject is None and groups:     # the first group the constraint-word model does not read as framing
        score_groups(groups, question, index)
        subject = next((g for g in groups if not framing(g)), groups[0])
    if subject is not None and subject.run >= 0:   # `missing` names the subject as the question wrote it
        whole = " ".join(g.surface for g in groups if g.run == subject.run)
        subject = Group(subject.phrases, whole if len(subject.phrases) == 1 else subject.surface, subject.run)
        groups = [subject if g.run == subject.run and g.phrases == subject.phrases else g for g in groups]
    rest = _merge_runs([g for g in groups if g is not subject and not set(g.phrases) & set(subject.phrases)
                        and not (subject is not None and _class_noun(g, subject, index))])
    concepts = Concepts(subject, rest, usage=usage)
    score_groups(rest, question, index)
    mark_families(rest, question)
    _read_exclusions(concepts, clauses, index, taken, topic_aliases)
    return concepts


_CLASS_NOUN_RATIO = 3     # a word this many times as common as the name before it is the name's class


def _class_noun(g: Group, subject: Group, index: TermIndex) -> bool:
    """A single common word in the subject's own run, after a rare name ("detector" of "YOLOv4
    detector"): it says what kind of thing the name is, papers about the name need not write it."""
    if subject.run < 0 or g.run != subject.run or len(g.phrases) != 1 or len(g.phrases[0]) != 1:
        return False
    named = max(1, max(len(index.papers(p)) for p in subject.phrases))
    return len(index.papers(g.phrases[0])) >= _CLASS_NOUN_RATIO * named


def _read_exclusions(concepts: Concepts, clauses: list[str], index: TermIndex, taken, topic_aliases) -> None:
    own = set(concepts.subject.phrases) | {tuple(stream(a)) for a in topic_aliases} if concepts.subject else set()
    for clause in clauses:
        groups = [g for g in _groups(_strip(clause, list(taken) + list(topic_aliases)), index)
                  if not set(g.phrases) & own]
        merely = bool(_MERELY.search(clause) and _USAGE.search(clause))
        if merely:          # the clause restates the subject as a tool; its other words ("tool") are framing
            concepts.strict = True
        else:
            concepts.excluded += _merge_runs(groups)
            concepts.exclude_use |= asks_use(clause)


def _strip(text: str, surfaces) -> str:
    for s in sorted(surfaces, key=len, reverse=True):     # a longer surface before a word of it
        if s:
            # a break: no alternative of its neighbours; whole words only (not "phone" of "smartphone")
            text = re.sub(rf"(?<![\w-]){re.escape(s)}(?:e?s)?(?![\w-])", " ; ", text, flags=re.I)
    return text


def topic_groups(question: str, index: TermIndex, taken: list[str]) -> Concepts:
    """A question whose subject is a taxonomy tag (already taken): every group read is a qualifier."""
    usage = asks_use(_EXCLUDE.sub(" ; ", question))
    question, clauses = split_exclusion(question)
    groups = _merge_runs(_groups(_strip(without_frame_verb(question, index), taken), index, keep_common=True))
    add_acronyms(groups, index)
    add_spellings(groups, index)
    concepts = Concepts(None, groups, usage=usage)
    score_groups(groups, question, index)
    mark_families(groups, question)
    concepts.subject = Group([tuple(stream(t)) for t in taken if t], " / ".join(t for t in taken if t))
    _read_exclusions(concepts, clauses, index, taken, taken)
    return concepts


def excluded_members(ids: set[str], concepts: Concepts, index: TermIndex) -> set[str]:
    """Members the question excludes: they are about an excluded concept (title, or twice in the
    abstract), or mention it once when the clause excludes its use ("excluding those that use X")."""
    return {pid for pid in ids for g in concepts.excluded if about(g, pid, index, usage=concepts.exclude_use)}


def _merge_runs(groups: list[Group]) -> list[Group]:
    """Qualifier words written together ("scientific simulation data") are one qualifier: a paper
    meets it with any of them, since no two papers write the whole run."""
    out: list[Group] = []
    for g in groups:
        if out and g.run >= 0 and out[-1].run == g.run:
            out[-1] = Group(out[-1].phrases + g.phrases, f"{out[-1].surface} {g.surface}", g.run,
                            out[-1].spelled or g.spelled)
        else:
            out.append(g)
    return out


def asks_use(question: str) -> bool:
    """Does the question's first verb ask for use ("use", "report results on") rather than aboutness?"""
    use, topic = _USAGE.search(question), _ABOUT.search(question)
    return bool(use) and (topic is None or use.start() < topic.start())


def _groups(text: str, index: TermIndex, keep_common: bool = False) -> list[Group]:
    n = max(1, len(index.docs))
    out: list[Group] = []
    run: list[tuple[str, str]] = []          # (stem, surface word)
    state = {"join": False, "paren": 0, "run": 0, "opened": False, "example": False}

    def flush() -> None:
        if run:
            joined = (state["join"] or state["paren"]) and out
            if joined and state["opened"] and out[-1].generic:
                # "visual data (images, ...)": the paren names kinds of the run's concept, not of "data";
                # "LLM (evicting, ...)" after a run of its own: the paren is a concept of its own
                dropped = out.pop()
                joined = bool(out) and out[-1].run == dropped.run
            gloss, state["opened"] = state["opened"], False
            if joined:
                _rejoin_pieces(out, index, gloss)
            # An alternative is kept whole ("dense prediction"): split, one of its words would
            # stand for the whole alternative.
            head = [x for x in run if x[1] == run[0][1]]      # the stems of the run's first word
            if joined and not state["example"] and _shared_tail(out, run, head, state):
                # "image or video super-resolution": one word stands beside one word, and the words
                # after it are said of both ("(image | video) super-resolution")
                parts = [(tuple(w for w, _ in head), head[0][1])] + _split_run(run[len(head):], index)
            elif joined:
                words = _trim_generic(run, index, n)
                parts = [(tuple(w for w, _ in words), " ".join(dict.fromkeys(s for _, s in words)))]
            else:
                parts = _split_run(run, index)
            for i, (phrase, surface) in enumerate(parts):
                generic = len(phrase) == 1 and len(index.vocab.get(phrase[0], ())) > _GENERIC_SHARE * n
                if joined and i == 0:
                    out[-1].phrases.append(phrase)
                    out[-1].surface += f" / {surface}"
                    out[-1].spelled = True
                    out[-1].generic |= generic
                else:
                    out.append(Group([phrase], surface, state["run"], generic=generic))
            state["run"] += 1
        run.clear()
        state["join"] = state["paren"] > 0

    text = _EXAMPLES.sub(" , EXAMPLES_ ", text)
    for tok in re.findall(r"\(|\)|,|/|;|\?|[A-Za-z0-9][\w.+-]*", text):
        low = tok.lower()
        if low == "examples_":     # "X, such as A or B": each example is an alternative of X, written whole
            flush()
            state["join"] = state["example"] = True
        elif low == "(":
            flush()
            state["paren"] += 1
            state["join"] = state["opened"] = True
        elif low == ")":
            flush()
            state["paren"] = max(0, state["paren"] - 1)
            state["join"] = state["example"] = False
        elif low in ("or", ",", "/"):
            flush()
            state["join"] = True
        else:
            words = [t for t in tokens(tok) if len(t) > 1 and t not in STOP and stem(t) not in FRAME and not MANNER.search(t)]
            if not words:
                join = state["join"] and not run     # "or the X": the join waits for X
                flush()
                state["join"] = (join or state["join"]) and low not in ("and", "?", ";")
                state["example"] &= low not in ("and", "?", ";")
                continue
            run.extend((stem(t), tok) for t in words)
            if _EXAMPLE.search(tok):      # "Mamba-style X": Mamba is one kind of X, an alternative
                flush()
                state["join"] = True
    flush()
    return [g for g in out if not g.generic or keep_common and not g.spelled]


def _shared_tail(out: list[Group], run: list[tuple[str, str]], head: list, state: dict) -> bool:
    """"A or B C" where A and B are single words ("training or fine-tuning large language models"):
    C is the object of both, not part of the second alternative. Not inside parentheses, which
    name kinds whole ("(images, dense prediction or human motion)"), nor after "X-style", whose
    next words name what X is a kind of."""
    prev = out[-1]
    alone = sum(g.run == prev.run for g in out) == 1 and all(len(p) == 1 for p in prev.phrases)
    example = any(_EXAMPLE.search(w) for w in prev.surface.split())
    return not state["paren"] and len(run) > len(head) and alone and not example


def _rejoin_pieces(out: list[Group], index: TermIndex, gloss: bool = False) -> None:
    """The run an alternative is joined to ("carbon emissions" of "carbon emissions or carbon
    footprint") is one concept: when a paper writes it whole, or a parenthesis glosses it ("frame
    rate (frames per second)"), the pieces it was cut into become one phrase again, or the
    alternative would stand beside its last word only."""
    run = out[-1].run
    pieces = []
    while out and out[-1].run == run and len(out[-1].phrases) == 1 and not out[-1].spelled:
        pieces.insert(0, out.pop())
    whole = tuple(w for g in pieces for w in g.phrases[0])
    if len(pieces) < 2 or not (gloss or index.papers(whole)):
        out.extend(pieces)
        return
    out.append(Group([whole], " ".join(g.surface for g in pieces), run))


def _trim_generic(run: list[tuple[str, str]], index: TermIndex, n: int) -> list[tuple[str, str]]:
    """The run without common words at its ends ("data" of "visual data"); one inside stays, or the
    phrase would never be found in a text ("selective state space")."""
    rare = [i for i, (w, _) in enumerate(run) if len(index.vocab.get(w, ())) <= _GENERIC_SHARE * n]
    return run[rare[0]: rare[-1] + 1] if rare else run


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
    found = {pid for pid in set().union(*(index.papers(p) for p in g.phrases)) | set(tagged) if pid in index.docs}
    about_it = {pid for pid in found if pid in tagged or about(g, pid, index, concepts.usage)}
    # No paper keeps saying a rare subject ("human pose estimation" once each): those that say it are the set
    return about_it or found


def qualified(ids: set[str], qualifiers: list[Group], index: TermIndex, subject: Group | None = None,
              strict: bool = False) -> tuple[set[str], list[Group], list[Group]]:
    """Members meeting the qualifier groups, the groups that leave none (the answer's `missing`), and
    the groups ignored.

    A qualifier counts where the paper says it about the subject: in the title, or in a sentence
    within one of a sentence naming the subject (anywhere when the title names the subject or only
    the tagger does; `strict`, for "not papers that merely use X", needs the abstract's own sentences).
    A term (a phrase, or a word few papers use) that no member uses is not covered: the answer says
    so rather than list the subject's papers. A common word no member uses ("captured") describes,
    it does not constrain, and is ignored. The rest must all be met; when no member meets them all,
    the most common is ignored first (the question chose it freely), then the next."""
    n = max(1, len(index.docs))
    met = [{pid for pid in ids if meets_qualifier(g, pid, index, subject, strict)} for g in qualifiers]
    # a word the question frames with ("as they go") that no member writes is no unmet constraint
    missing = [g for g, m in zip(qualifiers, met) if not m and _is_term(g, index, n) and not framing(g)]
    if missing:
        return set(), missing, []
    ignored = [g for g, m in zip(qualifiers, met) if not m]
    # relaxed in the order of the constraint-word model: a framing word before a qualifier, then the
    # most common first
    active = sorted(((g, m) for g, m in zip(qualifiers, met) if m),
                    key=lambda gm: (not framing(gm[0]), -max(len(index.papers(p)) for p in gm[0].phrases)))
    while active:
        keep = set(ids).intersection(*(m for _, m in active))
        if keep:
            return keep, [], ignored
        ignored.append(active.pop(0)[0])
    return set(ids), [], ignored


_WINDOW = 1     # a qualifier in the subject's sentence or the one either side is said of the subject


def meets_qualifier(group: Group, pid: str, index: TermIndex, subject: Group | None = None,
                    strict: bool = False) -> bool:
    where = set().union(*(index.where(p, pid) for p in group.phrases)) | _family_hits(group, pid, index)
    if not where:    # the words of a phrase apart ("LiDAR ... point clouds")
        return not strict and mentions(group, pid, index, loose=True)[0] > 0
    if subject is None:
        return True
    at = subject_sentences(subject, pid, index)
    if strict:
        at.discard(-1)
        return any(abs(a - b) <= _WINDOW for a in where - {-1} for b in at)
    if -1 in where or -1 in at or not at:
        return True
    return any(abs(a - b) <= _WINDOW for a in where for b in at)


def subject_sentences(subject: Group, pid: str, index: TermIndex) -> set[int]:
    """Sentences naming the subject: its phrase, or the phrase's rarest word alone ("KV pages" of
    "KV cache": the abstract goes on about the subject in shorter words)."""
    at = set().union(*(index.where(p, pid) for p in subject.phrases))
    for p in subject.phrases:
        if len(p) > 1:
            rarest = min(p, key=lambda w: len(index.vocab.get(w, ())))
            at |= index.where((rarest,), pid)
    return at


def _family_hits(group: Group, pid: str, index: TermIndex) -> set[int]:
    """Sentences using another word of the qualifier's synonym family ("speed up" = "accelerate")."""
    if not group.family:
        return set()
    def says(text: str) -> bool:
        return bool(_faster().search(text) or _SHORTER_TIME.search(text))

    hits = {i for i, s in enumerate(index.sentences.get(pid, ())) if says(s)}
    return hits | ({-1} if says(index.titles.get(pid, "")) else set())


# A reduction of a time is a speed-up too ("reduces the training time by 40%").
_SHORTER_TIME = re.compile(r"\b(?:reduc\w*|shorten\w*|cut\w*|lower\w*|decreas\w*)\s+(?:\w+\s+){0,4}?"
                           r"(?:time|latency|runtime|hours|makespan)\b", re.I)


def _faster():
    """The speedup lexicon's "faster" family (agent/data/speedup_lexicon.yaml): speed up, accelerate, ..."""
    from agent.engines.local.speedup_rules import lexicon

    return lexicon().faster


def mark_families(groups: list[Group], question: str) -> None:
    """Groups the question wrote with a speed-up word take its whole family as alternatives."""
    said = [m.group(0).lower() for m in _faster().finditer(question)]
    for g in groups:
        words = [w.lower() for alt in g.surface.split(" / ") for w in alt.split()]
        g.family = any(w in s or s in w for s in said for w in words)


def _is_term(g: Group, index: TermIndex, n: int) -> bool:
    return any(len(p) > 1 or len(index.papers(p)) < max(3, _RARE_SHARE * n) for p in g.phrases)


def sharing(surfaces: list[str], index: TermIndex) -> set[str]:
    """Papers sharing most of an unmet constraint: words carrying at least half its IDF mass ("NVIDIA
    Jetson" of "NVIDIA Jetson Orin"), so a common word of it ("Open" of a dataset name) is not enough."""
    import math

    n = max(1, len(index.docs))
    out: set[str] = set()
    for surface in surfaces:
        words = {w for w in stream(surface) if w not in FRAME}
        idf = {w: math.log((n + 1) / (len(index.vocab.get(w, ())) + 0.5)) for w in words}
        total = sum(idf.values())
        if not total:
            continue
        for pid in set().union(*(index.vocab.get(w, set()) for w in words)):
            if sum(v for w, v in idf.items() if pid in index.vocab.get(w, ())) >= total / 2:
                out.add(pid)
    return out
