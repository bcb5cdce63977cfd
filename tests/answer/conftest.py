"""One bundled library for the answer tests, built once per session in a temporary folder.

Tests that only read share it; tests that write articles share it too as long as they do
not depend on other articles being absent (those build their own library).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from curbside.cli import load_bundled
from curbside.runtime import Runtime, open_runtime
from curbside.settings import Settings

from .. import backends


@pytest.fixture(scope="session")
def library(tmp_path_factory, session_backend) -> Iterator[Runtime]:
    home = tmp_path_factory.mktemp("bundled-library") / "home"
    with backends.database_url(session_backend) as url:
        rt = open_runtime(Settings(home=home, database_url=url))
        report = load_bundled(rt, quiet=True)
        assert not report.failed, report.failed
        yield rt
        rt.close()


@pytest.fixture(scope="session")
def b12_document_id(library: Runtime) -> str:
    return _document_id(library, "Vitamin B12 deficiency")


@pytest.fixture(scope="session")
def aom_document_id(library: Runtime) -> str:
    return _document_id(library, "Acute otitis media in children")


def _document_id(rt: Runtime, title_start: str) -> str:
    docs = [d for d in rt.store.list_documents(limit=500) if d.title.startswith(title_start)]
    assert len(docs) == 1, [d.title for d in docs]
    return docs[0].id


# These tests run on every backend (PostgreSQL skipped only where no server is named).
backend = backends.backend
session_backend = backends.session_backend
