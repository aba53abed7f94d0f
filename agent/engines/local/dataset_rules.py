"""Dataset and benchmark names (LABELLING.md §2): gazetteer matches plus context patterns.

Known names come from agent/data/datasets.yaml. Unseen names are taken from their wording: the
words right before "dataset(s)/benchmark(s)/corpus/suite", a list after "datasets such as" or
"benchmarks (...)", "a benchmark called X", "X, a new dataset", and "*Bench" tokens. Only tokens
that look like names survive (a capital letter or a digit, not a generic or field word, not a model,
method or tool), so "real-world datasets", "30 benchmarks" and "NLP and CV benchmarks" give nothing.
"""

from __future__ import annotations

from collections import Counter

import re
from functools import lru_cache

from agent.engines.local.gazetteer import (ASCII_LOWER, AliasIndex, SpanSet, alias_key, ascii_lowered, load_yaml,
                                          matches_at_literals, parse_alias, spread_through_lists, with_canonical)
from agent.engines.local.dataset_acronyms import spelled_out_datasets
from agent.engines.local.dataset_heads import shared_head_names
from agent.engines.local.dataset_phrases import (TASK_HEAD, is_plain_title, is_task_or_method_phrase, joins_name,
                                                  spelled_task_acronyms, trigger_follows)
from agent.engines.local.dataset_senses import model_side_acronyms, task_acronyms
from agent.engines.local.dataset_shapes import (NAME_ENDS, acronym_of_written, aside_start, task_on_positions,
                                                titled_name_before)
from agent.engines.local.dataset_names import (DatasetAlias, DatasetGazetteer, hyphen_compound,  # noqa: F401
                                               is_expanded, is_full_name, with_variant)
from agent.engines.local.dataset_coordination import coordinated_names as _coordinated_names, evaluated_names
from agent.engines.local.dataset_literals import bench_tokens, drop_parenthetical_acronyms, new_named_data
from agent.engines.local.dataset_tokens import Mention
from agent.engines.local.dataset_tokens import is_hardware_name as _is_hardware_name
from agent.engines.local.dataset_tokens import is_name_token as _is_name_token


Token = tuple[int, int, str]  # start, end, text


# A blocked (model, method, software) name blocks its variant spellings too ("ResNet-50", "BERT-base",
# "LLaMA-2-7B", "DeiT-T", "MPI's"), but not a longer name that merely starts with it ("MPI-INF-3DHP").
_MODEL_VARIANT = (r"(?=(?:[-_/. ]?(?:v?\d[\w.]*|[A-Z]{1,2}(?![A-Za-z])|base|large|small|tiny|mini|medium|nano|micro|"
                  r"huge|giant|xx?l|instruct|chat|it|hf|turbo|pro|plus|lite|'s))*(?![\w-]))")


@lru_cache(maxsize=1)
def dataset_gazetteer() -> DatasetGazetteer:
    data = load_yaml("datasets.yaml")
    entries: list[tuple[str, DatasetAlias, bool]] = []
    strong_keys: dict[str, DatasetAlias] = {}
    for domain in data["datasets"].values():
        for raw_canonical, raw_aliases in domain.items():
            canonical = parse_alias(raw_canonical)[0]
            for raw in with_canonical(raw_canonical, raw_aliases or []):
                alias, exact, flagged = parse_alias(raw)
                payload = DatasetAlias(canonical, alias, flagged)
                entries.append((alias, payload, exact))
                if not flagged:
                    strong_keys.setdefault(alias_key(alias, False), payload)
    blocked = "|".join(re.escape(word) for word in sorted(data["not_datasets"], key=len, reverse=True))
    return DatasetGazetteer(
        index=AliasIndex(entries, same_entry=lambda a, b: a.canonical == b.canonical), strong_keys=strong_keys,
        blocked=re.compile(rf"(?:{blocked})s?(?![a-z]){_MODEL_VARIANT}", re.IGNORECASE),
        generic=frozenset(str(w).casefold() for w in data["generic_words"]),
        task_words=frozenset(str(w).casefold() for w in data["task_words"]))


_VERSIONED_NAME = re.compile(r"v?\d+(?:\.\d+)*")
_SLASH_NUMBER = re.compile(r"/(\d{1,4})(?![\w.])")
# A capital letter, then the look-behind (two characters back): the engine skips to capitals instead of
# trying a look-behind at every position. Same matches as "(?<![A-Za-z0-9-])([A-Z][a-z]{1,4}-?|[A-Z]{1,3}-)...".
# A derived name goes on over a version written after it: "MegaPile-v2" is one name, not a derived "MegaPile".
_PREFIX_DERIVED = re.compile(r"([A-Z](?<![A-Za-z0-9\-][\s\S])(?:[a-z]{1,4}-?|[A-Z]{0,2}-))([A-Z][A-Za-z0-9]{3,})(?![A-Za-z0-9]|-[A-Za-z0-9])")
# A dot belongs to a token only between digits ("MultiWOZ 2.1"), so "weights.We" is two tokens.
_TOKEN = re.compile(r"\(\s*[A-Za-z][A-Za-z0-9\-]{0,11}\s*\)"
                    r"|[A-Za-z0-9](?:[A-Za-z0-9+&]|(?<=\d)\.(?=\d)|[\-'](?=[A-Za-z0-9]))*|\S")
_CONNECTORS = frozenset({",", "and", "or", "&", "/"})
_TITLE_WORD = re.compile(r"[A-Z][a-z]+")
# A capitalised participle ("Synthesized", "Augmented", "Streaming") describes data; it does not name it.
_INFLECTED_WORD = re.compile(r"[A-Z][a-z]{2,}(?<!e)(?:ed|ing)")
# A language or nationality adjective alone before a trigger ("a large Korean dataset", "Amharic corpus")
# says what the data is in or from; it is no name of its own: the common adjective suffixes, and language
# names that do not end in one (general vocabulary, not the names seen in fixtures).
_LANGUAGE_WORD = re.compile(r"[A-Z][a-z]{2,}(?:ese|ish|ian)|Arabic|Korean|Amharic|Hebrew|Persian|Thai|Swahili|Hindi|"
                            r"Urdu|Bengali|Tamil|Telugu|Greek|Czech|Dutch|French|German|Russian|Turkish|Farsi|Yoruba")
# One pass over the lowercased text finds every context anchor: a trigger word, optionally followed
# by a list introducer ("datasets such as", "benchmarks (") or a naming verb ("a benchmark called").
_ANCHOR = re.compile(
    r"(?<![a-z])(?P<trigger>data\s?sets?|bench\s?marks?|benchmark suites?|suites?|corpus|corpora|tasks|"
    r"test\s?beds?|(?:test|validation|dev|evaluation) sets?|challenge|competition|contest)(?![a-z])"
    r"(?:\s*,?\s*(?P<list>(?:such as|including|like|namely|e\.g\.|i\.e\.|viz\.)[,:]?\s+|\(\s*(?:(?:e\.g\.|"
    r"i\.e\.|such as|including)[,:]?\s*)?|:\s*)|,?\s+(?P<called>called|named|dubbed|termed|coined)\s+)?")
# Every _ANCHOR trigger starts with one of these (tests/test_claims_speed_equivalence.py checks it).
_ANCHOR_LITERALS = ("data", "bench", "suite", "corp", "task", "test", "validation", "dev", "evaluation",
                    "challenge", "competition", "contest")
_COMMA_AFTER = re.compile(r",\s+(?=[A-Z0-9])")
_SET_OFF = re.compile(r"\s*[,.;)]")
_NAME_AFTER_TRIGGER = re.compile(r"\s+(?=[A-Z][A-Za-z0-9\-]*[A-Z0-9])[A-Z][A-Za-z0-9\-]+(?![A-Za-z0-9])")
_NAME_IN_COMMAS = re.compile(r"\s*[,:]\s+((?=[A-Z][A-Za-z0-9\-]*[A-Z0-9])[A-Z][A-Za-z0-9\-]+)(?=\s*[,;(])")
_APPOSITIVE_BEFORE = re.compile(r"(?:,|\s+is|\s+are)\s+(?:a|an|(?P<plural>two|three|four|five|six))\s+(?:[\w-]+\s+){0,3}?$")
_TRIGGER_AFTER = re.compile(r"\s+(?:[A-Za-z][\w-]*\s+)?(?:data\s?sets?|benchmarks?|corpus|corpora|graphs?|"
                            r"data)\b", re.IGNORECASE)
# "PPI (0.995) and Reddit (0.970)": a score in parentheses after a list item does not end the list.
_LIST_GAP = re.compile(r"(?:\s*\(\s*[\d.,%\u00b1+\s-]+\))?\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*|/\s*)")


def find_datasets(text: str) -> list[str]:
    gazetteer = dataset_gazetteer()
    lowered = ascii_lowered(text)
    strong, pending = _gazetteer_mentions(text, lowered, gazetteer)
    taken = SpanSet((m.start, m.end) for m in strong + pending)
    strong += _prefix_derived(text, gazetteer, taken)
    strong += [m for m in _context_mentions(text, lowered, gazetteer) if not taken.overlaps(m.start, m.end)]
    strong += [Mention(m.start("name"), m.end("name"), m.group("name"), alias_key(m.group("name"), False))
               for m in new_named_data(text) if not taken.overlaps(m.start("name"), m.end("name"))
               and not gazetteer.blocked.match(m.group("name")) and not _is_hardware_name(m.group("name"))
               and not m.group("name").isupper()]  # "a new GPU graph": an all-capitals word is no such name
    strong += _accept_context_only(text, pending, strong)
    found = SpanSet((m.start, m.end) for m in strong)
    strong += evaluated_names(text, gazetteer, found)
    # "Sequential and Permuted MNIST": the modifier names "Sequential MNIST", not a dataset of its own
    shared = {(s, e): Mention(s, e, n, alias_key(n, False)) for s, e, n in shared_head_names(text, gazetteer) if not taken.overlaps(s, e)}
    strong = [m for m in strong if (m.start, m.end) not in shared] + list(shared.values())
    strong += _coordinated_names(text, strong, gazetteer)
    kept = drop_parenthetical_acronyms(text, strong)
    tasks = task_acronyms(text, {m.identity for m in kept}) if "(" in text and kept else set()
    tasks |= model_side_acronyms(text, {m.identity for m in kept}) if kept else set()
    unknown = {m.identity for m in kept if len(m.identity) <= 7 and m.identity not in gazetteer.strong_keys}
    if unknown and "(" in text:
        # "Relation Extraction (RE) tasks": an unknown acronym the abstract spells out as a task or method
        tasks |= spelled_task_acronyms(text, unknown)
    kept = [m for m in kept if m.identity not in tasks]
    kept = _with_full_names(text, kept, gazetteer) if "(" in text else kept
    restated = acronym_of_written([(m.name, text[m.start:m.end]) for m in kept]) if len(kept) > 1 else set()
    return _finalise([m for i, m in enumerate(kept) if i not in restated])


def _gazetteer_mentions(text: str, lowered: str, gazetteer: DatasetGazetteer) -> tuple[list[Mention], list[Mention]]:
    strong: list[Mention] = []
    pending: list[Mention] = []
    hits = list(gazetteer.index.find(text, lowered))
    # "the ImageNet validation set and ILSVRC2012": named two ways, the dataset gets its canonical name
    named = Counter(hit.payload.canonical for hit in hits)
    for hit in hits:
        alias = hit.payload
        # (not for a short acronym, which is as often part of a method's name: "WiSE-ALE")
        compound = hyphen_compound(text, hit.start, hit.end) if hit.end - hit.start > 3 else (hit.start, hit.end)
        if compound != (hit.start, hit.end):
            mention = _compound_mention(text, compound, (hit.start, hit.end), gazetteer)
            if mention is not None:  # a platform word ("Flickr") still needs its context
                (pending if alias.context_only else strong).append(mention)
                continue
        name, end = with_variant(text, hit.start, hit.end, alias.canonical, alone=named[alias.canonical] == 1)
        long_form = " " in alias.written and " " not in alias.canonical and (
            is_expanded(text, end, alias, gazetteer) or is_full_name(alias))
        mention = Mention(hit.start, end, alias.written if long_form else name,
                          alias_key(name, False), long_form)
        (pending if alias.context_only else strong).append(mention)
        sibling = _slash_sibling(text, end, alias.canonical, gazetteer)
        if sibling:
            strong.append(sibling)
    return strong, pending


def _compound_mention(text: str, span: tuple[int, int], hit: tuple[int, int],
                      gazetteer: DatasetGazetteer) -> Mention | None:
    """'MIR-Flickr', 'IMDB-Wiki': the derived name as written (its canonical when known); None for a
    model or hardware compound, or a pair of known datasets."""
    start, end = span
    name = text[start:end]
    added = (text[start:hit[0]] + text[hit[1]:end]).split("-")
    if gazetteer.blocked.match(name) or _is_hardware_name(name) or any(
            alias_key(part, False) in gazetteer.strong_keys for part in added if part):
        return None  # "SVHN-MNIST": a pair of known datasets (a transfer task), each listed on its own
    known = gazetteer.strong_keys.get(alias_key(name, False))
    return Mention(start, end, known.canonical if known else name, alias_key(name, False))


def _slash_sibling(text: str, end: int, canonical: str, gazetteer: DatasetGazetteer) -> Mention | None:
    """'CIFAR-10/100' names CIFAR-10 and CIFAR-100."""
    match = _SLASH_NUMBER.match(text, end)
    if not match or not canonical[-1].isdigit():
        return None
    known = gazetteer.strong_keys.get(alias_key(re.sub(r"\d+$", match.group(1), canonical), False))
    if known is None:
        return None
    return Mention(match.start(1), match.end(), known.canonical, alias_key(known.canonical, False))


def _prefix_derived(text: str, gazetteer: DatasetGazetteer, taken: SpanSet) -> list[Mention]:
    """Derived benchmarks built on a known name: LoKITTI and LoNuScenes (distant-pair KITTI), N-MNIST."""
    found = []
    for match in _PREFIX_DERIVED.finditer(text):
        mention = Mention(match.start(), match.end(), match.group(), alias_key(match.group(), False))
        if (alias_key(match.group(2), False) in gazetteer.strong_keys
                and not gazetteer.blocked.match(match.group()) and not taken.overlaps(mention.start, mention.end)):
            found.append(mention)
    return found


def _context_mentions(text: str, lowered: str, gazetteer: DatasetGazetteer) -> list[Mention]:
    groups: list[list[Token]] = []
    for anchor in matches_at_literals(_ANCHOR, lowered, _ANCHOR_LITERALS):
        trigger = anchor.group("trigger")
        start, end = anchor.span("trigger")
        if anchor.group("list"):
            groups += _groups_after(text, anchor.end(), gazetteer)
        elif trigger.endswith("s") and (comma := _COMMA_AFTER.match(text, end)):
            # "three benchmarks, ZetaQA, OmegaSum and PiTrans": a comma list of two or more names; a
            # single name after the comma may start a clause ("On all benchmarks, FooNet wins").
            listed = _groups_after(text, comma.end(), gazetteer)
            set_off = listed and _SET_OFF.match(text, listed[-1][-1][1])  # "..., A and B, show" / "B."
            groups += listed if len(listed) >= 2 and set_off else []
        named = _NAME_AFTER_TRIGGER.match(text, end) if anchor.group("called") is None else None
        if trigger == "tasks":
            named = None  # "a model for CTR tasks, called DeepFoo": "tasks" only introduces lists
        elif anchor.group("called") or named:  # "a benchmark called X", "a driving video dataset DIVA"
            groups += _groups_after(text, anchor.end() if anchor.group("called") else end, gazetteer, single=True)
        elif not trigger.endswith("s") and (appositive_name := _NAME_IN_COMMAS.match(text, end)):
            # "a new dataset, FooScenes, of 10k clips": one name set off by commas after a singular trigger
            groups += _groups_after(text, appositive_name.start(1), gazetteer, single=True)
        if trigger in ("tasks", "challenge", "competition", "contest") and text[start].islower():
            continue  # only "Challenge" as part of a name; "tasks" only introduces lists
        if text[start].isupper() and trigger in ("challenge", "competition", "contest"):
            title = titled_name_before(text, start)  # "Low Power Computer Vision Challenge"
            before = [title + [(0, 0, text[start:end])]] if title else []
        else:
            before = _groups_before(text, start, gazetteer)
        groups += before
        appositive = _APPOSITIVE_BEFORE.search(text, max(0, start - 60), start)
        if appositive:  # "we release FooQA, a large-scale dataset"; "FooQA and BarQA, two datasets"
            listed = _groups_before(text, appositive.start(), gazetteer)
            groups += listed if appositive.group("plural") and trigger.endswith("s") else listed[-1:]
    groups += [g for pos in task_on_positions(text) for g in _groups_after(text, pos, gazetteer)
               if NAME_ENDS.match(text, g[-1][1])]  # "on the PenTree bank dataset": the name goes on
    mentions = [m for m in (_group_mention(text, g, gazetteer) for g in groups) if m]
    if "Bench" in text or "-bench" in text:
        mentions += [Mention(b.start(), b.end(), b.group(), alias_key(b.group(), False))
                     for b in bench_tokens(text) if not gazetteer.blocked.match(b.group())]
    return mentions


def _tokens(text: str, start: int, end: int) -> list[Token]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, max(0, start), end)]


def _groups_before(text: str, pos: int, gazetteer: DatasetGazetteer) -> list[list[Token]]:
    """Name groups ending right before pos: 'the DoTA and UCF-Crime [datasets]' -> [DoTA], [UCF-Crime].
    The 64 characters before pos are read first; only a list that runs past them (or a result aside) is
    read again from 160 characters back (the same tokens: a window's first token alone may be cut)."""
    space = text.find(" ", pos - _NEAR, pos) if pos > _NEAR else -1
    if space >= 0:  # from a space: the tokens after the first two are the ones the longer window reads
        groups = _read_groups_before(text, _tokens(text, space, pos), gazetteer, whole=False)
        if groups is not None:
            return groups
    return _read_groups_before(text, _tokens(text, pos - 160, pos), gazetteer, whole=True) or []


_NEAR = 64


def _read_groups_before(text: str, tokens: list[Token], gazetteer: DatasetGazetteer,
                        whole: bool) -> list[list[Token]] | None:
    """The groups read back from the end of `tokens`; None when not `whole` and the reading reached the
    window's first two tokens (one may be cut, "( SGD )" read from inside is two) or an aside."""
    if not whole and len(tokens) <= 4:
        return None
    if len(tokens) > 3 and tokens[-1][2] == ")" and tokens[-3][2] == "(":  # a name too long for one token
        tokens[-3:] = [(tokens[-3][0], tokens[-1][1], "(" + tokens[-2][2] + ")")]
    if tokens and tokens[-1][2].startswith("("):  # "Schema-Guided Dialogue (SGD) dataset"
        paren = tokens.pop()
        if len(tokens) > 1 and not _is_name_token(tokens[-1][2], gazetteer) and tokens[-1][2] not in _CONNECTORS:
            # "real-world (QuillFaces) datasets": no name before the parenthesis, so the name is inside it
            inner = paren[2][1:-1].strip()
            if _is_name_token(inner, gazetteer):
                start = text.index(inner, paren[0])
                return [[(start, start + len(inner), inner)]]
    groups: list[list[Token]] = []
    current: list[Token] = []
    joined = 0  # capitalised describing words in `current` (no name on their own: "Extensive Image datasets")
    while tokens:
        token = tokens.pop()
        if _is_name_token(token[2], gazetteer) and len(current) < 5:
            current.insert(0, token)
            continue
        if len(current) < 5 and joins_name(token[2], text, token[0]) and not gazetteer.blocked.match(token[2]):
            current.insert(0, token)  # "the Famous People dataset": a capitalised describing word of the name
            joined += 1
            continue
        if token[2] == ")" and not current and not whole:
            return None
        if token[2] == ")" and not current and (opening := aside_start(tokens)) is not None:
            del tokens[opening:]  # "WikiText103 (10.8 perplexity) and LAMBADA (66.5%) datasets": a result aside
            continue
        if not current or token[2] not in _CONNECTORS:
            if joined and len(current) >= 5 and token[2][:1].isupper():
                current = []  # a longer title than can be read, with describing words in it: its start is unknown
            break
        if joined < len(current):
            groups.insert(0, current)
        current, joined = [], 0
        while tokens and tokens[-1][2] in _CONNECTORS:  # ", and"
            tokens.pop()
    if not whole and len(tokens) < 2:
        return None
    if current and joined < len(current):
        groups.insert(0, current)
    return groups


def _groups_after(text: str, pos: int, gazetteer: DatasetGazetteer,
                  single: bool = False) -> list[list[Token]]:
    """Name groups of a list starting at pos: 'datasets such as [Cora, Citeseer and PubMed]'."""
    groups: list[list[Token]] = []
    current: list[Token] = []
    for token in _tokens(text, pos, pos + 200):
        if _is_name_token(token[2], gazetteer) and len(current) < 5:
            current.append(token)
            continue
        if current:
            groups.append(current)
            current = []
        if token[2] == "et":  # "(Weston et al., 2015)" is a citation, not a list of datasets
            return groups[:-1]
        if single or token[2] not in _CONNECTORS:
            break
    if current:
        groups.append(current)
    return groups[:1] if single else groups


def _group_mention(text: str, group: list[Token], gazetteer: DatasetGazetteer) -> Mention | None:
    suffix = group.pop()[2] if group and group[-1][:2] == (0, 0) else ""
    whole = list(group)
    while group and group[-1][2].casefold() in gazetteer.task_words:
        group.pop()
    if len(group) < len(whole) and is_plain_title([t[2] for t in whole]) and trigger_follows(text, whole[-1][1]):
        group = whole  # "the Oxford Spoken Dialogue Understanding dataset": the task word is part of the title
    if not group:
        return None
    start, end = group[0][0], group[-1][1]
    name = " ".join(text[start:end].split())
    if not suffix and is_task_or_method_phrase(text, start, end, [t[2] for t in group], len(group) < len(whole)) \
            and alias_key(name, False) not in gazetteer.strong_keys:
        return None  # "tasks such as Sentiment Analysis", "Virtual Dataset Normalization"
    sentence_initial = start == 0 or re.search(r"[.!?]\s*$", text[max(0, start - 3):start]) is not None
    if len(group) == 1 and _TITLE_WORD.fullmatch(name) and (sentence_initial or _INFLECTED_WORD.fullmatch(name)
                                                            or _LANGUAGE_WORD.fullmatch(name)):
        return None  # "Rigorous benchmarks show ...", "a Distilled Dataset", "a large Korean corpus": a describing word
    if _is_hardware_name(name):
        return None  # "benchmarks (A100, 4090)" lists hardware
    name = f"{name} {suffix}" if suffix else name
    known = gazetteer.strong_keys.get(alias_key(name, False))
    name = known.canonical if known else name
    return Mention(start, end, name, alias_key(name, False))


def _accept_context_only(text: str, pending: list[Mention], accepted: list[Mention]) -> list[Mention]:
    """'Reddit', 'Amazon', 'Yelp' count next to 'dataset', after 'datasets such as', or in a list
    with other datasets; elsewhere they name a platform or company."""
    confirmed = {id(m) for m in accepted}
    confirmed |= {id(m) for m in pending
                  if _TRIGGER_AFTER.match(text, m.end) or _after_list_intro(text, m.start)}
    spread_through_lists(text, sorted(accepted + pending, key=lambda m: m.start), confirmed, _LIST_GAP)
    return [m for m in pending if id(m) in confirmed]


def _after_list_intro(text: str, start: int) -> bool:
    window = text[max(0, start - 40):start].translate(ASCII_LOWER)
    return any(m.group("list") and m.end() == len(window) for m in _ANCHOR.finditer(window))


def _with_full_names(text: str, kept: list[Mention], gazetteer: DatasetGazetteer) -> list[Mention]:
    """'the Zorbic Reasoning Benchmark (ZRB)': one dataset under its full name (dataset_acronyms.py)."""
    spans = {m.identity: (m.start, m.end) for m in kept}
    full = spelled_out_datasets(text, spans, gazetteer.strong_keys.keys(), lambda s: alias_key(s, False))
    for key, (start, end, name) in full.items():
        if gazetteer.blocked.match(name) or _is_hardware_name(name):
            continue
        kept = [m for m in kept if m.identity != key and not (start <= m.start and m.end <= end)]
        kept.append(Mention(start, end, name, key, long_form=True))
    return sorted(kept, key=lambda m: m.start) if full else kept


def _finalise(mentions: list[Mention]) -> list[str]:
    by_identity: dict[str, Mention] = {}
    for mention in mentions:  # already in text order
        known = by_identity.get(mention.identity)
        if known is None:
            by_identity[mention.identity] = mention
        elif mention.long_form and not known.long_form:
            known.name, known.long_form = mention.name, True
    names = [m.name for m in sorted(by_identity.values(), key=lambda m: m.start)]
    # A stated version replaces the bare name, at the family's first mention (LABELLING §2).
    result: list[str] = []
    for name in names:
        versions = [v for v in names if v.startswith(name + " ") and _VERSIONED_NAME.fullmatch(v[len(name) + 1:])]
        for candidate in versions or [name]:
            if candidate not in result:
                result.append(candidate)
    return result
