"""The database backends the tests run on: SQLite always, PostgreSQL when
CURBSIDE_TEST_POSTGRES_URL names a server (.ci/run starts one and sets it, so in CI nothing
is skipped). Each PostgreSQL test gets a schema of its own, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine

POSTGRES_URL = os.environ.get("CURBSIDE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgres"]


def require(backend: str) -> None:
    """Skip the PostgreSQL variant where no server was named; under CI, fail instead."""
    if backend == "postgres" and not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must set CURBSIDE_TEST_POSTGRES_URL (see .ci/postgres.sh)")
        pytest.skip("CURBSIDE_TEST_POSTGRES_URL is not set")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose connections work in a new, empty schema of the test server."""
    assert POSTGRES_URL
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {name}")
        sep = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={name}')}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
    finally:
        admin.dispose()


@contextmanager
def database_url(backend: str) -> Iterator[str | None]:
    """None for the SQLite default in the test's folder; a fresh schema's URL otherwise."""
    require(backend)
    if backend == "sqlite":
        yield None
        return
    with postgres_schema() as url:
        yield url


# Imported by the conftest of each package whose tests run on every backend (store, review,
# web, answer): they override the SQLite-only fixtures of tests/conftest.py.
@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session", params=BACKENDS)
def session_backend(request) -> str:
    return request.param
