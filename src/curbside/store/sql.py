"""The Store on SQLAlchemy Core: SQLite by default (one WAL file), any portable URL otherwise."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from typing import Any

from sqlalchemy import (
    Engine,
    func,
    or_,
    select,
    update,
)

from ..clock import now
from ..errors import ConfigError, NotFound
from ..models import SECTION_SEP, Chunk, Document, ParsedDocument, Passage, passage_id
from ..settings import Settings
from . import schema
from .counters import SharedCounters
from .engine import make_engine
from .index_log import IndexLog
from .migrations import migrate
from .prepared import IngestStatements

D, P, LOG, STATE = schema.documents, schema.passages, schema.index_log, schema.library_state


def document_id(key: str, version: int) -> str:
    return hashlib.sha1(f"{key}\0{version}".encode()).hexdigest()[:16]


OnReplaced = Callable[[Any, str, str], None]  # (connection, old document id, its new status)


class _Unchanged(Exception):
    """Raised inside a write transaction to roll it back: nothing was changed after all."""

    def __init__(self, document_id: str):
        self.document_id = document_id


def _unchanged(latest: Any, parsed: ParsedDocument) -> bool:
    return latest is not None and latest[2] == "current" and latest[1] == parsed.content_hash


def open_store(settings: Settings) -> SQLStore:
    """Open (creating and migrating if needed) the store the settings name."""
    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        try:
            settings.home.mkdir(parents=True, exist_ok=True)
            from pathlib import Path

            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the data folder: {exc}") from exc
    engine = make_engine(url)
    migrate(engine)
    return SQLStore(engine)


def _document(row: Any) -> Document:
    return Document(
        id=row.id,
        key=row.key,
        title=row.title,
        publisher=row.publisher,
        year=row.year,
        url=row.url,
        kind=row.kind,
        source_path=row.source_path,
        content_hash=row.content_hash,
        version=row.version,
        superseded_by=row.superseded_by,
        status=row.status,
        ingested_at=row.ingested_at,
        meta=row.meta or {},
    )


def _passage(row: Any) -> Passage:
    return Passage(
        id=row.id,
        document_id=row.document_id,
        ord=row.ord,
        section_path=row.section_path,
        text=row.text,
        char_start=row.char_start,
        char_end=row.char_end,
        page=row.page,
        retired=bool(row.retired),
    )


class SQLStore(IndexLog, SharedCounters):
    """The Store on one SQLAlchemy engine, with the article and review stores beside it."""

    def __init__(self, engine: Engine):
        # Imported here: articles/ and review/ sit above store/ and import its schema.
        from ..articles.store import SQLArticles
        from ..review.store import ReviewStore

        self.engine = engine
        self._ingest = IngestStatements(engine)
        # SQLite lets one writer in at a time and fails a reader that turns writer after
        # another committed, so what a transaction read before its first write still holds.
        self._writes_serialized = engine.dialect.name == "sqlite"
        self.articles = SQLArticles(engine)
        self.review = ReviewStore(engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def library_uid(self) -> str:
        """A random id minted once per database: an index built for another one is rebuilt."""
        with self.engine.begin() as conn:
            uid = conn.execute(select(STATE.c.value).where(STATE.c.name == "library_uid")).scalar()
            if uid is None:
                uid = uuid.uuid4().hex
                conn.execute(STATE.insert().values(name="library_uid", value=uid))
        return uid

    # ---- documents -------------------------------------------------------------------
    def replace_document(
        self,
        parsed: ParsedDocument,
        chunks: Sequence[Chunk],
        on_replaced: OnReplaced | None = None,
    ) -> tuple[Document, str]:
        """Insert a document or a new version of it, in one transaction.

        Returns the current document and "new", "updated" or "unchanged". ``on_replaced(conn,
        old_id, status)`` runs inside that transaction when a version is superseded, so what
        it writes (answers sent back to review) commits with the change or not at all.
        """
        sql = self._ingest
        try:
            with self.engine.begin() as conn, closing(conn.connection.cursor()) as cursor:
                latest = sql.latest.run(cursor, {"key": parsed.key}).fetchone()
                if _unchanged(latest, parsed):
                    return self.get_document_in(conn, latest[0]), "unchanged"
                library_version = self._lock_and_bump(conn, cursor)
                if not self._writes_serialized:  # another writer may have stored it meanwhile
                    latest = sql.latest.run(cursor, {"key": parsed.key}).fetchone()
                    if _unchanged(latest, parsed):
                        raise _Unchanged(latest[0])
                doc, rows = self._insert(cursor, parsed, chunks, latest)
                old_id = latest[0] if latest and latest[2] == "current" else None
                if old_id is not None:
                    self._retire(conn, old_id, "superseded", doc.id, library_version)
                    if on_replaced is not None:
                        on_replaced(conn, old_id, "superseded")
                sql.insert_passage.run_many(cursor, rows)
                log = [
                    {"passage_id": r["id"], "op": "add", "version": library_version} for r in rows
                ]
                sql.insert_log.run_many(cursor, log)
        except _Unchanged as unchanged:
            return self.get_document(unchanged.document_id), "unchanged"
        return doc, "updated" if old_id is not None else "new"

    def _insert(
        self, cursor: Any, parsed: ParsedDocument, chunks: Sequence[Chunk], latest: Any
    ) -> tuple[Document, list[dict[str, Any]]]:
        version = (latest[3] if latest else 0) + 1
        values = {
            "id": document_id(parsed.key, version),
            "key": parsed.key,
            "title": parsed.title,
            "publisher": parsed.publisher,
            "year": parsed.year,
            "url": parsed.url,
            "kind": parsed.kind,
            "source_path": parsed.source_path,
            "content_hash": parsed.content_hash,
            "version": version,
            "superseded_by": None,
            "status": "current",
            "ingested_at": now(),
            "meta": parsed.meta,
        }
        self._ingest.insert_document.run(cursor, values)
        rows = [
            {
                "id": passage_id(values["id"], i),
                "document_id": values["id"],
                "ord": i,
                "section_path": SECTION_SEP.join(c.section_path),
                "text": c.text,
                "char_start": c.char_start,
                "char_end": c.char_end,
                "page": c.page,
                "retired": False,
            }
            for i, c in enumerate(chunks)
        ]
        return Document(**values), rows

    def remove_document(self, key: str, on_replaced: OnReplaced | None = None) -> Document | None:
        try:
            return self._remove(key, on_replaced)
        except _Unchanged:
            return None

    def _remove(self, key: str, on_replaced: OnReplaced | None) -> Document | None:
        with self.engine.begin() as conn, closing(conn.connection.cursor()) as cursor:
            current = (D.c.key == key, D.c.status == "current")
            if conn.execute(select(D.c.id).where(*current)).first() is None:
                return None
            library_version = self._lock_and_bump(conn, cursor)
            old = conn.execute(select(D).where(*current)).first()  # again, under the lock
            if old is None:
                raise _Unchanged("")  # removed by another writer meanwhile: roll back
            self._retire(conn, old.id, "removed", None, library_version)
            if on_replaced is not None:
                on_replaced(conn, old.id, "removed")
            return _document(conn.execute(select(D).where(D.c.id == old.id)).one())

    def _lock_and_bump(self, conn: Any, cursor: Any) -> int:
        """The first write of every library change: bump the library version and hold its
        row until commit. Writers thus commit one at a time, so index log entries commit in
        the order of their sequence numbers, and a follower that has read up to a number
        has seen every change below it."""
        row = self._ingest.bump_version.run(cursor, {}).fetchone()
        if row is not None:
            return int(row[0])
        conn.execute(STATE.insert().values(name="library_version", value="1"))
        return 1

    def _retire(
        self, conn: Any, doc_id: str, status: str, superseded_by: str | None, library_version: int
    ) -> None:
        conn.execute(
            update(D).where(D.c.id == doc_id).values(status=status, superseded_by=superseded_by)
        )
        ids = (
            conn.execute(select(P.c.id).where(P.c.document_id == doc_id, P.c.retired.is_(False)))
            .scalars()
            .all()
        )
        conn.execute(update(P).where(P.c.document_id == doc_id).values(retired=True))
        if ids:
            log = [{"passage_id": pid, "op": "del", "version": library_version} for pid in ids]
            conn.execute(LOG.insert(), log)

    def get_document_in(self, conn: Any, document_id: str) -> Document:
        return _document(conn.execute(select(D).where(D.c.id == document_id)).one())

    def library_version(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(STATE.c.value).where(STATE.c.name == "library_version")
            ).scalar()
        return int(value or 0)

    def current_document(self, key: str) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(D).where(D.c.key == key, D.c.status == "current")).first()
        return _document(row) if row else None

    def get_document(self, document_id: str) -> Document:
        with self.engine.connect() as conn:
            row = conn.execute(select(D).where(D.c.id == document_id)).first()
        if row is None:
            raise NotFound(f"no document {document_id!r}")
        return _document(row)

    def list_documents(
        self, text: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[Document]:
        query = select(D).where(D.c.status == "current")
        if text:
            like = f"%{text.strip()[:200]}%"
            query = query.where(or_(D.c.title.ilike(like), D.c.publisher.ilike(like)))
        query = query.order_by(D.c.title).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return [_document(r) for r in conn.execute(query)]

    def find_documents_by_key_suffix(self, suffix: str) -> list[Document]:
        """Current documents whose ingest key ends so ("#ngc-9512": one record of a file)."""
        query = select(D).where(D.c.status == "current", D.c.key.endswith(suffix, autoescape=True))
        with self.engine.connect() as conn:
            return [_document(r) for r in conn.execute(query.limit(5))]

    def document_titles(self) -> list[tuple[str, str]]:
        """(id, title) of every current document."""
        query = select(D.c.id, D.c.title).where(D.c.status == "current")
        with self.engine.connect() as conn:
            return [(r.id, r.title) for r in conn.execute(query)]

    def document_passages(self, document_id: str) -> list[Passage]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(P).where(P.c.document_id == document_id).order_by(P.c.ord))
            return [_passage(r) for r in rows]

    def get_passages(self, ids: Sequence[str]) -> dict[str, tuple[Passage, Document]]:
        if not ids:
            return {}
        query = (
            select(P, *[c.label(f"d_{c.name}") for c in D.c])
            .join(D, D.c.id == P.c.document_id)
            .where(P.c.id.in_(list(ids)))
        )
        out: dict[str, tuple[Passage, Document]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                m = row._mapping
                doc = Document(
                    **{
                        name: m[f"d_{name}"]
                        for name in (
                            "id",
                            "key",
                            "title",
                            "publisher",
                            "year",
                            "url",
                            "kind",
                            "source_path",
                            "content_hash",
                            "version",
                            "superseded_by",
                            "status",
                            "ingested_at",
                            "meta",
                        )
                    }
                )
                doc.meta = doc.meta or {}
                out[row.id] = (_passage(row), doc)
        return out

    def iter_current_passages(self, batch: int = 5000) -> Iterator[list[Passage]]:
        last = ""
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(P)
                    .where(P.c.retired.is_(False), P.c.id > last)
                    .order_by(P.c.id)
                    .limit(batch)
                ).all()
            if not rows:
                return
            last = rows[-1].id
            yield [_passage(r) for r in rows]

    def stats(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            docs = conn.execute(
                select(func.count()).select_from(D).where(D.c.status == "current")
            ).scalar()
            passages = conn.execute(
                select(func.count()).select_from(P).where(P.c.retired.is_(False))
            ).scalar()
            publishers = conn.execute(
                select(D.c.publisher, func.count())
                .where(D.c.status == "current")
                .group_by(D.c.publisher)
                .order_by(func.count().desc())
                .limit(10)
            ).all()
            last = conn.execute(select(func.max(D.c.ingested_at))).scalar()
        return {
            "documents": docs or 0,
            "passages": passages or 0,
            "publishers": [(p or "unknown", n) for p, n in publishers],
            "last_ingest": last,
            "library_version": self.library_version(),
        }
