"""Answer latency, warm and extractive: the whole pipeline per question, nothing stored.

    python bench/answer.py [--library CURBSIDE_HOME] [--cases eval/cases/ngc.jsonl]

With --library pointing at the library bench/search.py kept (``--keep DIR``, one million
passages or more), this measures what the issue asks for. Without it, a library of the NGC
guideline summaries is built in a temporary folder first. Each question is answered once
to warm caches and then timed over several rounds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import NGC

from curbside.answer.pipeline import answer
from curbside.eval.answers import load_cases
from curbside.eval.metrics import percentile
from curbside.library.ingest import ingest
from curbside.library.records import FieldMap
from curbside.runtime import open_runtime
from curbside.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path)
    parser.add_argument("--cases", type=Path, default=ROOT / "eval" / "cases" / "ngc.jsonl")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    home = args.library or Path(tempfile.mkdtemp(prefix="curbside-answer-bench-"))
    rt = open_runtime(Settings(home=home, database_url=None))
    if rt.store.stats()["passages"] == 0:
        fmap = FieldMap.parse(
            "title=title,text=major_recommendations,publisher=developer,year=date_released"
        )
        ingest([NGC], rt.store, rt.retriever, fmap=fmap)
    passages = rt.store.stats()["passages"]
    questions = [c["question"] for c in load_cases(args.cases)]
    for q in questions:  # warm: index pages, caches, imports
        answer(q, rt, fresh=True, persist=False)
    latencies, abstained = [], 0
    for _ in range(args.rounds):
        for q in questions:
            started = time.perf_counter()
            article = answer(q, rt, fresh=True, persist=False)
            latencies.append((time.perf_counter() - started) * 1000)
            abstained += article.abstained
    rt.close()
    print(
        f"| library passages | questions x rounds | p50 ms | p95 ms | mean ms | abstained |\n"
        f"|---|---|---|---|---|---|\n"
        f"| {passages:,} | {len(questions)} x {args.rounds} | {percentile(latencies, 50):.1f} | "
        f"{percentile(latencies, 95):.1f} | {statistics.fmean(latencies):.1f} | "
        f"{abstained / len(latencies):.1%} |"
    )


if __name__ == "__main__":
    main()
