"""PostgreSQL beside the SQLite default, in the same run: ingest, query p50/p95, and the
PostgreSQL full-text search alternative that Curbside did not choose.

    python bench/postgres.py --postgres-url postgresql+psycopg://…  \
        [--passages 100000] [--queries 500]

One corpus (bench/corpus.py: real text from ../shared/data, repeated with distinct ids to
reach the size asked for) is ingested through `curbside ingest`'s code path twice: into a
SQLite library and into a PostgreSQL schema of its own (dropped at the end). The same real
questions are then timed through `Retriever.search` on both (vocabulary layer on, passages
fetched from the database). On PostgreSQL the tantivy index follows the database's log, as
every app server's does; so its ranking is the same as SQLite's, and the table shows the
top-10 agreement rather than a second nDCG.

The last column is PostgreSQL's own full-text search over the same passages (a weighted
tsvector of title and text, a GIN index, `ts_rank_cd`, the question's words OR-ed), timed and
compared with Curbside's top 10: the measurement behind keeping tantivy per server.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from scratch import postgres_schema
from sqlalchemy import create_engine, text

from curbside.eval.metrics import percentile
from curbside.library.ingest import ingest
from curbside.library.records import FieldMap
from curbside.runtime import open_runtime
from curbside.settings import Settings

FMAP = "id=id,title=title,text=text,publisher=publisher,year=year"
FTS_SQL = """
SELECT p.id FROM passages p
WHERE p.retired = false AND p.fts @@ to_tsquery('english', :q)
ORDER BY ts_rank_cd(p.fts, to_tsquery('english', :q)) DESC LIMIT 10
"""


def run(home: Path, url: str | None, data: Path, questions: list[str]) -> dict:
    rt = open_runtime(Settings(home=home, database_url=url))
    try:
        report = ingest([data], rt.store, rt.retriever, fmap=FieldMap.parse(FMAP, "review"))
        rt.retriever.search(questions[0], k=10)  # warm the reader
        latencies, tops = [], []
        for q in questions:
            started = time.perf_counter()
            hits = rt.retriever.search(q, k=10).hits
            latencies.append((time.perf_counter() - started) * 1000)
            tops.append([h.passage.id for h in hits])
        return {
            "passages": rt.store.stats()["passages"],
            "ingest_per_s": report.passages / report.seconds,
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "mean_ms": statistics.fmean(latencies),
            "tops": tops,
        }
    finally:
        rt.close()


def run_fts(url: str, questions: list[str]) -> dict:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            started = time.perf_counter()
            conn.execute(
                text(
                    "ALTER TABLE passages ADD COLUMN fts tsvector GENERATED ALWAYS AS "
                    "(setweight(to_tsvector('english', section_path), 'A') || "
                    "setweight(to_tsvector('english', text), 'B')) STORED"
                )
            )
            conn.execute(text("CREATE INDEX ix_passages_fts ON passages USING gin (fts)"))
            build = time.perf_counter() - started
        latencies, tops = [], []
        with engine.connect() as conn:
            for q in questions:
                words = re.findall(r"[A-Za-z0-9]+", q)
                query = " | ".join(words) or "nothing"
                started = time.perf_counter()
                tops.append(list(conn.execute(text(FTS_SQL), {"q": query}).scalars()))
                latencies.append((time.perf_counter() - started) * 1000)
        return {
            "index_build_s": build,
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "mean_ms": statistics.fmean(latencies),
            "tops": tops,
        }
    finally:
        engine.dispose()


def agreement(a: list[list[str]], b: list[list[str]]) -> float:
    """Mean share of the first top 10 that the second holds too."""
    shares = [len(set(x) & set(y)) / len(x) for x, y in zip(a, b, strict=True) if x]
    return statistics.fmean(shares) if shares else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", required=True)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument(
        "--fts-queries",
        type=int,
        help="questions for PostgreSQL FTS (default: all; 0 skips it: at 85k passages each "
        "took ~0.65 s, so at 1M the column alone would take longer than the rest)",
    )
    args = parser.parse_args()
    if not corpus.NGC.exists():
        sys.exit(f"shared data not found at {corpus.SHARED}")
    with (
        postgres_schema(args.postgres_url) as url,
        tempfile.TemporaryDirectory(prefix="curbside-bench-") as tmp,
    ):
        work = Path(tmp)
        data = work / "corpus.jsonl"
        records, repetitions = corpus.write_corpus(data, args.passages)
        questions = corpus.questions(args.queries)
        print(f"corpus: {records:,} records, {repetitions}x, {len(questions)} questions")
        sqlite = run(work / "sqlite", None, data, questions)
        postgres = run(work / "postgres", url, data, questions)
        fts_questions = questions[: args.fts_queries]
        fts = run_fts(url, fts_questions) if fts_questions else None
    print()
    print(f"{sqlite['passages']:,} passages (real text repeated {repetitions}x), ")
    print(f"{len(questions)} real questions, k=10, one process, warm caches.")
    print()
    print("| measure | SQLite (default) | PostgreSQL (tantivy per server) | PostgreSQL FTS |")
    print("|---|---|---|---|")
    build = f"+{fts['index_build_s']:.1f} s GIN build" if fts else "not run"
    print(
        f"| ingest passages/s | {sqlite['ingest_per_s']:,.0f} | "
        f"{postgres['ingest_per_s']:,.0f} | {build} |"
    )
    for key, label in (("p50_ms", "query p50 (ms)"), ("p95_ms", "query p95 (ms)")):
        fts_value = f"{fts[key]:.2f}" if fts else "not run"
        print(f"| {label} | {sqlite[key]:.2f} | {postgres[key]:.2f} | {fts_value} |")
    fts_agreement = (
        f"{agreement(sqlite['tops'][: len(fts['tops'])], fts['tops']):.2f}" if fts else "not run"
    )
    print(
        f"| top-10 agreement with SQLite | 1.00 | {agreement(sqlite['tops'], postgres['tops']):.2f}"
        f" | {fts_agreement} |"
    )
    print(
        f"PostgreSQL p50 / SQLite p50: {postgres['p50_ms'] / sqlite['p50_ms']:.2f}x (target <= 2)"
    )


if __name__ == "__main__":
    main()
