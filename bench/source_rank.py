"""Where the named guideline ranks: a diagnostic for the vignette gap, not a score to tune on.

    CURBSIDE_HOME=DIR python bench/source_rank.py eval/cases/ngc_vignettes_dev.jsonl [--list]

For each case with an ``expect_source``, the whole question is searched as the answer
pipeline searches it (lexical hits, the semantic title candidates and lift, the document
coverage factors) and the rank of the case's source guideline among the distinct documents
is counted. The answer can only be as good as this ranking: when the source is not first, an
answer mostly cites another guideline. Run it on development files; on a held-out file print
only the summary line, so that nobody reads its cases.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from curbside.answer.analyse import analyse
from curbside.answer.documents import document_factors, rescaled, with_semantic
from curbside.answer.parts import split_question
from curbside.answer.retrieve import RETRIEVE_K
from curbside.answer.signals import question_populations
from curbside.eval.answers import load_cases
from curbside.runtime import open_runtime

BANDS = ("1", "2", "3", "4-5", "6-30", "not found")


def _band(rank: int | None) -> str:
    if rank is None:
        return "not found"
    if rank < 3:
        return str(rank + 1)
    return "4-5" if rank < 5 else "6-30"


def document_order(question: str, rt) -> list[tuple[str, str]]:
    """The whole question's documents, best first, as (id, title)."""
    vector = rt.semantic.encode(question) if rt.semantic else None
    whole = rt.retriever.search(question, k=RETRIEVE_K)
    whole = with_semantic(whole, vector, rt.semantic, rt.store, rt.retriever)
    context = analyse(question, whole.plan, rt.retriever.lexical.vocab)
    described = bool(split_question(question).case)
    factors = document_factors(
        whole, rt.store, rt.retriever, question_populations(context), described
    )
    hits = rescaled(whole.hits, factors)  # best first, as both steps return them
    return list(dict.fromkeys((h.document.id, h.document.title) for h in hits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--list", action="store_true", help="one line per case (dev files)")
    args = parser.parse_args()
    rt = open_runtime()
    bands: Counter[str] = Counter()
    try:
        for case in load_cases(args.cases):
            source = case.get("expect_source")
            if not source:
                continue
            wanted = {d.id for d in rt.store.find_documents_by_key_suffix(source)}
            order = document_order(case["question"], rt)
            rank = next((n for n, (doc, _) in enumerate(order) if doc in wanted), None)
            bands[_band(rank)] += 1
            if args.list:
                first = order[0][1][:60] if order else "-"
                print(f"{_band(rank):>9}  {source:<10} first: {first}")
    finally:
        rt.close()
    total = sum(bands.values()) or 1
    shares = {band: round(bands[band] / total, 3) for band in BANDS}
    print(json.dumps({"cases_file": args.cases.name, "cases": total, "source_rank": shares}))


if __name__ == "__main__":
    main()
