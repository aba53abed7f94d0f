"""The `closest` answer shape: no paper answers the question exactly, so say which constraint is not
covered (`missing`, as the question wrote it) and show the nearest papers with the sentence that
makes each relevant. Used by the local engine's look-ups and set questions (agent/qa/local.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agent.qa.drafting import Draft, finish, insufficient, mention, strip_end
from agent.qa.figure_check import QUANTITY, in_range
from agent.qa.text import SPEED_WORDS, display, label, term_set
from agent.qa.types import Answer
from core.text import split_sentences as sentences

if TYPE_CHECKING:
    from agent.qa.router import Route
    from agent.qa.tools import QAContext

CLOSEST_MIN = 0.2   # P(answerable) from which a retrieved paper is shown as a closest match
# A question that asks for a figure even when the router files it as a look-up ("how low is the latency",
# "what minimal evolution time"): the answer must quote the sentence carrying the figure.
ASKS_FIGURE = re.compile(r"^\s*(?:how\s+(?:low|high|much|many|fast|large|long|small|big|quick|short|often)\b|"
                         r"(?:what|which)\s+(?:[\w-]+\s+){0,5}?(?:times?|latency|speed-?ups?|throughput|accuracy|"
                         r"energy|memory|reduction|improvement|gains?|cost|rate|ratio|factor|figure|value|number|"
                         r"percentage|error|score|power|bandwidth|overhead|savings?)\b|at\s+most\b|by\s+up\s+to\b)",
                         re.I)


def asks_figure(question: str) -> bool:
    """The question asks for a figure: ASKS_FIGURE's shapes, or "what <metric> …" for any metric the
    constraint reader knows ("What PSNR does X reach?", "What mIoU …")."""
    from agent.qa.constraints import asks_metric_figure

    return bool(ASKS_FIGURE.search(question)) or asks_metric_figure(question)


def sentence_overlaps(sents: list[str], q_terms: set[str], stats) -> list[float]:
    """Per sentence, the question words it uses, each weighted by its corpus IDF times how specific
    it is within this abstract: a word every sentence repeats (the paper's subject) says little about
    which sentence answers; the one word only the answering sentence has ("LiH") says most."""
    import math

    sets = [term_set(s) for s in sents]
    n = len(sets)
    in_abstract = {t: sum(t in ts for ts in sets) for t in q_terms}
    weight = {t: stats.idf(t) * math.log(1 + n / in_abstract[t]) for t in q_terms if in_abstract[t]}
    return [sum(weight[t] for t in q_terms & ts) for ts in sets]


_WANTS_MAX = re.compile(r"\b(?:largest|highest|maximum|max|most|biggest|greatest|peak|best|up\s+to)\b", re.I)
_UP_TO = re.compile(r"\b(?:up\s+to|as\s+much\s+as|as\s+high\s+as|at\s+most)\s+(?:a\s+|an\s+)?$", re.I)
_CLAUSE = re.compile(r",|;|\band\b|\bwhile\b|\bwhereas\b|\bbut\b|\bcompared\b", re.I)
# A question about a duration, and the unit words right after a figure that make it one ("16 hours",
# "30 GPU-hours", "8 epochs", "12 ms").
_ASKS_DURATION = re.compile(r"\bhow\s+long\s+(?:does|do|did|will|would|can|could|should)\b|\bhow\s+much\s+time\b", re.I)
_TIME_WORDS = (r"(?:hours?|hrs?|h|minutes?|mins?|seconds?|secs?|s|ms|µs|us|ns|days?|weeks?|months?|"
               r"epochs?|iterations?|steps?)")
_TIME_UNIT = re.compile(rf"(?<![A-Za-z]){_TIME_WORDS}$", re.I)    # QUANTITY took the unit ("16 hours")
_TIME_AFTER = re.compile(rf"\s*(?:[\w-]+-)?{_TIME_WORDS}\b", re.I)    # or it follows ("30 TPU-hours", "8 epochs")


def asked_figure(sentence: str, question: str, stats, title: str | None = None) -> str | None:
    """The figure of `sentence` the question asks for: those of the clause sharing most question words
    (IDF-weighted; words of the paper's title name its subject, not the figure), the largest of them
    when the question asks for a maximum ("at most", "largest"), else the first. As the abstract wrote
    it (so the grounding check finds it). None for a "respectively" list, whose figures map to items
    by position, not by clause."""
    from agent.qa.figure_check import figure_of, rate_figure, resource_figure

    if (rate := rate_figure(sentence, question)):     # "how many frames per second": the figure in that unit
        return display(rate)
    respectively = bool(re.search(r"\brespectively\b", sentence, re.I))
    if not respectively and (metric := _asked_metric(question)) is not None and (fig := figure_of(metric, sentence, question)):
        return display(fig.replace("$", "")).strip()     # "what PSNR …": the figure of that metric
    found = list(QUANTITY.finditer(sentence))
    if not found:
        return None
    if respectively:
        return respective_figure(sentence, question, stats)
    q_terms = term_set(question) - term_set(title or "")
    cuts = [0] + [m.end() for m in _CLAUSE.finditer(sentence)] + [len(sentence) + 1]

    def clause_score(m) -> float:
        start = max(c for c in cuts if c <= m.start())
        end = min(c for c in cuts if c > m.start())
        return sum(stats.idf(t) for t in q_terms & term_set(sentence[start:end]))

    def score(m) -> tuple:
        end = min(c for c in cuts if c > m.start())
        return (bool(wanted & figure_metrics(sentence[m.end():min(end, m.end() + 60)])), clause_score(m))

    asked = {_value(m.group(0)) for m in QUANTITY.finditer(question)}   # "down to what, from 42GB?"
    # "how fast …?": never a figure of a compute or memory reduction ("10x computation reduction")
    found = [m for m in found if _value(m.group(0)) not in asked and not resource_figure(sentence, m, question)]
    if _ASKS_DURATION.search(question):   # "how long does the search take?": a time, never "5,000x faster"
        found = [m for m in found if _TIME_UNIT.search(m.group(0)) or _TIME_AFTER.match(sentence, m.end())]
    if not found:
        return None
    wanted = figure_metrics(question)
    top = max(score(m) for m in found)
    best = [m for m in found if score(m) == top]
    if len(best) > 1 and not _WANTS_MAX.search(question) and not all(_UP_TO.search(sentence[:m.start()]) for m in best):
        return None         # a range or a list and no "at most": quote the sentence, state nothing
    # every tied figure is an "up to" maximum ("up to 2.9x over kernels and up to 4.9x end-to-end"): the
    # largest is the paper's headline figure for a plain "what speedup"
    pick = max(best, key=lambda m: _value(m.group(0)))
    if in_range(sentence, pick.start(), pick.end()):
        return None         # "1.3-2.1x": a range, no one figure of it is the answer (quote the sentence)
    return display(pick.group(0).replace("$", "")).strip()


def figure_metrics(text: str) -> set[str]:
    """The metrics `text` names (the vocabulary's metric words, or "speedup" for speed-up words): for a
    question, what it asks; for the words right after a figure, what the figure measures. So "What
    speedup …?" takes the 2.8x of "2.8x speedup and 2.5x energy efficiency", whichever clause shares
    more of the question's other words."""
    from agent.qa.thresholds import named_metrics

    named = set(named_metrics(text))
    return named or ({"speedup"} if SPEED_WORDS.search(text) else set())


# The last comparison word before "respectively" opens the list of items (greedy prefix).
_RESPECTIVE = re.compile(r".*\b(?:over|than|against|to|with|on|for|of)\s+(?P<items>[^;:]+?),?\s+respectively", re.I | re.S)


def respective_figure(sentence: str, question: str, stats) -> str | None:
    """"1.6x, 162x speedup and 1.4x, 1193x energy savings over A, B, respectively": the figure at the
    position of the list item the question names (B), in the run of figures whose words the question
    uses (energy savings). None unless exactly one item and one run of that length match."""
    m = _RESPECTIVE.search(sentence)
    if not m:
        return None
    items = [i for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("items")) if i.strip()]
    q_terms = term_set(question)
    named = [k for k, item in enumerate(items) if term_set(item) and term_set(item) <= q_terms]
    if len(named) != 1:
        return None
    runs: list[list] = []
    for q in QUANTITY.finditer(sentence[:m.start("items")]):
        gap = sentence[runs[-1][-1].end():q.start()] if runs else None
        if gap is not None and re.fullmatch(r"\s*(?:,|and|,\s*and)?\s*", gap):
            runs[-1].append(q)
        else:
            runs.append([q])
    runs = [r for r in runs if len(r) == len(items)]

    def words_after(run) -> float:
        tail = sentence[run[-1].end():run[-1].end() + 40]
        return sum(stats.idf(t) for t in q_terms & term_set(re.split(r",|\band\b", tail)[0]))

    scored = sorted(runs, key=words_after, reverse=True)
    if not scored or (len(scored) > 1 and words_after(scored[0]) == words_after(scored[1])):
        return None
    return display(scored[0][named[0]].group(0).replace("$", "")).strip()


def _value(figure: str) -> float:
    m = re.match(r"\d[\d,]*(?:\.\d+)?", figure)
    return float(m.group(0).replace(",", "")) if m else 0.0


def claim_sentence(abstract: str, q_terms: set[str], ctx: QAContext, numeric: bool = False) -> str:
    """The sentence that carries what the question asks: most question words (IDF-weighted), and a
    figure when the question asks for one; the abstract's opening background loses ties."""
    sents = sentences(abstract) or [abstract]
    overlaps = sentence_overlaps(sents, q_terms, ctx.stats())

    def score(i: int) -> tuple:
        s = sents[i]
        overlap = overlaps[i]
        return (bool(QUANTITY.search(s)) if numeric else 0, overlap + (0.5 if QUANTITY.search(s) else 0), i > 0, -i)

    return sents[max(range(len(sents)), key=score)]


def closest(question: str, ctx: QAContext, r: Route, judged: list, ev, missing: list) -> Answer:
    """"No paper here answers this exactly; closest:" with one sentence per paper on why it may be
    relevant, `missing` naming the unmet constraint as the question wrote it."""
    from agent.qa import answerability

    best = judged[0][0]
    what = [c.surface for c in missing]
    apart = None
    if all(c.kind == "name" for c in missing):   # no typed constraint: also the uncovered run of words
        phrase = answerability.uncovered_phrase(question, f"{best.title or ''} {best.abstract}", ctx.stats())
        if phrase and not any(w.lower() in phrase.lower() for w in what):
            what.insert(0, phrase)
        if not what:    # every word is the paper's: a phrase whose words it never uses together
            from agent.qa import missing_phrase

            apart = missing_phrase.apart(question, f"{best.title or ''} {best.abstract}", ctx.stats())
            what += [apart] if apart else []
    # a paper that misses only names no paper uses ("QuokkaNet" on KITTI) is as close as any can be
    names_only = bool(missing) and all(c.kind == "name" for c in missing)
    close = [j for j in judged[:3] if j[1].probability >= CLOSEST_MIN or j[1].named or j is judged[0] and missing
             or names_only and all(c.kind == "name" for c in j[2])
             or j is judged[0] and lay_paraphrase(question, f"{best.title or ''} {best.abstract}", ctx.stats())]
    if not close and (not what or apart) and judged:
        close = judged[:1]   # each word is met (only a framing word is not, "Which thesis ..."; or the
        # words are the paper's, apart): closest
    text_missing = "; ".join(f'"{w}"' for w in what)
    head = "No paper here answers this exactly" + (f" (not covered: {text_missing})" if what else "")
    if not close:
        answer = insufficient(question, [j[0] for j in judged], r, [], head + ".")
        answer.confidence, answer.missing = "none", what
        answer.notes.insert(0, ev.describe())
        return answer
    draft = Draft()
    q_terms = term_set(question)
    lacks = []
    for src, _, unmet_here in close:
        sup = claim_sentence(src.abstract, q_terms, ctx)
        n = draft.cite(src, sup)
        draft.lines.append(f"- {strip_end(label(src.title, src.abstract, src.arxiv_id))} [{n}]: {strip_end(sup)} [{n}].")
        if unmet_here:
            lacks.append(f"[{n}] does not report {', '.join(c.surface for c in unmet_here)}.")
    answer = finish(question, draft, [j[0] for j in judged], r)
    # The head and the "does not report" lines are added after the grounding check: they quote the
    # question (its numbers, "70B parameters", are not the abstract's) and cite nothing.
    answer.answer = "\n".join([f"{head}; closest:", answer.answer, *lacks])
    answer.insufficient, answer.confidence, answer.missing = True, "closest", what
    answer.notes.insert(0, ev.describe())
    return answer


def lay_paraphrase(question: str, doc_text: str, stats) -> bool:
    """The question says in everyday words ("my chatbot") what the paper's text says technically
    (agent/data/lay_terms.yaml): a word no paper uses whose technical sense the paper uses. Retrieval
    scores such a paraphrase low, yet its top paper is a fair closest match, not a flat decline."""
    from agent.qa.text import covered_by_senses

    have = term_set(doc_text)
    words = re.findall(r"[A-Za-z][\w'’-]*", question)
    return any(not any(stats.df.get(t, 0) for t in term_set(w)) and covered_by_senses(w, have) for w in words)


def closest_set(question: str, ctx: QAContext, r: Route, entities: list, missing: list[str]) -> Answer:
    """No paper names the asked product: list those naming its family instead (the product name
    shortened word by word from the end, never below two words), as `closest`."""
    from agent.qa.constraints import Constraint
    from agent.qa.sets import entity_matches

    head = "No paper here answers this exactly (not covered: " + "; ".join(f'"{m}"' for m in missing) + ")"
    wider = []
    for c in entities:
        words = c.value.split()
        if c.kind == "hardware" and c.surface in missing and len(words) > 2:
            wider.append(Constraint("hardware", " ".join(words[:-1]), " ".join(words[:-1])))
    found, still = entity_matches(ctx, [c for c in entities if c.surface not in missing] + wider, question, r) \
        if wider else ([], missing)
    if not found or still:
        answer = insufficient(question, [], r, [], head + ".")
        answer.missing = missing
        return answer
    draft = Draft()
    for m in found[:10]:
        n = draft.cite(m.source, mention(m.source.abstract, [w.value.split()[-1] for w in wider]) or
                       claim_sentence(m.source.abstract, term_set(question), ctx))
        draft.lines.append(f"- {strip_end(label(m.source.title, m.source.abstract, m.source.arxiv_id))} [{n}]: "
                           f"{strip_end(draft.support[m.source.id])} [{n}].")
    answer = finish(question, draft, [m.source for m in found], r)
    answer.answer = f"{head}; closest ({', '.join(w.value for w in wider)}):\n{answer.answer}"
    answer.insufficient, answer.confidence, answer.missing = True, "closest", missing
    return answer


def support_sentences(abstract: str, q_terms: set[str], ctx: QAContext, want: int = 2, headline: bool = False) -> list[str]:
    """The sentences that best match the question, plus the headline result sentence."""
    sents = sentences(abstract) or [abstract]
    overlaps = sentence_overlaps(sents, q_terms, ctx.stats())
    ranked = sorted(range(len(sents)), key=lambda i: (-overlaps[i], i))
    picked = sorted(ranked[:want])
    if headline:
        nums = [i for i in ranked if QUANTITY.search(sents[i])]   # best-matching figure sentence first
        if nums and not any(i in nums for i in picked):
            picked = sorted(picked + [nums[0]])
    return [sents[i] for i in picked]


def numeric_sentence(abstract: str, q_terms: set[str], ctx, question: str = "") -> str:
    """The sentence a numeric answer quotes: one with a figure the question does not already write
    ("which work built a 6.2x faster tool, and how much faster is its inference?" asks for the other
    figure), then most question words (IDF-weighted), then the earliest."""
    sents = sentences(abstract) or [abstract]
    overlaps = sentence_overlaps(sents, q_terms, ctx.stats())
    given = {_value(m.group(0)) for m in QUANTITY.finditer(question)}
    wanted = figure_metrics(question)

    def new_figure(s: str) -> bool:
        return any(_value(m.group(0)) not in given for m in QUANTITY.finditer(s))

    def figure_of_asked_metric(s: str) -> bool:
        # "What speedup does X achieve?": the sentence whose figure is a speedup, not the one that
        # repeats X's name beside a parameter count (the words right after a figure say what it measures)
        return bool(wanted) and any(wanted & figure_metrics(_figure_words(s, m)) for m in QUANTITY.finditer(s)
                                    if _value(m.group(0)) not in given)

    kind = asked_kind(question)
    # a sentence stating the asked kind of figure first (a bare "0.05" perplexity is no QUANTITY)
    best = max(range(len(sents)), key=lambda i: (kind(sents[i]), new_figure(sents[i]), figure_of_asked_metric(sents[i]),
                                                 overlaps[i], -i))
    return sents[best]


def _asked_metric(question: str) -> str | None:
    """The metric (METRICS key) a figure question asks for, if it names one (not a rate)."""
    from agent.qa.constraints import asked_metric

    c = asked_metric(question, []) if asks_figure(question) else None
    return c.value if c is not None and not c.value.startswith("rate:") else None


def asked_kind(question: str):
    """A test of whether a sentence states the kind of figure the question asks: a time for "how long
    does …" (not the "5,000x faster" beside it), a figure of the asked metric in its clause for "what
    PSNR / top-1 accuracy …" (agent/qa/figure_check.py); anything else passes."""
    from agent.qa.figure_check import states_figure

    if _ASKS_DURATION.search(question):
        return lambda s: any(_TIME_UNIT.search(m.group(0)) or _TIME_AFTER.match(s, m.end()) for m in QUANTITY.finditer(s))
    metric = _asked_metric(question)
    if metric is not None:
        return lambda s: states_figure(metric, s)
    return lambda s: True


def _figure_words(sentence: str, m) -> str:
    """The words a figure's own clause writes right after it ("2.49times speedup and …": "speedup")."""
    after = sentence[m.end():m.end() + 60]
    cut = _CLAUSE.search(after)
    return after[:cut.start()] if cut else after
