"""Shared fixtures: every test gets its own real SQLite file and search index in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from curbside.library.ingest import IngestReport, ingest
from curbside.library.records import FieldMap
from curbside.runtime import Runtime, open_runtime
from curbside.settings import Settings

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
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", database_url=None)


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
