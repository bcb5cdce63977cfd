"""Shared fixtures: every test gets its own real database and search index in tmp_path.

The database is a SQLite file unless a package's conftest parametrises ``backend`` over
``tests.backends.BACKENDS`` (store, review, web, answer, the conformance suites): those
tests run on PostgreSQL too, each in a schema of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from curbside.library.ingest import IngestReport, ingest
from curbside.library.records import FieldMap
from curbside.runtime import Runtime, open_runtime
from curbside.settings import Settings

from . import backends

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
if not SHARED.exists():  # CI lays shared/ beside the clone
    SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_path(*parts: str) -> Path:
    """A file under ../shared/data, or a clean skip where the datasets are absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared dataset not present: {path}")
    return path


@pytest.fixture
def backend() -> str:
    """The database a test runs on; packages that run on both override this."""
    return "sqlite"


@pytest.fixture(scope="session")
def session_backend() -> str:
    """The database of session-wide libraries; overridden like ``backend``."""
    return "sqlite"


@pytest.fixture
def database_url(backend: str) -> Iterator[str | None]:
    with backends.database_url(backend) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return Settings(home=tmp_path / "home", database_url=database_url)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = open_runtime(settings)
    yield rt
    rt.close()


@pytest.fixture
def load(runtime: Runtime):
    """Ingest paths into the test's library and return the report."""

    def _load(*paths: Path, map_spec: str | None = None, kind: str | None = None) -> IngestReport:
        return ingest(
            list(paths),
            runtime.store,
            runtime.retriever,
            fmap=FieldMap.parse(map_spec, kind),
            max_bytes=runtime.settings.max_document_bytes,
        )

    return _load
