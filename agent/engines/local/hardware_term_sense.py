"""Whether a generic hardware term of the lexicon means hardware where it is written (LABELLING §3):
"cluster" of machines, not of data points; "cloud" of servers, not of points; a DSP processor, not
FPGA DSP slices; an acronym the abstract spells out as hardware, not as something else."""

from __future__ import annotations

import re

from agent.engines.local.gazetteer import Hit
from agent.engines.local.hardware_lexicon import ClassTerm

_CLOUD_NOT_HARDWARE = re.compile(r"(?:points?|words?|tags?)[\s\-]*$", re.IGNORECASE)
# "makes a phone call", "phone numbers": the device word modifies another head, which is no device
_PHONE_AS_MODIFIER = re.compile(r"s?[\s\-]+(?:calls?|numbers?|conversations?|interviews?|surveys?|lines?)\b",
                                re.IGNORECASE)
_COMPUTE_CLUSTER_BEFORE = re.compile(
    r"(?:gpu|ai|hpc|compute|computing|computer|production|training|inference|serving|datacenter|"
    r"data center|kubernetes|k8s|server|shared|multi-tenant|heterogeneous|homogeneous|large-scale|"
    r"commodity|cloud|slurm|hadoop|spark|cpu|tpu|\d+-node|\d+-gpu|multi-node|multi-gpu|distributed|"
    r"physical|on-premises?|research|enterprise|local|real|edge|accelerator|ray|prefill|decod\w*)[\s\-]+(?:[\w-]+\s+)?$",
    re.IGNORECASE)
_COMPUTE_CLUSTER_AFTER = re.compile(
    r"(?:\s+(?:of|with)\s+(?:[\w-]+\s+){0,2}(?:gpus|machines|nodes|servers|workers|accelerators|cpus|"
    r"tpus|devices|instances|hosts)\b|[\s\-]+(?:scheduler|scheduling|management|manager|utili[sz]ation|"
    r"throughput|resources?|operators?|administrators?|nodes?|level|wide|size|environments?|traces?|"
    r"workloads?|jobs?)\b)", re.IGNORECASE)
# "cluster" names machines unless the abstract uses the word in its data sense (clustering tokens,
# semantic clusters, k-means): then only a compute context counts. A hyphen compound ("Cluster-GCN")
# is a method name.
_CLUSTERING_SENSE = re.compile(r"\bclustering\b|\bclustered\b|k-?means|centroids?\b|\bcluster\s+(?:the|these|them|similar)\b",
                               re.IGNORECASE)
_HYPHEN_COMPOUND = re.compile(r"-[A-Za-z]")
_DATA_CLUSTER_BEFORE = re.compile(r"(?:semantic|tokens?|features?|topics?|data|points?|words?|keys?|vectors?|"
                                  r"embeddings?|similar|into)[\s\-]+(?:[\w-]+\s+)?$", re.IGNORECASE)
_CLUSTER_PLACE = re.compile(r"\b(?:on|in|across|onto|over)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
# "a cluster of <things>" where neither a machine noun nor a (capitalised) product name comes in the
# next few words: "clusters of non-zero values", not "clusters of 64 GPUs" or "clusters of the Zeta".
_MADE_OF = re.compile(r"s?\s+of\s+(?!(?:[\w,.-]+\s+){0,3}?(?:(?i:[GCTN]PUs?|machines?|nodes?|servers?|workers?|"
                      r"accelerators?|devices?|instances?|hosts?|computers?|boards?|chips?)\b|[A-Z]))")
# A cluster of cores on one chip ("a tightly coupled cluster of RISC-V cores", "an octa-core cluster") is
# a processor's part, not machines (LABELLING §3 counts only clusters of machines); once an abstract
# means that, its other bare "cluster" mentions ("the cluster's parallelism") mean it too.
_CORE_CLUSTER_BEFORE = re.compile(r"(?:(?:\d+|single|dual|quad|hexa|octa|multi|many)-core|tightly[\s\-]+coupled|"
                                  r"on-chip|ultra-low-power)[\s\-]+$", re.IGNORECASE)
_CORE_CLUSTER_AFTER = re.compile(r"s?\s+of\s+(?:[\w-]+\s+){0,3}?(?:cores|processors|processing\s+elements|PEs|harts)\b",
                                 re.IGNORECASE)
_CORE_CLUSTER_WORD = re.compile(r"\bcluster", re.IGNORECASE)
# "Extensive experiments in a cluster show ...", "deployed on our cluster": the place where a system is
# evaluated or deployed is machines, whatever else the abstract says.
_EVALUATED_IN = re.compile(r"\b(?:experiments?|evaluations?|evaluated?|deploy(?:ed|ment|ing)?|run|runs|running|"
                           r"tested|testing|measured|benchmarked|trained|training)\s+(?:[\w-]+\s+){0,2}?"
                           r"(?:on|in|across)\s+(?:(?:a|an|the|our|two|three|four|\d+)\s+)?(?:[\w-]+\s+)?$",
                           re.IGNORECASE)
COMPUTE_WORDS = re.compile(r"\b(?:[GCT]PUs?|nodes|machines|servers?|accelerators?|interconnects?|bandwidth|"
                            r"data ?centers?|infiniband|nvlink|parallelism)\b", re.IGNORECASE)


def sentence_end(text: str, pos: int) -> int:
    end = text.find(". ", pos)
    return len(text) if end < 0 else end


# "DSP slices", "more DSP efficient": DSP counted as an FPGA resource (what a design spends), not a processor
_FPGA_RESOURCES = re.compile(r"\b(?:LUTs?|BRAMs?|FFs?|flip-flops?|DSP48\w*|DSP[\s-](?:slices?|blocks?|"
                             r"resources?|utili[sz]ation|usage|units?|efficien\w*|counts?|consumption))\b",
                             re.IGNORECASE)


# the words before "(ACRONYM)", LaTeX emphasis closed after them or not ("\\textbf{Diversely Stale Parameters} (DSP)")
_EXPANSION_BEFORE = re.compile(r"((?:[A-Za-z][\w-]*\s+){0,3}[A-Za-z][\w-]*)(?:\}|\*\*?)?\s*\(\s*$")
_HARDWARE_NOUN = re.compile(r"(?:processors?|units?|arrays?|circuits?|chips?|devices?|cores?|accelerators?|cards?)$",
                            re.IGNORECASE)


def _defines_other_acronym(text: str, hit: Hit[ClassTerm]) -> bool:
    """'digital signal processing (DSP) extensions': an acronym in parentheses that the abstract
    spells out as something other than a piece of hardware (the spelled-out head is no hardware noun)."""
    if not hit.surface.isupper() or not text.startswith(")", hit.end) and not re.match(r"s?\)", text[hit.end:]):
        return False
    expansion = _EXPANSION_BEFORE.search(text, max(0, hit.start - 80), hit.start)
    if expansion is None:
        return False
    words = expansion.group(1).split()[-len(hit.surface):]
    initials = "".join(w[0] for w in words).upper()
    return initials == hit.surface.upper() and not _HARDWARE_NOUN.search(words[-1])


def _acronym_defined_otherwise(text: str, hit: Hit[ClassTerm]) -> bool:
    """One sense per abstract: once "(DSP)" is spelled out as no hardware, every "DSP" of it means that."""
    if not hit.surface.isupper():
        return False
    for pos in _occurrences(text, f"({hit.surface}"):
        inner = pos + 1
        if _defines_other_acronym(text, Hit(inner, inner + len(hit.surface), hit.surface, hit.payload)):
            return True
    return False


def _occurrences(text: str, needle: str) -> list[int]:
    out, pos = [], text.find(needle)
    while pos >= 0:
        out.append(pos)
        pos = text.find(needle, pos + 1)
    return out


def is_hardware_term(text: str, hit: Hit[ClassTerm]) -> bool:
    term = hit.payload
    if _defines_other_acronym(text, hit) or _acronym_defined_otherwise(text, hit):
        return False
    if term.name == "mobile phone" and _PHONE_AS_MODIFIER.match(text, hit.end):
        return False
    before = text[max(0, hit.start - 40):hit.start]
    if term.term == "cloud":
        return not _CLOUD_NOT_HARDWARE.search(before)
    if term.term == "cluster":
        return _is_compute_cluster(text, hit, before)
    if term.name == "DSP":
        return not _FPGA_RESOURCES.search(text, max(0, hit.start - 80), hit.end + 80)
    if term.name == "accelerator":
        return not before.rstrip().lower().endswith("particle")
    if term.name == "SoC":
        return "state of charge" not in text[max(0, hit.start - 400):hit.end + 400].lower()
    return True


def is_core_cluster(text: str, start: int, end: int) -> bool:
    """Whether "cluster" at start..end is written as a group of cores on one chip."""
    return bool(_CORE_CLUSTER_BEFORE.search(text, max(0, start - 30), start) or _CORE_CLUSTER_AFTER.match(text, end))


def _means_core_cluster(text: str) -> bool:
    return any(is_core_cluster(text, m.start(), m.end()) for m in _CORE_CLUSTER_WORD.finditer(text))


def _is_compute_cluster(text: str, hit: Hit[ClassTerm], before: str) -> bool:
    if _COMPUTE_CLUSTER_AFTER.match(text, hit.end):
        return True
    if _means_core_cluster(text) and not _COMPUTE_CLUSTER_BEFORE.search(before):
        return False
    if _MADE_OF.match(text, hit.end):
        return False  # what it is a cluster of decides: "clusters of non-zero values"
    if _COMPUTE_CLUSTER_BEFORE.search(before):
        return True
    if _HYPHEN_COMPOUND.match(text, hit.end) or _DATA_CLUSTER_BEFORE.search(before):
        return False
    if _EVALUATED_IN.search(before):
        return True
    if _CLUSTERING_SENSE.search(text):
        return False
    # "on two different clusters", "in a cluster" in an abstract about machines; or a sentence
    # that names the machines ("hyper-clusters: thousands of GPUs")
    sentence = text[text.rfind(". ", 0, hit.start) + 1:sentence_end(text, hit.end)]
    return bool(COMPUTE_WORDS.search(sentence)
                or _CLUSTER_PLACE.search(before) and COMPUTE_WORDS.search(text))
