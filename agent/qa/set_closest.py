"""The `closest` shape for a set question no paper meets (issue 12): rather than a flat "none", the
papers nearest the question, one sentence each, with `insufficient` and `missing` naming the unmet
constraint as the question wrote it."""

from __future__ import annotations

from agent.qa.text import term_set

NEAREST = 3     # papers a declined set shows as closest


def nearest(question: str, ctx, r, missing: list[str]):
    """The `closest` shape for a set no paper meets: the papers nearest the question, one sentence
    each, `insufficient` and `missing` naming the unmet constraint as the question wrote it. Near
    means meeting the rest of the question (the subject's papers when a qualifier is unmet), else
    using a distinctive word of the unmet constraint ("Jetson" of "Jetson Orin"); in retrieval
    order. None when nothing is near: a flat decline."""
    from agent.qa.closest import claim_sentence
    from agent.qa.drafting import Draft, finish, strip_end
    from agent.qa.text import label
    from agent.qa.tools import search_papers

    from agent.qa import set_concepts as sc

    near = set(r.near) or sc.sharing(missing, sc.term_index(ctx))
    ranked = search_papers(ctx, question, k=20)
    picked = [s for s in ranked if s.id in near][:NEAREST]
    if not picked:
        return None
    draft = Draft()
    q_terms = term_set(question)
    lacks = ", ".join(f'"{m}"' for m in missing)
    for src in picked:
        sup = claim_sentence(src.abstract, q_terms, ctx)
        n = draft.cite(src, sup)
        draft.lines.append(f"- {strip_end(label(src.title, src.abstract, src.arxiv_id))} (does not say {lacks}) "
                           f"[{n}]: {strip_end(sup)} [{n}].")
    answer = finish(question, draft, picked, r)
    answer.answer = f"No paper here answers this exactly (not covered: {lacks}); closest:\n{answer.answer}"
    answer.insufficient, answer.confidence, answer.missing = True, "closest", list(missing)
    return answer
