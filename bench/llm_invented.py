"""The openai engine against a server that answers with the gold labels, or with the gold labels plus one
invented item per field (a speedup, a dataset, a hardware item, a topic), over every labelled fixture.

    .venv/bin/python -m bench.llm_invented

Prints, per server: invented values surviving in the output, records falling back to the local engine
for speedups/datasets/hardware (and how many of those had gold items in that field), per-field F1, and
fields left empty because every item was rejected and the local engine, asked as a verifier, found none.
"""
import json
import sys


def main() -> None:
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "tests"))
    from fakeopenai import FakeOpenAI
    import os, tempfile
    fake = FakeOpenAI().start()
    os.environ.update(OPENAI_BASE_URL=fake.base_url, OPENAI_API_KEY="sk-fake-measure-000000")
    from test_llm_engine import fixtures, gold_server
    from test_llm_items import invent
    from agent.engines.registry import build_llm_engine
    from core.settings import Settings
    from core.models import PaperText
    records = list({(r["title"], r["abstract"]): r for r in fixtures()
                    if "The Pile" not in r["abstract"] and "IPU" not in r["abstract"]}.values())
    home = tempfile.mkdtemp()
    for mode in ("perfect", "invented"):
        fake.handler = gold_server(records, add=invent if mode == "invented" else None)
        eng = build_llm_engine("openai", Settings(home=home, backoff_base=0.01), model="gpt-4o-mini", use_cache=False)
        survived = fb_nonempty = fb_any = emptied = 0; tp = {k: [0, 0, 0] for k in ("speedups", "datasets", "hardware", "topics")}
        inv_topics = {}; from collections import Counter; fb_fields = Counter()
        for r in records:
            inv = invent(r) if mode == "invented" else {}
            out = eng.extract(PaperText(id=r["id"], title=r["title"], abstract=r["abstract"])).to_json()
            fb = out["provenance"].get("fallback", {})
            fb_any += any(f in fb for f in ("speedups", "datasets", "hardware"))
            fb_nonempty += any(f in fb and r[f] for f in ("speedups", "datasets", "hardware"))
            text = json.dumps({k: out[k] for k in ("speedups", "datasets", "hardware", "topics")})
            fb_fields.update(f for f in fb if f in ("speedups", "datasets", "hardware"))
            emptied += len(out["provenance"].get("rejected_all", {}))
            survived += sum(v in text for v in ("9.7", "The Pile", "Graphcore", inv.get("topics", "\0")))
            for k in tp:
                key = (lambda x: json.dumps({**x, "value": float(x["value"])} if isinstance(x, dict) and "value" in x else x, sort_keys=True))
                g = {key(x) for x in r[k]}; o = {key(x) for x in out[k]}
                tp[k][0] += len(g & o); tp[k][1] += len(o); tp[k][2] += len(g)
        eng.close()
        f1 = {k: round(2 * a / (b + c), 3) if b + c else 1.0 for k, (a, b, c) in tp.items()}
        print(mode, "records", len(records), "invented values surviving", survived,
              "records falling back (speedups/datasets/hardware)", fb_any, "of which gold non-empty", fb_nonempty, "F1", f1, "fallback fields", dict(fb_fields),
              "fields emptied (all items rejected, local finds none)", emptied)
    fake.stop()


if __name__ == "__main__":
    main()
