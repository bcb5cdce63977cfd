"""The Store on SQLAlchemy Core: SQLite by default (one WAL file), any portable URL otherwise."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing
from typing import Any

from sqlalchemy import (
    Engine,
    Integer,
    String,
    cast,
    create_engine,
    event,
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
from .migrations import migrate
from .prepared import IngestStatements

D, P, LOG, STATE = schema.documents, schema.passages, schema.index_log, schema.library_state


def document_id(key: str, version: int) -> str:
    return hashlib.sha1(f"{key}\0{version}".encode()).hexdigest()[:16]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers (the web app) carry on while an ingest writes; NORMAL sync keeps
    # every commit atomic and durable against a process kill, which is what ingest needs.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    # Each checkpoint syncs the WAL and the database to disk; at the default (every 1,000
    # pages, about every 100 ingested documents) those syncs were a tenth of ingest time.
    # Every commit stays as durable as before.
    cur.execute("PRAGMA wal_autocheckpoint=16000")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


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


class SQLStore:
    """The Store on one SQLAlchemy engine, with the article and review stores beside it."""

    def __init__(self, engine: Engine):
        # Imported here: articles/ and review/ sit above store/ and import its schema.
        from ..articles.store import SQLArticles
        from ..review.store import ReviewStore

        self.engine = engine
        self._ingest = IngestStatements(engine)
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
        self, parsed: ParsedDocument, chunks: Sequence[Chunk]
    ) -> tuple[Document, str]:
        """Insert a document or a new version of it, in one transaction.

        Returns the current document and "new", "updated" or "unchanged".
        """
        sql = self._ingest
        with self.engine.begin() as conn, closing(conn.connection.cursor()) as cursor:
            latest = sql.latest.run(cursor, {"key": parsed.key}).fetchone()
            old_id, old_hash, old_status, old_version = latest or (None, None, None, 0)
            if old_status != "current":
                old_id = None
            if old_id is not None and old_hash == parsed.content_hash:
                return self.get_document_in(conn, old_id), "unchanged"
            version = old_version + 1
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
            sql.insert_document.run(cursor, values)
            if old_id is not None:
                self._retire(conn, old_id, status="superseded", superseded_by=values["id"])
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
            sql.insert_passage.run_many(cursor, rows)
            sql.insert_log.run_many(cursor, [{"passage_id": r["id"], "op": "add"} for r in rows])
            if sql.bump_version.run(cursor, {}).rowcount == 0:
                self._bump_version(conn)
        doc = Document(**values)
        return doc, "updated" if old_id is not None else "new"

    def remove_document(self, key: str) -> Document | None:
        with self.engine.begin() as conn:
            old = conn.execute(select(D).where(D.c.key == key, D.c.status == "current")).first()
            if old is None:
                return None
            self._retire(conn, old.id, status="removed", superseded_by=None)
            self._bump_version(conn)
            return _document(conn.execute(select(D).where(D.c.id == old.id)).one())

    def _retire(self, conn: Any, doc_id: str, status: str, superseded_by: str | None) -> None:
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
            conn.execute(LOG.insert(), [{"passage_id": pid, "op": "del"} for pid in ids])

    def _bump_version(self, conn: Any) -> None:
        """One statement: the library version counts committed changes."""
        result = conn.execute(
            update(STATE)
            .where(STATE.c.name == "library_version")
            .values(value=cast(cast(STATE.c.value, Integer) + 1, String))
        )
        if result.rowcount == 0:
            conn.execute(STATE.insert().values(name="library_version", value="1"))

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

    def index_log_after(self, seq: int, limit: int = 50_000) -> list[tuple[int, str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(LOG.c.seq, LOG.c.passage_id, LOG.c.op)
                .where(LOG.c.seq > seq)
                .order_by(LOG.c.seq)
                .limit(limit)
            )
            return [(r.seq, r.passage_id, r.op) for r in rows]

    def last_log_seq(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(LOG.c.seq))).scalar() or 0

    def trim_index_log(self, upto: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(LOG.delete().where(LOG.c.seq <= upto))

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
