"""Schema migrations are recorded once and never re-applied."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select

from curbside.settings import Settings
from curbside.store import schema
from curbside.store.migrations import MIGRATIONS, applied, migrate
from curbside.store.sql import make_engine, open_store


def test_opening_a_new_store_applies_and_records_every_migration(tmp_path: Path):
    store = open_store(Settings(home=tmp_path / "home", database_url=None))
    try:
        names = [name for name, _ in MIGRATIONS]
        assert applied(store.engine) == names
        with store.engine.connect() as conn:
            rows = conn.execute(select(schema.migrations)).all()
        assert all(row.applied_at for row in rows)
        tables = set(inspect(store.engine).get_table_names())
        assert {
            "documents",
            "passages",
            "index_log",
            "library_state",
            "articles",
            "article_sources",
            "schema_migrations",
        } <= tables
    finally:
        store.engine.dispose()


def test_running_migrate_again_applies_nothing(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'curbside.db'}"
    engine = make_engine(url)
    try:
        assert migrate(engine) == [name for name, _ in MIGRATIONS]
        with engine.connect() as conn:
            first = conn.execute(select(schema.migrations)).all()
        assert migrate(engine) == []
        with engine.connect() as conn:
            assert conn.execute(select(schema.migrations)).all() == first
    finally:
        engine.dispose()


def test_reopening_a_store_keeps_its_data(tmp_path: Path):
    settings = Settings(home=tmp_path / "home", database_url=None)
    store = open_store(settings)
    with store.engine.begin() as conn:
        conn.execute(schema.library_state.insert().values(name="probe", value="kept"))
    store.engine.dispose()
    store = open_store(settings)
    try:
        with store.engine.connect() as conn:
            value = conn.execute(
                select(schema.library_state.c.value).where(schema.library_state.c.name == "probe")
            ).scalar()
        assert value == "kept"
    finally:
        store.engine.dispose()


def test_a_database_url_setting_overrides_the_home_folder(tmp_path: Path):
    db = tmp_path / "elsewhere" / "lib.db"
    settings = Settings(home=tmp_path / "home", database_url=f"sqlite:///{db}")
    assert settings.index_dir == db.with_name("lib.index")
    store = open_store(settings)
    try:
        assert db.exists()
    finally:
        store.engine.dispose()


def test_a_library_made_before_0004_loses_its_redundant_key_index(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'curbside.db'}")
    try:
        migrate(engine)
        with engine.begin() as conn:  # as a database created by 0001 used to be
            conn.exec_driver_sql("CREATE INDEX ix_documents_key_status ON documents (key, status)")
            conn.execute(
                schema.migrations.delete().where(
                    schema.migrations.c.name == "0004_drop_redundant_key_index"
                )
            )
        assert migrate(engine) == ["0004_drop_redundant_key_index"]
        names = {ix["name"] for ix in inspect(engine).get_indexes("documents")}
        assert "ix_documents_key_status" not in names
        with engine.connect() as conn:
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM documents WHERE key = 'k' AND status = 'current'"
            ).all()
        assert "USING INDEX" in " ".join(str(row) for row in plan)  # still no table scan
    finally:
        engine.dispose()


def test_a_library_made_before_0005_gains_the_askers_table_and_keeps_its_articles(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'curbside.db'}")
    try:
        migrate(engine)
        with engine.begin() as conn:  # as a database made before 0005 was
            conn.exec_driver_sql("DROP TABLE article_askers")
            conn.execute(
                schema.migrations.delete().where(schema.migrations.c.name == "0005_article_askers")
            )
        assert "article_askers" not in inspect(engine).get_table_names()
        assert migrate(engine) == ["0005_article_askers"]
        columns = {c["name"] for c in inspect(engine).get_columns("article_askers")}
        assert columns == {"article_id", "asker", "asked_at"}
        names = {ix["name"] for ix in inspect(engine).get_indexes("article_askers")}
        assert "ix_article_askers_asker" in names
    finally:
        engine.dispose()
