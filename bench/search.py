"""Search benchmark: a library of real text at scale, against the reference BM25 in-process.

    python bench/search.py [--passages 1000000] [--queries 1000] [--keep DIR]

Builds a JSONL corpus from ../shared/data (see bench/corpus.py; the real text is repeated
with distinct ids to reach the size asked for, and the table says how many times), ingests
it with `curbside ingest`'s code path into a temporary library, then times 1,000 real
questions through `Retriever.search` (vocabulary layer on, passages fetched from the
database). The reference is bm25s with the Snowball English stemmer and English stopwords,
indexed on the same passages in the same process; its figures stand beside ours with ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus
from memory import du_mb, peak_mb, reset_peak

from curbside.eval.metrics import percentile
from curbside.library.ingest import ingest
from curbside.library.records import FieldMap
from curbside.runtime import open_runtime
from curbside.settings import Settings


def run_ours(home: Path, data: Path, questions: list[str]) -> tuple[dict, list[str], list[str]]:
    reset_peak()
    rt = open_runtime(Settings(home=home, database_url=None))
    fmap = FieldMap.parse("id=id,title=title,text=text,publisher=publisher,year=year", "review")
    report = ingest([data], rt.store, rt.retriever, fmap=fmap)
    ingest_peak = peak_mb()
    current = rt.store.stats()["passages"]  # a record id repeated in a source makes a version
    size = du_mb(home)
    rt.retriever.search(questions[0], k=10)  # warm the reader
    reset_peak()
    latencies = []
    for q in questions:
        started = time.perf_counter()
        rt.retriever.search(q, k=10)
        latencies.append((time.perf_counter() - started) * 1000)
    query_peak = peak_mb()
    ids, texts = [], []
    for batch in rt.store.iter_current_passages(batch=20_000):
        docs = rt.store.get_passages([p.id for p in batch])
        for pid, (passage, document) in docs.items():
            ids.append(pid)
            texts.append(f"{document.title}\n{passage.text}")
    rt.close()
    return (
        {
            "passages": current,
            "passages_written": report.passages,
            "documents": report.documents,
            "failed": len(report.failed),
            "ingest_s": report.seconds,
            "ingest_per_s": report.passages / report.seconds,
            "disk_mb": size,
            "peak_rss_mb": max(ingest_peak, query_peak),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "mean_ms": statistics.fmean(latencies),
        },
        ids,
        texts,
    )


def run_reference(texts: list[str], questions: list[str], workdir: Path) -> dict:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    reset_peak()
    started = time.perf_counter()
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    build = time.perf_counter() - started
    del tokens
    build_peak = peak_mb()
    retriever.save(str(workdir / "bm25s"))
    size = du_mb(workdir / "bm25s")
    reset_peak()
    latencies = []
    for q in questions:
        started = time.perf_counter()
        qt = bm25s.tokenize([q], stopwords="en", stemmer=stemmer, show_progress=False)
        if qt.vocab:
            retriever.retrieve(qt, k=10, show_progress=False)
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "passages": len(texts),
        "ingest_s": build,
        "ingest_per_s": len(texts) / build,
        "disk_mb": size,
        "peak_rss_mb": max(build_peak, peak_mb()),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "mean_ms": statistics.fmean(latencies),
    }


def table(ours: dict, ref: dict, repetitions: int) -> str:
    rows = [
        ("passages", "passages", "{:,.0f}", False),
        ("ingest / index build (s)", "ingest_s", "{:,.1f}", True),
        ("passages written per second", "ingest_per_s", "{:,.0f}", False),
        ("on disk (MB)", "disk_mb", "{:,.0f}", True),
        ("peak RSS (MB)", "peak_rss_mb", "{:,.0f}", True),
        ("query p50 (ms)", "p50_ms", "{:.2f}", True),
        ("query p95 (ms)", "p95_ms", "{:.2f}", True),
    ]
    out = [
        f"Corpus: real text from ../shared/data repeated {repetitions}x with distinct ids.",
        "",
        "| measure | curbside (tantivy + vocabulary) | bm25s reference | ratio |",
        "|---|---|---|---|",
    ]
    for label, key, fmt, _lower_better in rows:
        a, b = ours[key], ref[key]
        ratio = f"{a / b:.2f}x" if b else "n/a"
        out.append(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {ratio} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the library here")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not corpus.NGC.exists():
        sys.exit(f"shared data not found at {corpus.SHARED}")
    with tempfile.TemporaryDirectory(prefix="curbside-bench-") as tmp:
        work = Path(tmp)
        data = work / "corpus.jsonl"
        records, repetitions = corpus.write_corpus(data, args.passages)
        print(f"corpus: {records:,} records, {repetitions} repetitions", flush=True)
        questions = corpus.questions(args.queries)
        home = args.keep or work / "library"
        ours, _ids, texts = run_ours(home, data, questions)
        print(f"curbside: {json.dumps(ours)}", flush=True)
        ref = run_reference(texts, questions, work)
        print(f"bm25s: {json.dumps(ref)}", flush=True)
    print()
    print(table(ours, ref, repetitions))
    if args.json:
        args.json.write_text(
            json.dumps({"curbside": ours, "bm25s": ref, "repetitions": repetitions}, indent=2)
        )


if __name__ == "__main__":
    main()
