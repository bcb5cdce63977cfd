"""Where each missing fact was lost: a diagnostic for the vignette gap, not a score to tune on.

    CURBSIDE_HOME=DIR python bench/fact_loss.py eval/cases/ngc_vignettes_dev.jsonl [--list]

Each answerable case is answered as `curbside eval answers` answers it, while the statements
every ask scored (the pipeline's candidate pools) are kept. A must-have fact the answer lacks
is then counted where it was lost:

- ``abstained``: the whole answer abstained;
- ``not in library``: no passage of the library holds the fact's words (the case file quotes
  across a sentence break, or words the summary does not have);
- ``not retrieved``: the library holds it, but no ask's retrieved passages did;
- ``ranked 1-5`` / ``6-15`` / ``16+``: a statement holding it was scored, at this best rank
  among its ask's statements, and not chosen.

Fact matching is the evaluation's (case-insensitive substring of the answer's text). Run it on
development files; on a held-out file print only the summary line, so that nobody reads its
cases.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import curbside.answer.pipeline as pipeline
from curbside.answer.pipeline import answer
from curbside.eval.answers import answer_text, load_cases
from curbside.runtime import open_runtime

PLACES = ("found", "abstained", "not in library", "not retrieved", "ranked 1-5", "ranked 6-15")
PLACES += ("ranked 16+",)


class PoolRecorder:
    """Wraps the pipeline's candidate scoring and keeps every ask's pool, best first."""

    def __init__(self) -> None:
        self.pools: list[list] = []
        self._inner = pipeline.candidates

    def __call__(self, *args, **kwargs):
        pool = self._inner(*args, **kwargs)
        self.pools.append(sorted(pool, key=lambda c: -c.score))
        return pool

    def best_rank(self, alternatives: list[str]) -> int | None:
        ranks = [
            rank
            for pool in self.pools
            for rank, c in enumerate(pool)
            if any(a in c.text.lower() for a in alternatives)
        ]
        return min(ranks, default=None)


def _place(rank: int | None, in_library: bool) -> str:
    if rank is None:
        return "not retrieved" if in_library else "not in library"
    return "ranked 1-5" if rank < 5 else "ranked 6-15" if rank < 15 else "ranked 16+"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--list", action="store_true", help="one line per lost fact (dev files)")
    args = parser.parse_args()
    rt = open_runtime()
    recorder = PoolRecorder()
    pipeline.candidates = recorder
    places: Counter[str] = Counter()
    try:
        texts = [
            p.text.lower()
            for doc, _ in rt.store.document_titles()
            for p in rt.store.document_passages(doc)
        ]
        for case in load_cases(args.cases):
            if case.get("expect_abstain"):
                continue
            recorder.pools.clear()
            article = answer(case["question"], rt, fresh=True, persist=False)
            said = answer_text(article).lower()
            for alternatives in case.get("must_include") or []:
                wanted = [a.lower() for a in alternatives]
                if any(a in said for a in wanted):
                    place = "found"
                elif article.abstained:
                    place = "abstained"
                else:
                    in_library = any(a in t for t in texts for a in wanted)
                    place = _place(recorder.best_rank(wanted), in_library)
                places[place] += 1
                if args.list and place != "found":
                    print(f"{place:>14}  {alternatives[0][:50]:<50}  {case['question'][:60]}")
    finally:
        pipeline.candidates = recorder._inner
        rt.close()
    total = sum(places.values()) or 1
    shares = {place: round(places[place] / total, 3) for place in PLACES}
    print(json.dumps({"cases_file": args.cases.name, "facts": total, "where": shares}))


if __name__ == "__main__":
    main()
