"""SQLAlchemy engines for the store: SQLite tuned for one writer beside many readers, any
other URL (PostgreSQL) with pooled connections checked before use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event


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
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def _without_nul(conn, cursor, statement, parameters, context, executemany):
    """PostgreSQL text cannot hold NUL, which SQLite stores: a NUL typed into an address or
    a search box (ingest already drops control characters) becomes U+FFFD, so the lookup
    finds nothing, as on SQLite, instead of failing with a 500."""

    def clean(value):
        return value.replace("\x00", "\ufffd") if isinstance(value, str) else value

    def scrub(params):
        if isinstance(params, dict):
            return {k: clean(v) for k, v in params.items()}
        if isinstance(params, list | tuple):
            return type(params)(clean(v) for v in params)
        return params

    if executemany:
        return statement, [scrub(p) for p in parameters]
    return statement, scrub(parameters)
