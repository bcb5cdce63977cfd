"""``curbside eval retrieval``: a BEIR set in a temporary library, with the reference BM25
(bm25s, Snowball English stemmer, English stopwords) run on the same passages beside it."""

from __future__ import annotations

import csv
import importlib
import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import CurbsideError
from ..library.ingest import IngestReport, ingest
from ..library.records import FieldMap
from ..models import Document, Passage
from ..runtime import Runtime, open_runtime
from ..settings import Settings
from ..store.base import Store
from .metrics import mrr_at, ndcg_at, recall_at

DOC_DEPTH = 100
PASSAGE_DEPTH = 300
# The reference is a development extra (pyproject's [dev]); an install without it still
# measures curbside.
REFERENCE_MODULES = {"bm25s": "bm25s==0.3.16", "Stemmer": "PyStemmer"}


def reference_missing() -> str | None:
    """Why the reference BM25 cannot run in this environment, or None when it can."""
    missing = []
    for module, package in REFERENCE_MODULES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if not missing:
        return None
    return (
        f"the reference BM25 was skipped: {' and '.join(missing)} "
        f"{'is' if len(missing) == 1 else 'are'} not installed. Install "
        f"{'it' if len(missing) == 1 else 'them'} with "
        f"`pip install {' '.join(REFERENCE_MODULES.values())}` (or `pip install -e '.[dev]'` "
        "in a checkout) to compare; --no-reference skips it without this notice."
    )


BEIR_FIELDS = "id=_id,title=title,text=text"


def load_beir(folder: Path) -> tuple[Path, dict[str, str], dict[str, dict[str, int]]]:
    corpus = folder / "corpus.jsonl"
    qrels_path = folder / "qrels" / "test.tsv"
    if not corpus.exists() or not qrels_path.exists():
        raise CurbsideError(f"{folder}: needs corpus.jsonl, queries.jsonl and qrels/test.tsv")
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with qrels_path.open() as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            qrels[row["query-id"]][row["corpus-id"]] = int(row["score"])
    queries = {}
    with (folder / "queries.jsonl").open() as handle:
        for line in handle:
            q = json.loads(line)
            if q["_id"] in qrels:
                queries[q["_id"]] = q["text"]
    return corpus, queries, dict(qrels)


@contextmanager
def beir_library(corpus: Path) -> Iterator[tuple[Runtime, IngestReport]]:
    """A BEIR corpus ingested into a temporary library, deleted on leaving; the user's own
    library is never touched."""
    with tempfile.TemporaryDirectory(prefix="curbside-eval-") as tmp:
        rt = open_runtime(Settings(home=Path(tmp), database_url=None))
        try:
            fmap = FieldMap.parse(BEIR_FIELDS, "review")
            yield rt, ingest([corpus], rt.store, rt.retriever, fmap=fmap)
        finally:
            rt.close()


def corpus_id(document: Document) -> str:
    """The BEIR ``_id`` a document was ingested from (its key is ``path#_id``)."""
    return document.key.rsplit("#", 1)[1]


def corpus_passages(store: Store) -> Iterator[tuple[str, Passage, Document]]:
    """Every current passage with its document and that document's BEIR corpus id."""
    for batch in store.iter_current_passages():
        for passage, document in store.get_passages([p.id for p in batch]).values():
            yield corpus_id(document), passage, document


def _dedupe(passage_ids: list[str], to_doc: dict[str, str], depth: int) -> list[str]:
    seen: dict[str, None] = {}
    for pid in passage_ids:
        doc = to_doc.get(pid)
        if doc is not None and doc not in seen:
            seen[doc] = None
            if len(seen) >= depth:
                break
    return list(seen)


def _score(runs: dict[str, list[str]], qrels: dict[str, dict[str, int]], seconds: float):
    n = len(runs) or 1
    return {
        "recall@10": sum(recall_at(r, qrels[q], 10) for q, r in runs.items()) / n,
        "recall@100": sum(recall_at(r, qrels[q], 100) for q, r in runs.items()) / n,
        "ndcg@10": sum(ndcg_at(r, qrels[q], 10) for q, r in runs.items()) / n,
        "mrr@10": sum(mrr_at(r, qrels[q], 10) for q, r in runs.items()) / n,
        "qps": len(runs) / seconds if seconds else 0.0,
    }


def evaluate_beir(
    folder: Path,
    reference: bool = True,
    limit: int | None = None,
    console: Any = None,
    field_weights: dict[str, float] | None = None,
) -> dict[str, Any]:
    corpus, queries, qrels = load_beir(folder)
    skipped = reference_missing() if reference else None
    if skipped:
        reference = False
        if console is not None:
            console.print(f"note: {skipped}", markup=False, highlight=False)
    if limit:
        queries = dict(list(queries.items())[:limit])
    with beir_library(corpus) as (rt, report):
        if field_weights:
            rt.retriever.weights = field_weights
        to_doc: dict[str, str] = {}
        texts: list[tuple[str, str]] = []
        for corpus_id, passage, document in corpus_passages(rt.store):
            to_doc[passage.id] = corpus_id
            texts.append((passage.id, f"{document.title}\n{passage.text}"))
        ours: dict[str, list[str]] = {}
        started = time.perf_counter()
        for qid, text in queries.items():
            ranked = rt.retriever.search_ids(rt.retriever.plan(text), PASSAGE_DEPTH)
            ours[qid] = _dedupe([pid for pid, _ in ranked], to_doc, DOC_DEPTH)
        systems = {"curbside": _score(ours, qrels, time.perf_counter() - started)}
        if reference:
            systems["bm25s (reference)"] = _reference(texts, queries, qrels, to_doc)
    results = {
        "dataset": folder.name,
        "queries": len(queries),
        "passages": len(to_doc),
        "ingest_failures": len(report.failed),
        "systems": systems,
    }
    if skipped:
        results["reference_skipped"] = skipped
    return results


def _reference(texts, queries, qrels, to_doc) -> dict[str, float]:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    ids = [pid for pid, _ in texts]
    retriever = bm25s.BM25()
    tokens = bm25s.tokenize(
        [t for _, t in texts], stopwords="en", stemmer=stemmer, show_progress=False
    )
    retriever.index(tokens, show_progress=False)
    runs: dict[str, list[str]] = {}
    started = time.perf_counter()
    for qid, text in queries.items():
        q = bm25s.tokenize([text], stopwords="en", stemmer=stemmer, show_progress=False)
        if not q.vocab:
            runs[qid] = []
            continue
        docs, _ = retriever.retrieve(q, k=min(PASSAGE_DEPTH, len(ids)), show_progress=False)
        runs[qid] = _dedupe([ids[i] for i in docs[0]], to_doc, DOC_DEPTH)
    return _score(runs, qrels, time.perf_counter() - started)
