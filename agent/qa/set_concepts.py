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

from agent.qa.constraint_words import drop_head_noun, framing, score_groups, surely_framing
from agent.qa.set_groups import Group, groups as _groups, merge_runs as _merge_runs  # noqa: F401 (Group: the API)
from agent.qa.term_index import TermIndex, stream, term_index  # noqa: F401 (term_index: the API sets.py uses)
from agent.qa.set_words import (FRAME, add_acronyms, add_spellings, main_verb, verb_span,  # noqa: F401
                                without_frame_verb, without_main_verb)
from agent.qa.text import without_free_words

# Words that frame a list question or describe its wanted evidence, not its subject.
# Verbs that ask only for use of the subject, not for papers about it.
_USAGE = re.compile(r"\b(?:use[sd]?|using|appl(?:y|ies|ied)|employ\w*|leverag\w*|adopt\w*|rel(?:y|ies)\s+on|"
                    r"exploit\w*|report\w*|evaluat\w*|measur\w*|run|runs|ran|test\w*|experiment\w*|"
                    r"giv(?:e|es|ing)|provid\w*|quot\w*|stat(?:e|es|ing)|work(?:s|ing)?\s+with)\b", re.I)
_ABOUT = re.compile(r"\b(?:about|on|propos\w*|design\w*|build\w*|built|introduc\w*|present\w*|develop\w*|"
                    r"focus\w*|stud(?:y|ies)|address\w*|tackl\w*|speed\w*|accelerat\w*|shrink\w*|learn\w*)\b", re.I)
_RARE_SHARE = 0.02       # a word fewer papers than this use is a term: a qualifier no member meets is missing


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
_MERELY = re.compile(r"\b(?:merely|only|just|simply|solely)\b", re.I)


# An aside: a clause that says what the set may include or why, not what its members must say:
# "..., whether as the platform or as the baseline", "so that the model stays accurate",
# "as they go through the layers", ", to keep data private" (a purpose after a comma).
_ASIDE = re.compile(r"(?:,\s*|\b)(?:whether|so\s+that|such\s+that|in\s+order\s+to|as\s+(?:they|it|these|those)\s+[a-z]+)\b"
                    r"[^;?()]*|,\s*(?:in\s+order\s+)?to\s+[a-z]+\b[^;?(),]*", re.I)


def excluded_span(span: tuple[int, int], question: str) -> bool:
    """Does the span lie in an exclusion clause ("Apart from federated learning, ...")?"""
    return any(m.start() <= span[0] and span[1] <= m.end() for m in _EXCLUDE.finditer(question))


# The question asks for a figure: "by what percentage", "by how much", "how many times" frame it.
_FIGURE_FRAME = re.compile(r"\bby\s+(?:what|which)\s+(?:percentage|factor|fraction|margin|amount|ratio)\b|"
                           r"\b(?:by\s+)?how\s+(?:much|many\s+times)\b", re.I)


# A gloss: "X, i.e. Y" / "X (that is, Y)" / "X, namely Y" restates X in other words. Y says what X
# means, it is no further constraint (its words are rarely what a paper writes, "i.e." never).
_GLOSS = re.compile(r"(?:,\s*|\(\s*|\b)(?:i\.\s?e\.?|that\s+is\s*,|namely|in\s+other\s+words)(?![\w-])[,:]?[^;?(),]*", re.I)


def without_asides(question: str) -> str:
    return _FIGURE_FRAME.sub(" ; ", _ASIDE.sub(" ; ", _GLOSS.sub(" ; ", question)))


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
    question, clauses = split_exclusion(without_unwritten_owner(question, index))
    text = _strip(without_frame_verb(question, index), taken)
    groups = _groups(text, index)
    drop_head_noun(groups, question)        # "What efforts ...": the head noun is never the subject
    groups = without_main_verb(groups, question)
    mark_verb(groups, question)
    add_acronyms(groups, index)
    add_spellings(groups, index)
    subject = None
    topic_stems = [tuple(stream(a)) for a in topic_aliases]
    for g in groups:
        if any(p in topic_stems for p in g.phrases):
            subject = g
            break
    if subject is None and groups:    # the verb says what is done to the subject, it is not the subject
        subject = _run_term(next((g for g in groups if not g.verb), groups[0]), groups, index)
    if subject is not None and subject.run >= 0:   # `missing` names the subject as the question wrote it
        whole = " ".join(g.surface for g in groups if g.run == subject.run)
        subject = Group(subject.phrases, whole if len(subject.phrases) == 1 else subject.surface, subject.run,
                        compounds=subject.compounds)
        groups = [subject if g.run == subject.run and g.phrases == subject.phrases else g for g in groups]
    at = next((i for i, g in enumerate(groups) if g is subject), len(groups))
    # a word after the subject in its run may name its class ("YOLOv4 detector"); one before modifies it
    rest = _merge_runs([g for i, g in enumerate(groups) if g is not subject and not set(g.phrases) & set(subject.phrases)
                        and not (subject is not None and i > at and _class_noun(g, subject, index))])
    concepts = Concepts(subject, rest, usage=usage)
    score_groups(rest, question, index)
    mark_families(rest, question)
    _read_exclusions(concepts, clauses, index, taken, topic_aliases)
    return concepts


def _run_term(first: Group, groups: list[Group], index: TermIndex) -> Group:
    """The subject within the first run of words: a single word before a term the store writes
    ("several" of "several LLM agents": no paper writes the whole run) only modifies that term, so
    the term is the subject and the word a qualifier."""
    if first.run < 0 or len(first.phrases) != 1 or len(first.phrases[0]) != 1:
        return first
    terms = [g for g in groups if g.run == first.run and not g.verb and g is not first
             and any(len(p) > 1 and len(index.papers(p)) >= 2 for p in g.phrases)]
    return terms[0] if terms else first


# "Anthropic's Claude models": an owner's possessive before a name
_OWNER = re.compile(r"\b([A-Z][\w&.-]*)'s\s+(?=[A-Z0-9])")


def without_unwritten_owner(question: str, index: TermIndex) -> str:
    """The question without a possessive owner no paper writes: the product name after it is what
    papers say ("Acme's FooNet" finds the papers on FooNet); an owner papers do write stays a word
    to meet ("Amdahl's law")."""
    return _OWNER.sub(lambda m: m.group(0) if index.papers(tuple(stream(m.group(1)))) else "", question)


def mark_verb(groups: list[Group], question: str) -> None:
    """Flag the group that is the question's main verb alone ("compress" of "What efforts compress
    large language models"; agent/qa/set_words.py sets it apart from the noun phrase after it)."""
    span = verb_span(question)
    if span is None:
        return
    said = tuple(stream(question[span[0]:span[1]]))
    for g in groups:
        if g.phrases == [said] and g.surface.lower() == question[span[0]:span[1]].lower():
            g.verb = True


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
    drop_head_noun(groups, question)        # "What efforts ...": the head noun frames, no paper must write it
    mark_verb(groups, question)
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


def asks_use(question: str) -> bool:
    """Does the question's first verb ask for use ("use", "report results on") rather than aboutness?"""
    use, topic = _USAGE.search(question), _ABOUT.search(question)
    return bool(use) and (topic is None or use.start() < topic.start())


# -- checking papers -----------------------------------------------------------------------------------
def mentions(group: Group, pid: str, index: TermIndex, loose: bool = False) -> tuple[int, int]:
    """(mentions in the whole text, mentions in the title) of any of the group's phrases; `loose`
    also counts a phrase whose words the text uses apart ("LiDAR ... point clouds")."""
    n = sum(index.count(p, pid) for p in group.phrases)
    if not n and loose:     # a hyphenated word of the question is one unit: its parts are never apart
        n = int(any(len(p) > 1 and all(index.count(u, pid) for u in _units(p, group.compounds)) for p in group.phrases))
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
    # a word the question frames with ("as they go") or its main verb is no unmet constraint
    missing = [g for g, m in zip(qualifiers, met) if not m and _is_term(g, index, n) and not framing(g) and not g.verb]
    if missing:
        return set(), missing, []
    # A group the constraint-word model is sure frames the question is dropped even where some members
    # write it; the main verb is soft when most members already say it (implied by the subject) -- it
    # must hold only where it splits the subject's papers. A speed-up word keeps its claim family
    # ("accelerate", "faster"): a claim kind, never framing.
    ignored = [g for g, m in zip(qualifiers, met)
               if not m or (surely_framing(g) and not g.family and not _rare_choice(g, index, n))
               or (g.verb and len(m) >= _IMPLIED_SHARE * len(ids))]
    # the rest relaxed in the order of the model: a (less surely) framing word first, then the most common
    active = sorted(((g, m) for g, m in zip(qualifiers, met) if g not in ignored),
                    key=lambda gm: (not framing(gm[0]), -max(len(index.papers(p)) for p in gm[0].phrases)))
    while active:
        keep = set(ids).intersection(*(m for _, m in active))
        if keep:
            return keep, [], ignored
        ignored.append(active.pop(0)[0])
    return set(ids), [], ignored


_IMPLIED_SHARE = 0.75   # a verb this share of the members already write is implied by the subject
_WINDOW = 1     # a qualifier in the subject's sentence or the one either side is said of the subject


def meets_qualifier(group: Group, pid: str, index: TermIndex, subject: Group | None = None,
                    strict: bool = False) -> bool:
    where = set().union(*(index.where(p, pid) for p in group.phrases)) | _family_hits(group, pid, index)
    if not where:    # the informative words of a phrase alone ("outliers" of "outlier values")
        where = set().union(*(index.where(c, pid) for c in _cores(group, index)))
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


_CORE_MASS = 2 / 3     # words carrying this share of a phrase's IDF say what the phrase names


def _cores(group: Group, index: TermIndex) -> list[tuple[str, ...]]:
    """Per multi-word phrase, its informative words alone when they carry most of its IDF mass and
    differ from it ("outlier" of "outlier values": "values" is a word most papers use); a phrase
    whose words are all rare keeps needing all of them."""
    import math

    n = max(1, len(index.docs))
    out = []
    for p in group.phrases:
        if len(p) < 2:
            continue
        idf = [math.log((n + 1) / (len(index.vocab.get(w, ())) + 0.5)) for w in p]
        total = sum(idf)
        core = tuple(w for w, v in zip(p, idf) if v >= max(idf) / 2)
        if total > 0 and core != p and sum(v for w, v in zip(p, idf) if w in core) >= _CORE_MASS * total:
            out.append(core)
    return out


def _units(phrase: tuple[str, ...], compounds) -> list[tuple[str, ...]]:
    """The phrase as units that must each occur: its hyphenated words whole, its other words alone."""
    out, k = [], 0
    while k < len(phrase):
        c = next((c for c in compounds if phrase[k:k + len(c)] == c), None)
        out.append(c or (phrase[k],))
        k += len(c) if c else 1
    return out



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


def _rare_choice(g: Group, index: TermIndex, n: int) -> bool:
    """Alternatives the question spelled out ("reorder or permute"), each a word few papers write:
    a question frames with one everyday wording, it does not list rare alternatives, so the model's
    "surely framing" does not drop such a group where members meet it."""
    return g.spelled and all(len(index.papers(p)) < max(3, _RARE_SHARE * n) for p in g.phrases)


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
