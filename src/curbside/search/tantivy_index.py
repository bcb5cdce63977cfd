"""The embedded search backend: a tantivy index in a folder beside the database.

The database is the source of truth. Every passage added or retired is written to the
``index_log`` table in the same transaction as the passage; the index applies that log in
order and records, after each of its own commits, the last sequence number it holds. On
opening, any tail of the log the index has not seen (a kill -9 between the two commits) is
replayed, and an index that belongs to another database or is unreadable is rebuilt.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import time
import uuid
from functools import lru_cache
from pathlib import Path

import tantivy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..errors import SearchError
from ..models import Hit
from ..store.sql import SQLStore
from .base import SearchResult
from .query import QueryPlan, plan_query
from .vocabulary import Vocabulary, load_vocabulary

ANALYZER = "curbside_en"
FIELD_WEIGHTS = {"title": 1.5, "section": 0.5, "body": 1.0}
MARKER = "curbside-applied.json"
COMMIT_EVERY = 50_000
NEGATED_WEIGHT = 0.2
_SENTENCE_START = re.compile(r"(^|[.?!:]\s*|\n\s*[-*]?\s*)$")


def _analyzers() -> dict[str, tantivy.TextAnalyzer]:
    base = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
    )
    stemmed = (
        base.filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )
    return {ANALYZER: stemmed}


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("passage_id", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("title", tokenizer_name=ANALYZER, index_option="freq")
    b.add_text_field("section", tokenizer_name=ANALYZER, index_option="freq")
    b.add_text_field("body", tokenizer_name=ANALYZER, index_option="freq")
    return b.build()


class IdfTable:
    """Inverse document frequencies of body terms, from one searcher's view of the index."""

    def __init__(self, searcher: tantivy.Searcher):
        self.searcher = searcher
        self.n = max(1, searcher.num_docs)
        self.cache: dict[str, float] = {}

    def __call__(self, token: str) -> float:
        if token not in self.cache:
            df = self.searcher.doc_freq("body", token)
            self.cache[token] = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        return self.cache[token]


class TantivyRetriever:
    """Retriever over a tantivy index kept in step with a SQLStore."""

    def __init__(
        self,
        store: SQLStore,
        path: Path,
        vocabulary: Vocabulary | None = None,
        field_weights: dict[str, float] | None = None,
    ):
        self.store = store
        self.path = Path(path)
        self.vocab = vocabulary or load_vocabulary()
        self.weights = field_weights or dict(FIELD_WEIGHTS)
        self.analyzers = _analyzers()
        self.analyzer = self.analyzers[ANALYZER]
        # The same passages are tokenised by every ask of a question and by later questions.
        self._analyze = lru_cache(maxsize=50_000)(lambda text: tuple(self.analyzer.analyze(text)))
        self.schema = _schema()
        self.index = self._open()
        self._writer: tantivy.IndexWriter | None = None
        self._pending = 0
        self._applied = self._read_marker()
        self._seen = self._applied  # last log entry handed to the writer, maybe uncommitted
        self._replaying = True  # until our first commit, the log tail may be half-applied
        self._reloaded_at = 0.0

    # ---- opening and keeping in step -----------------------------------------------------
    def _open(self) -> tantivy.Index:
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        except (OSError, ValueError):
            shutil.rmtree(self.path, ignore_errors=True)
            self.path.mkdir(parents=True)
            index = tantivy.Index(self.schema, path=str(self.path), reuse=False)
        for name, analyzer in self.analyzers.items():
            index.register_tokenizer(name, analyzer)
        return index

    def _library_uid(self) -> str:
        from sqlalchemy import select

        from ..store.schema import library_state as S

        with self.store.engine.begin() as conn:
            uid = conn.execute(select(S.c.value).where(S.c.name == "library_uid")).scalar()
            if uid is None:
                uid = uuid.uuid4().hex
                conn.execute(S.insert().values(name="library_uid", value=uid))
        return uid

    def _read_marker(self) -> int:
        try:
            data = json.loads((self.path / MARKER).read_text())
        except (OSError, ValueError):
            return -1
        return int(data.get("seq", -1)) if data.get("library") == self._library_uid() else -1

    def _write_marker(self, seq: int) -> None:
        tmp = self.path / (MARKER + ".tmp")
        tmp.write_text(json.dumps({"library": self._library_uid(), "seq": seq}))
        os.replace(tmp, self.path / MARKER)
        self._applied = seq

    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self.index.writer(heap_size=256_000_000, num_threads=2)
            except ValueError as exc:
                raise SearchError(f"search index is locked by another writer: {exc}") from exc
        return self._writer

    def sync(
        self, commit: bool = True, known: dict[str, tuple[str, str, str]] | None = None
    ) -> int:
        """Apply the log tail to the index; return how many changes were applied.

        ``known`` maps passage ids the caller has just stored to (title, section path, text),
        which saves reading them back; the log still decides what is applied.
        """
        if self._applied < 0:
            return self.rebuild()
        applied = 0
        while True:
            changes = self.store.index_log_after(self._applied_pending(), limit=20_000)
            if not changes:
                break
            self._apply(changes, known or {})
            applied += len(changes)
        if commit and self._writer is not None and (self._pending or applied):
            self.commit()
        elif applied == 0 and not self._pending:
            self._replaying = False  # caught up: nothing can be half-applied any more
        return applied

    def _applied_pending(self) -> int:
        return self._seen

    def _apply(
        self, changes: list[tuple[int, str, str]], known: dict[str, tuple[str, str, str]]
    ) -> None:
        writer = self.writer()
        missing = [pid for _, pid, op in changes if op == "add" and pid not in known]
        rows = {
            pid: (doc.title, passage.section_path, passage.text)
            for pid, (passage, doc) in self.store.get_passages(missing).items()
            if not passage.retired
        }
        retired = {pid for _, pid, op in changes if op == "del"}
        for _, pid, op in changes:
            # Log entries past the marker may already be in the index if a process died
            # between the index commit and the marker write: replace rather than duplicate.
            if op == "del" or pid in retired or self._replaying:
                writer.delete_documents_by_term("passage_id", pid)
            if op == "add" and pid not in retired:
                fields = known.get(pid) or rows.get(pid)
                if fields:
                    writer.add_document(self._doc(pid, *fields))
        self._seen = changes[-1][0]
        self._pending += len(changes)
        if self._pending >= COMMIT_EVERY:
            self.commit()

    def _doc(self, pid: str, title: str, section_path: str, text: str) -> tantivy.Document:
        section = section_path.split(" › ", 1)[1] if " › " in section_path else ""
        return tantivy.Document(passage_id=pid, title=title, section=section, body=text)

    def commit(self) -> None:
        if self._writer is None:
            return
        self._writer.commit()
        seq = self._applied_pending()
        self._write_marker(seq)
        self.store.trim_index_log(seq)
        self._pending = 0
        self._replaying = False
        self.index.reload()

    def rebuild(self) -> int:
        """Index every current passage from scratch (a new or foreign index)."""
        writer = self.writer()
        writer.delete_all_documents()
        last = self.store.last_log_seq()
        count = 0
        for batch in self.store.iter_current_passages():
            docs = self.store.get_passages([p.id for p in batch])
            for passage, document in docs.values():
                writer.add_document(
                    self._doc(passage.id, document.title, passage.section_path, passage.text)
                )
            count += len(batch)
        self._seen = last
        self.commit()
        return count

    def release(self) -> None:
        """Commit and let go of the index writer, so another process (an ingest) can take it."""
        self.close()

    def close(self) -> None:
        if self._writer is not None:
            if self._pending:
                self.commit()
            self._writer.wait_merging_threads()
            self._writer = None

    # ---- searching -----------------------------------------------------------------------
    def _searcher(self) -> tantivy.Searcher:
        now = time.monotonic()
        if now - self._reloaded_at > 1.0:  # pick up other processes' commits
            self.index.reload()
            self._reloaded_at = now
        return self.index.searcher()

    def tokenize(self, text: str) -> list[str]:
        """Index terms of a text, exactly as the body field indexes them (a copy: callers
        may change it)."""
        return list(self._analyze(text))

    def mentions(self, text: str) -> bool:
        """Whether the library holds every word of ``text`` (by its stem)."""
        searcher = self._searcher()
        stems = self.tokenize(text)
        return bool(stems) and all(searcher.doc_freq("body", s) > 0 for s in stems)

    def idf_table(self) -> IdfTable:
        return IdfTable(self._searcher())

    def spell(self, token: str) -> str | None:
        """The library's own word closest to a word it does not hold, if one is close enough.

        Candidates are the index's stems (no second, unstemmed copy of the text is indexed);
        the correction shown is the word as it is written in a passage holding that stem.
        """
        stems = self.tokenize(token)
        if len(stems) != 1:
            return None
        searcher = self._searcher()
        stem = stems[0]
        if searcher.doc_freq("body", stem) > 0:
            return None
        counts = dict(searcher.terms_with_prefix("body", stem[:2]))
        # Two edits turn short words into other words ("lavender" -> "land"): only long
        # words may be two edits away from the library's spelling ("phaeochromocytoma").
        limit = 1 if len(stem) < 8 else 2
        close = process.extract(stem, list(counts), scorer=fuzz.ratio, limit=10, score_cutoff=70)
        scored = sorted(
            (Levenshtein.distance(stem, cand), -counts[cand], cand)
            for cand, _, _ in close
            if cand.isalpha()
        )
        if not scored or scored[0][0] > limit:
            return None
        return self._surface(scored[0][2])

    def _surface(self, stem: str) -> str | None:
        searcher = self._searcher()
        query = tantivy.Query.term_query(self.schema, "body", stem, index_option="freq")
        hits = searcher.search(query, limit=1, count=False).hits
        if not hits:
            return None
        pid = searcher.doc(hits[0][1])["passage_id"][0]
        found = self.store.get_passages([pid]).get(pid)
        text = found[0].text if found else ""
        words = [m for m in re.finditer(r"[A-Za-z]+", text) if self.tokenize(m.group()) == [stem]]
        # Capitalised every time, and not only where a sentence starts, it is a name (an
        # author, a place), not a word to correct a question into ("robaxin" is not "Robbins").
        starts = [bool(_SENTENCE_START.search(text[: m.start()])) for m in words]
        if not words or (all(m.group()[0].isupper() for m in words) and not all(starts)):
            return None
        return words[0].group().lower()

    def plan(self, text: str) -> QueryPlan:
        return plan_query(text, self.vocab, self.spell)

    def build_query(self, plan: QueryPlan):
        Occur, Q = tantivy.Occur, tantivy.Query
        groups = []
        for group in plan.groups:
            alternatives = []
            for term in group.terms:
                tokens = self.analyzer.analyze(term.text)
                if not tokens:
                    continue
                per_token = [self._fields_query(tok) for tok in dict.fromkeys(tokens)]
                alt = (
                    per_token[0]
                    if len(per_token) == 1
                    else Q.boolean_query([(Occur.Should, q) for q in per_token])
                )
                weight = term.weight * (NEGATED_WEIGHT if group.negated else 1.0)
                alternatives.append(Q.boost_query(alt, weight))
            if alternatives:
                groups.append(
                    alternatives[0]
                    if len(alternatives) == 1
                    else Q.disjunction_max_query(alternatives)
                )
        if not groups:
            return None
        return Q.boolean_query([(Occur.Should, q) for q in groups])

    def _fields_query(self, token: str):
        Q = tantivy.Query
        clauses = [
            (
                tantivy.Occur.Should,
                Q.boost_query(Q.term_query(self.schema, name, token, index_option="freq"), w),
            )
            for name, w in self.weights.items()
            if w > 0
        ]
        return Q.boolean_query(clauses)

    def search_ids(self, plan: QueryPlan, k: int = 10) -> list[tuple[str, float]]:
        query = self.build_query(plan)
        if query is None:
            return []
        searcher = self._searcher()
        try:
            result = searcher.search(query, limit=max(1, min(k, 1000)), count=False)
        except ValueError as exc:
            raise SearchError(f"search failed: {exc}") from exc
        return [(searcher.doc(addr)["passage_id"][0], score) for score, addr in result.hits]

    def search(self, text: str, k: int = 10) -> SearchResult:
        started = time.perf_counter()
        plan = self.plan(text)
        ranked = self.search_ids(plan, k)
        rows = self.store.get_passages([pid for pid, _ in ranked])
        hits = [Hit(rows[pid][0], rows[pid][1], score) for pid, score in ranked if pid in rows]
        return SearchResult(hits=hits, plan=plan, took_ms=(time.perf_counter() - started) * 1000)
