"""Small text helpers shared by the page parsers: dates, arXiv ids, venues, title/author splitting."""

from __future__ import annotations

import re

from core.text import drop_invisible, visible_text

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
MONTH_RE = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
DATE_TEXT_RE = rf"{MONTH_RE} \d{{1,2}}(?:, \d{{4}})?"
ARXIV_ID_RE = r"(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})"
ARXIV_LINE = re.compile(rf"^arXiv:\s*({ARXIV_ID_RE})(?:v\d+)?\s*$")
ARXIV_PREFIX = re.compile(rf"^arXiv:\s*({ARXIV_ID_RE})(?:v\d+)?(?=\S)")
CREATED_LINE = re.compile(r"^Created:\s*(\d{4}-\d{2}-\d{2})\s*$")
CODE_URL = re.compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co)/[^\s)}\]]+")
ABSTRACT_MIN_CHARS = 160

# Venues we recognise inside free-text comments ("8 pages, ICCD 2022", "accepted by MICRO 2022").
VENUES = (
    "NeurIPS NIPS ICML ICLR CVPR ICCV ECCV WACV BMVC ACL EMNLP NAACL COLING AAAI IJCAI KDD WWW SIGIR "
    "WSDM CIKM RecSys MICRO ISCA HPCA ASPLOS DAC ICCAD ICCD DATE FPGA FCCM FPL MLSys OSDI SOSP NSDI "
    "EuroSys ATC SC PPoPP ICS IPDPS HPDC SIGMOD VLDB ICDE MobiCom MobiSys SenSys INFOCOM IROS ICRA "
    "CoRL RSS UAI AISTATS COLT Interspeech ICASSP TPAMI JMLR TMLR TCAD TC TPDS ISSCC VLSI ICDCS "
    "SoCC Middleware CCS USENIX Security NDSS IJCNN ACM MM ICME ICDM SDM PACT CGO PLDI LCTES CASES "
    "CODES ISLPED GLSVLSI ASP-DAC ICPP CLUSTER ISPASS IISWC"
).split()
_VENUE_ALT = "|".join(sorted((re.escape(v) for v in VENUES), key=len, reverse=True))
VENUE_WITH_YEAR = re.compile(rf"\b({_VENUE_ALT})\)?\s*[',]?\s*((?:19|20)\d{{2}})\b")
VENUE_BARE = re.compile(rf"\b({_VENUE_ALT})\b")
TRAILING_ORG = re.compile(r"\s+·\s+(?P<org>[^·]+?)\s*$")
# A name token is a capitalised run of letters in any script ("José", "Ærø", "O'Neil", "J."): an
# ASCII-only pattern read "José Müller, Zoë Brontë" as no author list, and a profile page then
# took that line for the paper's title.
NAME_TOKEN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['\u2019\-.])*$")
NAME_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "le", "la", "del", "dos", "du", "bin", "al"}


def parse_date(text: str) -> str | None:
    """'Sep 22, 2022' -> '2022-09-22'; 'May 6' -> '--05-06'; ISO dates pass through."""
    text = text.strip()
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        return "-".join(iso.groups())
    m = re.match(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?$", text)
    if not m or m.group(1).lower() not in MONTHS:
        return None
    month, day = MONTHS[m.group(1).lower()], int(m.group(2))
    if not 1 <= day <= 31:
        return None
    year = m.group(3)
    return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def normalise_category(code: str | None) -> str | None:
    """'cs.LG' -> 'LG', 'eess.IV' -> 'IV', 'LG' -> 'LG'."""
    if not code:
        return None
    return code.split(".")[-1].upper() if "." in code else code.upper()


def venue_from_comment(comment: str | None) -> str | None:
    """The venue named in a comment, with its year when given ('(CVPR), 2023' -> 'CVPR 2023')."""
    if not comment:
        return None
    m = VENUE_WITH_YEAR.search(comment)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    m = VENUE_BARE.search(comment)
    return m.group(1) if m else None


def code_url(abstract: str) -> str | None:
    m = CODE_URL.search(abstract)
    return m.group(0).rstrip(".,;") if m else None


def is_abstract_line(line: str) -> bool:
    """An abstract is a long line (LABELLING §0); glued title+author lines are never that long."""
    return len(line) > ABSTRACT_MIN_CHARS and not _looks_like_title_authors(line)


def _looks_like_title_authors(line: str) -> bool:
    return line.rstrip().endswith("et al.") or bool(TRAILING_ORG.search(line)) and ". " not in line


def looks_like_name(text: str) -> bool:
    tokens = text.split()
    if not 1 <= len(tokens) <= 5:
        return False
    return tokens[0][0].isupper() and all(t[0].isupper() and NAME_TOKEN.match(t) or t in NAME_PARTICLES
                                          for t in tokens)


def split_authors(text: str) -> tuple[list[str], str | None]:
    """'A B, C D et al. · org' -> (['A B', 'C D'], 'org')."""
    org = None
    m = TRAILING_ORG.search(text)
    if m:
        org, text = m.group("org").strip(), text[: m.start()]
    text = re.sub(r"\s*et al\.?\s*$", "", text.strip())
    names = [n.strip() for n in re.split(r",\s*|\s+and\s+", text) if n.strip()]
    return names, org


def looks_like_authors(text: str) -> bool:
    names, _ = split_authors(text)
    return bool(names) and all(looks_like_name(n) for n in names)


def split_title_authors(line: str) -> tuple[str, list[str], str | None]:
    """Split 'Some TitleFirst Author, Second Author et al. · org' where the author list is glued on.

    The glue point is the left-most upper-case letter that directly follows a non-space character
    (`RegistrationQuan`, `GPUZhenyu`, `Co-DesignShuwen`) from which the rest of the line reads as an
    author list. Returns the whole line as the title, with no authors, when there is no such point.
    """
    org = None
    m = TRAILING_ORG.search(line)
    body = line[: m.start()] if m else line
    if m:
        org = m.group("org").strip()
    for i in range(1, len(body) - 1):
        if not (body[i].isupper() and body[i + 1].islower() and not body[i - 1].isspace()):
            continue
        rest = body[i:]
        first_name = re.split(r",\s*", rest, maxsplit=1)[0]
        if _CAMEL.search(first_name) or not looks_like_authors(rest):
            continue
        names, _ = split_authors(rest)
        return body[:i].strip(), names, org
    return line.strip(), [], None


_CAMEL = re.compile(r"[a-z][A-Z]")


def tidy_occurrence(paper) -> None:
    """What any input format may smuggle in from a scraped page or a spreadsheet: byte-order marks,
    zero-width and bidi-control characters (a right-to-left override makes a title print reversed),
    no-break spaces. Names lose them and have their spaces collapsed; the abstract only loses the
    invisible characters. Applied to every parsed occurrence, so `show --json`, `list --json`, search
    and de-duplication all see the same clean title."""
    if paper.title is not None:
        paper.title = visible_text(paper.title) or None
    paper.authors = [name for name in (visible_text(a) for a in paper.authors) if name]
    for field in ("org", "venue"):
        value = getattr(paper, field)
        if value is not None:
            setattr(paper, field, visible_text(value) or None)
    paper.abstract = drop_invisible(paper.abstract)
