"""core/text.py: the one stemmer and stopword list shared by BM25 and the question router."""


def test_one_stemmer_folds_plurals_and_verb_forms():
    from core.text import stem

    assert {stem(w) for w in ("cache", "caches", "cached", "caching")} == {"cach"}
    assert stem("policies") == "policy" and stem("batches") == "batch" and stem("trained") == "train"
    assert stem("GPUs") == "gpu" and stem("TPUs") == "tpu"
    assert [stem(w) for w in ("loss", "analysis", "focus", "speed", "A100s")] == ["loss", "analysis", "focus", "speed", "a100s"]


def test_one_stopword_list_serves_search_and_questions():
    from agent.qa.text import STOP, terms
    from core.text import STOPWORDS
    from store.bm25 import tokenize

    assert STOPWORDS < STOP  # questions add only their framing words ("tell me", "list")
    assert tokenize("We propose a novel system for KV caches") == ["kv", "cach"]
    assert terms("Tell me which papers list KV caches") == ["kv", "cach"]
