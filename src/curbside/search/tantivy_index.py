"""The embedded search backend: a tantivy index in a folder beside the database.

The database is the source of truth. Every passage added or retired is written to the
``index_log`` table in the same transaction as the passage; the index applies that log in
order and records, after each of its own commits, the last sequence number it holds. On
opening, any tail of the log the index has not seen (a kill -9 between the two commits) is
replayed, and an index that belongs to another database or is unreadable is rebuilt.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

import tantivy

from ..errors import SearchError
from ..models import Hit
from ..store.base import Store
from .base import SearchResult
from .query import QueryPlan, plan_query
from .tantivy_lexical import TantivyLexical
from .vocabulary import Vocabulary, load_vocabulary

ANALYZER = "curbside_en"
FIELD_WEIGHTS = {"title": 1.5, "section": 0.5, "body": 1.0}
MARKER = "curbside-applied.json"
COMMIT_EVERY = 50_000
SYNC_BATCH = 20_000
NEGATED_WEIGHT = 0.2


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


class TantivyRetriever:
    """Retriever over a tantivy index kept in step with a Store."""

    def __init__(
        self,
        store: Store,
        path: Path,
        vocabulary: Vocabulary | None = None,
        field_weights: dict[str, float] | None = None,
    ):
        self.store = store
        self.path = Path(path)
        self.weights = field_weights or dict(FIELD_WEIGHTS)
        self.analyzers = _analyzers()
        self.analyzer = self.analyzers[ANALYZER]
        self.schema = _schema()
        self.lexical = TantivyLexical(
            vocabulary or load_vocabulary(), self.analyzer, self.schema, self._searcher, store
        )
        self.index = self._open()
        self._writer: tantivy.IndexWriter | None = None
        self._pending = 0
        self.follower, self._applied = self._read_marker()
        self._seen = self._applied  # last log entry handed to the writer, maybe uncommitted
        # Entries up to here may already be in the index (a process died between the index
        # commit and the marker write, or a rebuild read them as passages): replace them.
        self._replay_upto = store.last_log_seq()
        self._last_version: int | None = None
        self._reloaded_at = 0.0
        # One thread at a time applies the log (a request's follow, an ingest's sync).
        self._sync_lock = threading.RLock()

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

    def _read_marker(self) -> tuple[str, int]:
        """This folder's follower id and the last log entry its index holds (-1: rebuild)."""
        try:
            data = json.loads((self.path / MARKER).read_text())
        except (OSError, ValueError):
            data = {}
        follower = str(data.get("follower") or uuid.uuid4().hex)
        seq = int(data.get("seq", -1)) if data.get("library") == self.store.library_uid() else -1
        # Below the floor, the log no longer holds every change since this index's position.
        if seq >= 0 and seq < self.store.index_log_floor():
            seq = -1
        return follower, seq

    def _write_marker(self, seq: int) -> None:
        tmp = self.path / (MARKER + ".tmp")
        data = {"library": self.store.library_uid(), "seq": seq, "follower": self.follower}
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path / MARKER)
        self._applied = seq

    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                self._writer = self.index.writer(heap_size=256_000_000, num_threads=2)
            except ValueError as exc:
                raise SearchError(f"search index is locked by another writer: {exc}") from exc
            # Another process sharing this folder may have moved the index on since we last
            # held the writer: continue from its marker, not from our own memory.
            _, on_disk = self._read_marker()
            if on_disk > self._seen or on_disk < 0:
                self._seen = self._applied = on_disk
        return self._writer

    def follow(self) -> None:
        """Per request: if the database's log has moved past this index, catch up.

        Several app servers each keep their own index; whichever ingests, the others apply
        its changes on their next request. A worker that cannot take the writer (another
        process of this folder holds it) reloads instead: that process applies them.
        """
        head = self.store.last_log_seq()
        if head <= self._seen and self._applied >= 0:
            return
        if self._writer is None:
            _, on_disk = self._read_marker()
            if on_disk >= head:  # another process of this folder applied them already
                self._seen = self._applied = on_disk
                self.index.reload()
                self._reloaded_at = time.monotonic()
                return
        if not self._sync_lock.acquire(blocking=False):
            return  # another thread of this process is applying the log right now
        try:
            held = self._writer is not None
            self.sync()
            if not held:  # let go, so `curbside ingest` beside this server can write
                self.release()
        except SearchError:
            self.index.reload()
            self._reloaded_at = time.monotonic()
        finally:
            self._sync_lock.release()

    def sync(
        self, commit: bool = True, known: dict[str, tuple[str, str, str]] | None = None
    ) -> int:
        """Apply the log tail to the index; return how many changes were applied.

        ``known`` maps passage ids the caller has just stored to (title, section path, text),
        which saves reading them back; the log still decides what is applied. The index is
        committed only between two transactions' entries (they differ in library version),
        so a reader never sees part of a document.
        """
        with self._sync_lock:
            return self._sync(commit, known or {})

    def _sync(self, commit: bool, known: dict[str, tuple[str, str, str]]) -> int:
        self.writer()
        if self._applied < 0:
            return self.rebuild()
        applied = 0
        while True:
            changes = self.store.index_log_after(self._seen, limit=SYNC_BATCH)
            if not changes:
                break
            whole = len(changes) < SYNC_BATCH  # the log's end is a transaction's end
            self._apply(changes, known)
            applied += len(changes)
            if self._pending >= COMMIT_EVERY and (whole or self._at_boundary()):
                self.commit()
        if commit and self._writer is not None and (self._pending or applied):
            self.commit()
        return applied

    def _at_boundary(self) -> bool:
        """Whether the next log entry starts another transaction than the last applied."""
        last = self._last_version
        following = self.store.index_log_after(self._seen, limit=1)
        return not following or following[0][3] != last or last is None

    def _apply(
        self,
        changes: list[tuple[int, str, str, int | None]],
        known: dict[str, tuple[str, str, str]],
    ) -> None:
        writer = self.writer()
        missing = [pid for _, pid, op, _ in changes if op == "add" and pid not in known]
        rows = {
            pid: (doc.title, passage.section_path, passage.text)
            for pid, (passage, doc) in self.store.get_passages(missing).items()
            if not passage.retired
        }
        retired = {pid for _, pid, op, _ in changes if op == "del"}
        for seq, pid, op, _ in changes:
            if op == "del" or pid in retired or seq <= self._replay_upto:
                writer.delete_documents_by_term("passage_id", pid)
            if op == "add" and pid not in retired:
                fields = known.get(pid) or rows.get(pid)
                if fields:
                    writer.add_document(self._doc(pid, *fields))
        self._seen = changes[-1][0]
        self._last_version = changes[-1][3]
        self._pending += len(changes)

    def _doc(self, pid: str, title: str, section_path: str, text: str) -> tantivy.Document:
        section = section_path.split(" › ", 1)[1] if " › " in section_path else ""
        return tantivy.Document(passage_id=pid, title=title, section=section, body=text)

    def commit(self) -> None:
        if self._writer is None:
            return
        self._writer.commit()
        seq = self._seen
        self._write_marker(seq)
        self.store.record_index_position(self.follower, seq)
        self._pending = 0
        self.index.reload()
        self._reloaded_at = time.monotonic()

    def rebuild(self) -> int:
        """Index every current passage from scratch (a new or foreign index)."""
        writer = self.writer()
        writer.delete_all_documents()
        last = self.store.last_log_seq()
        self._seen = last
        count = 0
        for batch in self.store.iter_current_passages():
            docs = self.store.get_passages([p.id for p in batch])
            for passage, document in docs.values():
                writer.add_document(
                    self._doc(passage.id, document.title, passage.section_path, passage.text)
                )
            count += len(batch)
        # Changes committed while we read may be both read here and logged after ``last``.
        self._replay_upto = self.store.last_log_seq()
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

    def plan(self, text: str) -> QueryPlan:
        self.follow()  # the generation check: one indexed query per search
        return plan_query(text, self.lexical.vocab, self.lexical.spell)

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
