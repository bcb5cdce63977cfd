"""Web fixtures: apps over real SQLite libraries in temporary folders.

``bundled_client`` shares one app over the bundled library for the whole session (loading
it takes about a second); tests that need other settings or a hostile library build their
own app with ``make_client``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from curbside.cli import load_bundled
from curbside.runtime import open_runtime
from curbside.settings import Settings
from curbside.web import create_app

from .. import backends

with warnings.catch_warnings():
    # Starlette prefers httpx2 for its test client; httpx works the same for these tests.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

B12_QUESTION = (
    "What cyanocobalamin dose and schedule should be used for a patient with severe vitamin "
    "B12 deficiency when only cyanocobalamin is available?"
)
ABSTAIN_QUESTION = "What dose of zorbatinib treats unicorn fever?"


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def web_settings(home: Path, database_url: str | None = None, **overrides) -> Settings:
    values = {"home": home, "database_url": database_url, "ask_rate_limit": 10_000}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def bundled_url(session_backend: str) -> Iterator[str | None]:
    """The database of the session's bundled library (None: SQLite in its home)."""
    with backends.database_url(session_backend) as url:
        yield url


@pytest.fixture(scope="session")
def bundled_home(tmp_path_factory, bundled_url) -> Path:
    home = tmp_path_factory.mktemp("web-bundled") / "home"
    rt = open_runtime(web_settings(home, bundled_url))
    try:
        report = load_bundled(rt, quiet=True)
        assert not report.failed, report.failed
    finally:
        rt.close()
    return home


@pytest.fixture(scope="session")
def bundled_client(bundled_home: Path, bundled_url) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings(bundled_home, bundled_url))) as client:
        yield client


@pytest.fixture(scope="session")
def b12_article(bundled_client: TestClient) -> dict:
    response = bundled_client.post("/api/ask", json={"question": B12_QUESTION})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def make_client(tmp_path: Path, database_url) -> Iterator[Callable[..., TestClient]]:
    """Build an app over a fresh library in this test's folder: ``make_client(**settings)``."""
    opened: list[TestClient] = []

    def _make(home: Path | None = None, **overrides) -> TestClient:
        settings = web_settings(home or tmp_path / "home", database_url, **overrides)
        client = TestClient(create_app(settings))
        client.__enter__()
        opened.append(client)
        return client

    yield _make
    for client in opened:
        client.__exit__(None, None, None)


# ---- editorial review ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def cheap_argon2() -> Iterator[None]:
    """Real argon2id at its lowest cost: the review tests check behaviour, not work factor."""
    from argon2 import PasswordHasher

    from curbside.review import accounts

    real = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = real


@pytest.fixture
def site(make_client, tmp_path: Path, cheap_argon2):
    """A fresh app over one small guideline, one answered article, and a user per role."""
    from .reviewing import ReviewSite

    return ReviewSite.build(make_client(), tmp_path)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by playwright, one per test module (playwright's own browser
    download is never used)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# These tests run on every backend (PostgreSQL skipped only where no server is named).
backend = backends.backend
session_backend = backends.session_backend
