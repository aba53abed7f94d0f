"""The dev oracle and the compressor / fusion studies of bench.tldr_embed_study (issue 15, round 10)."""

from __future__ import annotations

from typing import Any


def oracle(dev: list[dict[str, Any]]) -> None:
    """Best emittable candidate per dev abstract by R1, overall and within each kind of candidate."""
    import numpy as np

    best = [int(np.argmax(g["rouge"][:, 0])) for g in dev]
    r = 100 * np.mean([g["rouge"][k] for g, k in zip(dev, best)], axis=0)
    words = np.mean([len(g["texts"][k].split()) for g, k in zip(dev, best)])
    kinds = {}
    for g, k in zip(dev, best):
        kinds[g["kinds"][k]] = kinds.get(g["kinds"][k], 0) + 1
    print(f"dev oracle (best candidate of {len(dev)}): {r[0]:.2f}/{r[1]:.2f}/{r[2]:.2f} at {words:.1f} words;"
          f" kinds of the best: {kinds}; candidates per abstract {np.mean([len(g['texts']) for g in dev]):.1f}")


def compressor_vs_truncation(dev: list[dict[str, Any]], top: list[int]) -> None:
    """The pick against its own source sentence, whole and cut to the pick's length (first n words):
    does the compressor choose better words than a plain cut at the same length?"""
    import numpy as np
    from rouge_score import rouge_scorer

    from agent.engines.local import tldr_compress as base
    from agent.engines.local.tldr_train import best_rouge
    from bench.tldr_embed_study import bootstrap

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    pick, whole, cut, wl = [], [], [], []
    for g, k in zip(dev, top):
        n = len(g["texts"][k].split())
        src = base.clean_latex(g["sources"][k])
        pick.append(g["rouge"][k])
        whole.append(best_rouge(scorer, src, g["targets"]))
        cut.append(best_rouge(scorer, " ".join(src.split()[:n]), g["targets"]))
        wl.append(len(src.split()))
    pick, whole, cut = (np.array(x) for x in (pick, whole, cut))
    b = bootstrap(pick[:, 0] - cut[:, 0])
    print(f"compressor: pick {fmt(pick)}; its sentence cut to the same words {fmt(cut)} (pick - cut R1 "
          f"{b[0]:+.2f} [{b[1]:+.2f}, {b[2]:+.2f}]); whole sentence {fmt(whole)} at {np.mean(wl):.1f} words")


def fusion_ablation(train: list[dict[str, Any]], dev: list[dict[str, Any]], base_result: dict) -> None:
    """Refit and re-score with the two-sentence candidates (next sentence, headline clause) removed."""
    import numpy as np

    from agent.engines.local import tldr_train as tt
    from bench.tldr_embed_study import bootstrap, cv_per_abstract, picks

    def strip(groups, need):
        out = []
        for g in groups:
            keep = [k for k, kind in enumerate(g["kinds"]) if kind not in ("next", "headline")]
            if len(keep) >= need:
                out.append({**g, "features": [g["features"][k] for k in keep], "rouge": g["rouge"][keep],
                            "texts": [g["texts"][k] for k in keep], "kinds": [g["kinds"][k] for k in keep]})
            else:
                out.append(None)
        return out

    names = base_result["model"]["features"]
    tr = [g for g in strip(train, 2) if g]
    dv = strip(dev, 1)
    pairs = [(i, g) for i, g in enumerate(dv) if g]
    model = tt.fit(tr, names, dict(tt.CONFIG))
    top = picks(model, [g for _, g in pairs])
    d = np.array([g["rouge"][k] for (_, g), k in zip(pairs, top)])
    ref = base_result["dev"][[i for i, _ in pairs]]
    words = np.mean([len(g["texts"][k].split()) for (_, g), k in zip(pairs, top)])
    best = np.mean([g["rouge"][int(np.argmax(g["rouge"][:, 0]))] for _, g in pairs], axis=0) * 100
    b = bootstrap(ref[:, 0] - d[:, 0])
    cv = cv_per_abstract(tr, names, dict(tt.CONFIG))
    fused = sum(1 for g, k in zip(dev, base_result["picks"]) if g["kinds"][k] in ("next", "headline"))
    print(f"no fusion candidates: CV {fmt(cv)}, dev {fmt(d)} at {words:.1f} words on {len(pairs)} abstracts "
          f"(with fusion {fmt(ref)}; with - without R1 {b[0]:+.2f} [{b[1]:+.2f}, {b[2]:+.2f}]); oracle without "
          f"fusion {best[0]:.2f}; the shipped features pick a fusion on {fused} of {len(dev)} dev abstracts")


def fmt(m: Any) -> str:
    r = 100 * m.mean(axis=0)
    return f"{r[0]:.2f}/{r[1]:.2f}/{r[2]:.2f}"


def report_extras(train: list[dict[str, Any]], dev: list[dict[str, Any]], results: dict[str, Any]) -> None:
    oracle(dev)
    if "base" in results:
        compressor_vs_truncation(dev, results["base"]["picks"])
        fusion_ablation(train, dev, results["base"])
