"""The whole state of a Curbside database as JSON Lines, out of one backend and into another.

Line one is a header (format version and row counts); each further line is one row,
``{"table": name, "row": {...}}``, tables in an order that satisfies every foreign key, rows
by primary key, so two exports of the same state are the same file.

What is kept: documents with every version, passages, the library version, articles with
their versions, sources, askers and approvals, users (password hashes only: argon2, never a
password), API tokens (SHA-256 hashes only) and the audit trail. What is not: sign-in
sessions (their CSRF secrets are in clear, and a move signs everyone out anyway), sign-in
throttles and rate counts (minutes of state), the index log and index positions (each search
index is rebuilt from the imported passages), and the database's own id.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, Table, func, select, tuple_

from ..errors import CurbsideError
from . import schema

FORMAT = 1
TABLES: list[Table] = [
    schema.documents,
    schema.passages,
    schema.library_state,
    schema.articles,
    schema.article_sources,
    schema.article_askers,
    schema.users,
    schema.api_tokens,
    schema.article_versions,
    schema.approvals,
    schema.patient_approvals,
    schema.patient_wordings,
    schema.audit_log,
]
# Rows of library_state that belong to the content; the rest name this one database.
KEPT_STATE = ("library_version",)
BATCH = 2000
Progress = Callable[[str, int], None]  # (table, rows done so far in it)


class TransferError(CurbsideError):
    pass


def _query(table: Table):
    query = select(table).order_by(*table.primary_key.columns)
    if table is schema.library_state:
        query = query.where(table.c.name.in_(KEPT_STATE))
    return query


def counts(engine: Engine) -> dict[str, int]:
    """Rows of each exported table."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(_query(t).subquery())).scalar()
            for t in TABLES
        }


def export(engine: Engine, out: IO[str], progress: Progress | None = None) -> dict[str, int]:
    """Write every exported row to ``out``; return the row counts."""
    totals = counts(engine)
    out.write(json.dumps({"curbside_export": FORMAT, "tables": totals}) + "\n")
    with engine.connect() as conn:
        for table in TABLES:
            done = 0
            for row in conn.execute(_query(table).execution_options(yield_per=BATCH)):
                out.write(json.dumps({"table": table.name, "row": dict(row._mapping)}) + "\n")
                done += 1
                if progress and done % BATCH == 0:
                    progress(table.name, done)
            if progress:
                progress(table.name, done)
    return totals


def read_header(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as lines:
        first = lines.readline()
    try:
        header = json.loads(first)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("curbside_export") != FORMAT:
        raise TransferError(f"{path}:1: not a Curbside export (format {FORMAT})")
    return header


def _rows(path: Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    known = {t.name for t in TABLES}
    with path.open(encoding="utf-8") as lines:
        lines.readline()
        for number, line in enumerate(lines, start=2):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                table, row = item["table"], item["row"]
            except (ValueError, KeyError, TypeError) as exc:
                raise TransferError(f"{path}:{number}: not an export row ({exc})") from exc
            if table not in known or not isinstance(row, dict):
                raise TransferError(f"{path}:{number}: unknown table {table!r}")
            yield number, table, row


def import_(
    engine: Engine, path: Path, merge: bool = False, progress: Progress | None = None
) -> dict[str, int]:
    """Load an export into ``engine`` in one transaction; return the rows added per table.

    Refuses a database that already holds any exported row unless ``merge``: then rows whose
    primary key is already there are kept as they are, and the rest are added.
    """
    read_header(path)
    present = {name: n for name, n in counts(engine).items() if n}
    present.pop("library_state", None)  # every migrated database has its version row
    if present and not merge:
        held = ", ".join(f"{n:,} {name}" for name, n in present.items())
        raise TransferError(f"the target database is not empty ({held}); pass --merge to add")
    tables = {t.name: t for t in TABLES}
    added = dict.fromkeys(tables, 0)
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
    with engine.begin() as conn:

        def flush(name: str) -> None:
            rows, table = pending[name], tables[name]
            if not rows:
                return
            if table is schema.library_state:
                rows = [] if merge else rows  # a merge bumps the version below instead
                for row in rows:  # every migrated database has the row: set it
                    conn.execute(table.delete().where(table.c.name == row["name"]))
            elif merge:
                rows = _new_rows(conn, table, rows)
            if rows:
                conn.execute(table.insert(), rows)
            if table is schema.passages:
                _log_added(conn, [r["id"] for r in rows if not r["retired"]])
            added[name] += len(rows)
            pending[name] = []
            if progress:
                progress(name, added[name])

        order = list(tables)
        for _, name, row in _rows(path):
            # Rows come table by table in foreign-key order: flush the earlier ones first.
            for earlier in order[: order.index(name)]:
                flush(earlier)
            pending[name].append(row)
            if len(pending[name]) >= BATCH:
                flush(name)
        for name in order:
            flush(name)
        if merge and added["passages"]:
            _bump_version(conn)
        _advance_sequences(conn)
    return added


def _new_rows(conn: Any, table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = list(table.primary_key.columns)
    if table is schema.audit_log:
        # Ids are per database: a merged trail is appended, minus entries already held.
        same = (table.c.at, table.c.actor, table.c.action)
        held = set(conn.execute(select(*same).where(table.c.at.in_({r["at"] for r in rows}))))
        return [
            {k: v for k, v in r.items() if k != "id"}
            for r in rows
            if (r["at"], r["actor"], r["action"]) not in held
        ]
    wanted = [tuple(r[c.name] for c in keys) for r in rows]
    found = set(conn.execute(select(*keys).where(tuple_(*keys).in_(wanted))))
    return [r for r, key in zip(rows, wanted, strict=True) if key not in found]


def _log_added(conn: Any, passage_ids: list[str]) -> None:
    """Log imported current passages as an ingest would: every index then takes them in."""
    if passage_ids:
        conn.execute(
            schema.index_log.insert(), [{"passage_id": p, "op": "add"} for p in passage_ids]
        )


def _bump_version(conn: Any) -> None:
    S = schema.library_state
    value = conn.execute(select(S.c.value).where(S.c.name == "library_version")).scalar()
    conn.execute(S.delete().where(S.c.name == "library_version"))
    conn.execute(S.insert().values(name="library_version", value=str(int(value or 0) + 1)))


def _advance_sequences(conn: Any) -> None:
    """PostgreSQL hands out ids from sequences: move them past the imported ids."""
    if conn.dialect.name != "postgresql":
        return
    serial = (schema.audit_log, schema.approvals, schema.patient_approvals)
    for table, column in ((t, "id") for t in serial):
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
            f"COALESCE((SELECT MAX({column}) FROM {table.name}), 0) + 1, false)"
        )
