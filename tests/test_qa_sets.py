"""Set ("which papers ...") questions per constraint kind on the small real corpus: a hardware family, a
metric and a task, each with one question that must list exactly the right papers and one that must
decline naming the unmet constraint (in the `closest` shape when papers are near); an exclusion
("excluding ..."); a dataset named only in a background sentence. Question wordings are invented,
not the fixture files'."""

from __future__ import annotations

from qa_support import qa_home, qa_settings, qa_store, ref_id  # noqa: F401

from agent.qa import ask
from agent.qa.constraints import Constraint
from agent.qa.sets import background_only

XILINX = ["004_74f5bfe55f112bb8.txt#20", "004_74f5bfe55f112bb8.txt#51", "004_74f5bfe55f112bb8.txt#55"]
REGISTRATION = ["000_8528321f52109f11.txt#0", "000_8528321f52109f11.txt#18"]
FEDERATED = {"plain": "000_8528321f52109f11.txt#8", "encrypted": "000_8528321f52109f11.txt#39"}
KV_CACHE = ["000_8528321f52109f11.txt#14", "000_8528321f52109f11.txt#15", "004_74f5bfe55f112bb8.txt#36"]


def _listed(ans) -> set[str]:
    assert ans.confidence == "answer" and not ans.insufficient, ans.answer
    return {c.id for c in ans.citations}


def _ids(store, refs) -> set[str]:
    return {ref_id(store, r) for r in refs}


def _declined(ans, surface: str) -> None:
    assert ans.insufficient and ans.confidence in ("closest", "none"), ans.answer
    assert ans.answer.startswith("No paper here answers this exactly"), ans.answer
    assert any(surface.lower() in m.lower() for m in ans.missing), ans.missing


def test_hardware_family_set_lists_its_members_and_declines_an_absent_family(qa_settings, qa_store):
    ans = ask("Name all the works whose prototypes were built on Xilinx boards.", qa_settings, store=qa_store)
    assert _listed(ans) == _ids(qa_store, XILINX)
    _declined(ask("Which papers benchmark their kernels on Google TPU v5e pods?", qa_settings, store=qa_store),
              "TPU v5e")


def test_metric_set_keeps_the_papers_reporting_it_and_declines_an_unreported_metric(qa_settings, qa_store):
    ans = ask("Which KV cache papers report a decoding throughput gain?", qa_settings, store=qa_store)
    assert _listed(ans) == _ids(qa_store, KV_CACHE[1:])     # the third reports no throughput or decoding figure
    ans = ask("Which KV cache papers report their BLEU score?", qa_settings, store=qa_store)
    _declined(ans, "BLEU")


def test_task_set_lists_exactly_its_papers_and_declines_a_task_nobody_does(qa_settings, qa_store):
    ans = ask("Which point cloud papers tackle registration?", qa_settings, store=qa_store)
    assert _listed(ans) == _ids(qa_store, REGISTRATION)
    ans = ask("Which point cloud papers do semantic segmentation?", qa_settings, store=qa_store)
    _declined(ans, "semantic segmentation")
    assert ans.confidence == "closest" and {c.id for c in ans.citations} <= _ids(qa_store, REGISTRATION)
    assert "No paper here answers this exactly" in ans.answer and "closest" in ans.answer


def test_an_excluded_concept_filters_papers_out(qa_settings, qa_store):
    both = _listed(ask("Which papers are about federated learning?", qa_settings, store=qa_store))
    assert _ids(qa_store, FEDERATED.values()) <= both
    ans = ask("Which papers are about federated learning, excluding those that rely on homomorphic encryption?",
              qa_settings, store=qa_store)
    listed = _listed(ans)
    assert ref_id(qa_store, FEDERATED["plain"]) in listed and ref_id(qa_store, FEDERATED["encrypted"]) not in listed


def test_a_dataset_named_only_as_background_is_not_the_papers_own_use():
    said = Constraint("dataset", "Foo-3D", "Foo-3D")
    background = ("Driving simulators are widely used. However, existing generators are trained on small "
                  "datasets like Foo-3D, which lack diversity. We propose a new generator and evaluate it on Bar.")
    own = "We propose a registration method. It improves recall on Foo-3D by 12%."
    first_person = "However, prior work ignores long range. We therefore evaluate on Foo-3D."
    assert background_only(said, background)
    assert not background_only(said, own) and not background_only(said, first_person)
    assert not background_only(said, "A paper that never names the dataset.")


def test_an_excluded_entity_filters_papers_out_and_is_printed(qa_settings, qa_store):
    ans = ask("List the papers with KITTI experiments but not nuScenes ones.", qa_settings, store=qa_store)
    kitti_only = {"000_8528321f52109f11.txt#5", "000_8528321f52109f11.txt#7"}
    assert _listed(ans) == _ids(qa_store, kitti_only)
    assert "not dataset=nuScenes" in ans.answer.splitlines()[0]
