"""Statements compiled once for the engine's dialect and executed through the driver.

Ingest writes a few rows per document hundreds of thousands of times; SQLAlchemy's per-call
statement handling cost more than SQLite itself, so these run on the driver's own cursor
inside a transaction SQLAlchemy opened. The SQL still comes from the Core tables, so it stays
portable: each dialect gets its own compiled text and parameter style.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Integer, String, bindparam, cast, select, update

from . import schema

D, P, LOG, STATE = schema.documents, schema.passages, schema.index_log, schema.library_state


class Prepared:
    """One compiled statement; ``run`` and ``run_many`` take dicts keyed by parameter name
    and execute on a DB-API cursor of the transaction's connection."""

    def __init__(self, engine: Engine, statement: Any, json_params: Sequence[str] = ()):
        compiled = statement.compile(dialect=engine.dialect)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.order = list(compiled.positiontup or []) if self.positional else []
        self.json_params = set(json_params)
        # Literals the statement binds itself (a LIMIT, a status string) keep their values.
        self.defaults = {k: v for k, v in compiled.params.items() if v is not None}

    def _params(self, values: dict[str, Any]) -> Any:
        if self.defaults:
            values = {**self.defaults, **values}
        if self.json_params:
            values = {k: json.dumps(v) if k in self.json_params else v for k, v in values.items()}
        return tuple([values[name] for name in self.order]) if self.positional else values

    def run(self, cursor: Any, values: dict[str, Any]) -> Any:
        cursor.execute(self.sql, self._params(values))
        return cursor

    def run_many(self, cursor: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            cursor.executemany(self.sql, [self._params(r) for r in rows])


class IngestStatements:
    def __init__(self, engine: Engine):
        self.latest = Prepared(
            engine,
            select(D.c.id, D.c.content_hash, D.c.status, D.c.version)
            .where(D.c.key == bindparam("key"))
            .order_by(D.c.version.desc())
            .limit(1),
        )
        self.insert_document = Prepared(
            engine,
            D.insert().values({c.name: bindparam(c.name) for c in D.c}),
            json_params=("meta",),
        )
        self.insert_passage = Prepared(
            engine, P.insert().values({c.name: bindparam(c.name) for c in P.c})
        )
        self.insert_log = Prepared(
            engine,
            LOG.insert().values(
                passage_id=bindparam("passage_id"), op=bindparam("op"), version=bindparam("version")
            ),
        )
        self.bump_version = Prepared(
            engine,
            update(STATE)
            .where(STATE.c.name == "library_version")
            .values(value=cast(cast(STATE.c.value, Integer) + 1, String))
            .returning(STATE.c.value),
        )
