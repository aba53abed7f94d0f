"""List questions a new user asked (issue 12, round 5 review), on a small INVENTED corpus (systems,
figures and years made up for these tests): a year phrase filters the stored year; a superlative over
a metric ranks that metric's claims within the topic; the order of a listed set does not depend on
the hash seed; a hardware named only as a compared baseline is not used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import agent
from ask_corpus import ask_in as _ask, corpus_fixtures, short_titles as _names

REPO = Path(agent.__file__).resolve().parent.parent     # the code under test, also in the subprocesses
PAPERS = [
    ("Quokka: Sparse KV Cache Compression for Long-Context Serving", "2024-02-01", "cs.DC",
     "Long contexts make the KV cache of large language models huge. We present Quokka, which keeps only "
     "the important tokens of the KV cache. Quokka reduces KV cache memory by 4.2x compared to full caching "
     "with no loss in answer quality."),
    ("Wallaby: Two-Bit KV Cache Quantization for LLM Serving", "2024-05-01", "cs.LG",
     "We present Wallaby, a quantizer for the KV cache of large language models. Wallaby stores keys and "
     "values in two bits and reduces KV cache memory by 85% compared to FP16 caching on long-context tasks."),
    ("Numbat: Learned Eviction for the KV Cache", "2023-04-01", "cs.LG",
     "We present Numbat, a learned eviction policy for the KV cache of large language models. Numbat "
     "reduces KV cache memory by 30% over sliding-window eviction while keeping perplexity."),
    ("Bilby: Streaming Lane Detection on the Road", "2019-03-01", "cs.CV",
     "We present Bilby, a lane detector for autonomous driving evaluated on the KITTI dataset. Bilby runs "
     "1.8x faster than the previous lane detector."),
    ("Potoroo: Monocular Depth for Cars", "2019-09-01", "cs.CV",
     "We present Potoroo, a monocular depth estimator evaluated on the KITTI dataset. It is 2.2x faster "
     "than a stereo baseline."),
    ("Quoll: Point Cloud Odometry", "2021-06-01", "cs.CV",
     "We present Quoll, a LiDAR odometry method evaluated on the KITTI dataset, with 1.5x lower latency "
     "than a scan-matching baseline."),
    ("Dingo: A Convolution Engine for Edge FPGAs", "2021-01-01", "cs.AR",
     "We present Dingo, a convolution engine. We implement Dingo on a Xilinx ZCU102 FPGA board and achieve "
     "3.1x speedup over an embedded GPU."),
    ("Emu: Sparse Kernels for Recurrent Networks on GPUs", "2021-02-01", "cs.DC",
     "We present Emu, sparse kernels for recurrent networks that run on NVIDIA GPUs. We compare Emu with "
     "TVM, TensorRT and FlexAcc (a representative FPGA accelerator for recurrent networks), and achieve up "
     "to 5x speedup."),
    ("Koala: Low-Power Transformers on Reconfigurable Hardware", "2021-03-01", "cs.AR",
     "We present Koala, a transformer accelerator implemented on an Intel Arria 10 FPGA. Koala achieves "
     "2x higher energy efficiency than a prior FPGA accelerator."),
]


corpus_home, env = corpus_fixtures(PAPERS, "lists-corpus")


def test_a_year_phrase_is_a_filter_on_the_stored_year(env):
    ans = _ask(env, "Which papers were published in 2019?")
    assert ans.confidence == "answer" and not ans.insufficient, ans.answer
    assert set(_names(ans)) == {"Bilby", "Potoroo"}
    ans = _ask(env, "Which papers are from 2024 or later?")
    assert set(_names(ans)) == {"Quokka", "Wallaby"}, ans.answer


def test_a_superlative_over_a_metric_ranks_that_metrics_claims_within_the_topic(env):
    ans = _ask(env, "Which paper reduces KV cache memory the most?")
    assert ans.confidence == "answer" and not ans.insufficient, ans.answer
    assert _names(ans)[0] == "Wallaby" and "85%" in ans.answer     # 85% less is a 6.7x cut, above 4.2x


def test_a_hardware_named_only_as_a_compared_baseline_is_not_used(env):
    ans = _ask(env, "Which papers use FPGAs?")
    assert set(_names(ans)) == {"Dingo", "Koala"}, ans.answer      # Koala also compares with an FPGA


_ORDER_SCRIPT = """
import sys
from agent.corpus import open_store
from agent.qa import ask
from core.settings import Settings
settings = Settings(home=sys.argv[1])
ans = ask("Which papers use the KITTI dataset?", settings, store=open_store(settings))
print("|".join(c.id for c in ans.citations))
"""


def test_the_order_of_a_listed_set_does_not_depend_on_the_hash_seed(corpus_home):
    orders = []
    for seed in ("1", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO), PAPERS_HOME=str(corpus_home))
        done = subprocess.run([sys.executable, "-c", _ORDER_SCRIPT, str(corpus_home)], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        orders.append(done.stdout.strip().splitlines()[-1])
    assert orders[0] == orders[1]
    assert len(orders[0].split("|")) == 3
