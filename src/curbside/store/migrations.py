"""Schema migrations as plain functions, applied in order, each in its own transaction.

Plain functions rather than Alembic: the schema is small, every backend is driven through
SQLAlchemy Core, and a migration list that a test can read is easier to keep honest than a
versions folder with its own config file.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, inspect, select

from ..clock import now
from . import schema

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((name, fn))
        return fn

    return register


@migration("0001_library")
def _library(conn: Connection) -> None:
    tables = [schema.documents, schema.passages, schema.index_log, schema.library_state]
    schema.metadata.create_all(conn, tables=tables)


@migration("0002_articles")
def _articles(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.articles, schema.article_sources])


# The application never alters the audit trail; these make the database refuse it too.
_SQLITE_AUDIT_GUARDS = [
    f"""CREATE TRIGGER audit_log_no_{op.lower()} BEFORE {op} ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""
    for op in ("UPDATE", "DELETE")
]
_POSTGRES_AUDIT_GUARDS = [
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
]


@migration("0003_review")
def _review(conn: Connection) -> None:
    tables = [
        schema.users,
        schema.api_tokens,
        schema.sessions,
        schema.article_versions,
        schema.approvals,
        schema.audit_log,
    ]
    schema.metadata.create_all(conn, tables=tables)
    guards = {"sqlite": _SQLITE_AUDIT_GUARDS, "postgresql": _POSTGRES_AUDIT_GUARDS}
    for statement in guards.get(conn.dialect.name, []):
        conn.exec_driver_sql(statement)


@migration("0004_drop_redundant_key_index")
def _drop_key_status_index(conn: Connection) -> None:
    # (key, status) duplicated the prefix of the unique (key, version) index.
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_documents_key_status")


@migration("0005_article_askers")
def _article_askers(conn: Connection) -> None:
    # Answers asked before this migration have no recorded asker: they stay visible to
    # reviewers, and to everyone once approved, as every answer does.
    schema.metadata.create_all(conn, tables=[schema.article_askers])


@migration("0006_login_throttle")
def _login_throttle(conn: Connection) -> None:
    # Lockouts recorded on users by the old account-wide counter end as they were due to.
    schema.metadata.create_all(conn, tables=[schema.login_throttle])


@migration("0007_set_aside")
def _set_aside(conn: Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.set_aside])


@migration("0008_patient_wording")
def _patient_wording(conn: Connection) -> None:
    # From now on a question asked for patients is stored once, as the clinician article, and
    # its patient wording is approved on its own here. Articles stored for patients before
    # this migration keep their address and their own status: they were reviewed as written.
    schema.metadata.create_all(conn, tables=[schema.patient_approvals])


def _add_column(conn: Connection, table: str, column: str, sql_type: str) -> bool:
    """Add a column a database made before it lacks (a new one has it from create_all)."""
    if column in {c["name"] for c in inspect(conn).get_columns(table)}:
        return False
    conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
    return True


def _ensure_state(conn: Connection, *names: str) -> None:
    """Counters in library_state that writers update in place: each starts at 0."""
    state = schema.library_state
    for name in names:
        if conn.execute(select(state.c.name).where(state.c.name == name)).first() is None:
            conn.execute(state.insert().values(name=name, value="0"))


@migration("0009_index_followers")
def _index_followers(conn: Connection) -> None:
    # Several app servers, each with its own search index, follow one database's log.
    schema.metadata.create_all(conn, tables=[schema.index_followers])
    _add_column(conn, "index_log", "version", "INTEGER")
    # Every writer locks the version row first (store/sql.py), and index positions update the
    # floor row (store/index_log.py): both must exist before the first of them.
    _ensure_state(conn, "library_version", "index_log_floor")


@migration("0010_article_dedupe_key")
def _article_dedupe_key(conn: Connection) -> None:
    if _add_column(conn, "articles", "dedupe_key", "TEXT"):
        # The newest first-in-thread answer of each question is the one a plain ask finds.
        conn.exec_driver_sql(
            """UPDATE articles SET dedupe_key = audience || ':' || question_key
            WHERE parent_id IS NULL AND id IN (
                SELECT id FROM articles a WHERE a.parent_id IS NULL AND NOT EXISTS (
                    SELECT 1 FROM articles b WHERE b.parent_id IS NULL
                    AND b.question_key = a.question_key AND b.audience = a.audience
                    AND (b.created_at > a.created_at
                         OR (b.created_at = a.created_at AND b.id > a.id))))"""
        )
        conn.exec_driver_sql(
            "CREATE UNIQUE INDEX IF NOT EXISTS uq_articles_dedupe_key ON articles (dedupe_key)"
        )


@migration("0011_shared_counters")
def _shared_counters(conn: Connection) -> None:
    # The ask rate limit, shared by every worker of every server; and the review generation,
    # which every worker's page cache compares on each request.
    schema.metadata.create_all(conn, tables=[schema.rate_events])
    _ensure_state(conn, "review_generation")


@migration("0012_patient_wording_review")
def _patient_wording_review(conn: Connection) -> None:
    # Patient wordings can now be rejected and edited too; an approval made before this keeps
    # its wording, as the first action on it.
    schema.metadata.create_all(conn, tables=[schema.patient_wordings])
    pa, pw = schema.patient_approvals, schema.patient_wordings
    latest: dict[tuple[str, int], dict] = {}
    for row in conn.execute(select(pa).order_by(pa.c.id)):
        latest[(row.article_id, row.version)] = dict(row._mapping)
    have = {(r.article_id, r.version) for r in conn.execute(select(pw.c.article_id, pw.c.version))}
    for (article_id, version), row in latest.items():
        if (article_id, version) in have:
            continue
        values = {"article_id": article_id, "version": version, "revision": 1}
        values.update(status="approved", body=row["body"], reason=None)
        values.update(updated_by=row["reviewer_id"], updated_at=row["approved_at"])
        conn.execute(pw.insert().values(**values))


def applied(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(select(schema.migrations.c.name))]


def migrate(engine: Engine) -> list[str]:
    """Apply every migration not yet recorded; return the names applied now."""
    schema.metadata.create_all(engine, tables=[schema.migrations])
    done = set(applied(engine))
    ran = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with engine.begin() as conn:
            fn(conn)
            conn.execute(schema.migrations.insert().values(name=name, applied_at=now()))
        ran.append(name)
    return ran
