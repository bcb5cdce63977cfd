"""Two app servers, each with its own folder (and its own search index), over one database:
an ingest done beside one of them is searched and answered by the other within 5 seconds."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from curbside.web.testing import ServerProcess, curbside_command

pytestmark = pytest.mark.slow

# A topic the bundled library (loaded by each server on first start) does not hold.
TITLE = "Lyme disease and erythema migrans"
GUIDELINE = f"""---
title: {TITLE}
publisher: Infection Society
year: 2022
kind: guideline
---
# Lyme disease

## Treatment of erythema migrans
- Treat erythema migrans of Lyme disease in adults with oral doxycycline 100 mg twice
  daily for 21 days.
- Offer amoxicillin for erythema migrans when doxycycline is not suitable.
"""
QUESTION = "What doxycycline dose treats erythema migrans in Lyme disease?"
QUERY = {"q": "erythema migrans lyme doxycycline"}


@pytest.fixture
def shared_url(backend, database_url, tmp_path: Path) -> str:
    # On SQLite the two servers share one database file named by URL, as on PostgreSQL.
    return database_url or f"sqlite:///{tmp_path / 'shared.db'}"


def _cli(home: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CURBSIDE_HOME": str(home), "CURBSIDE_DATABASE_URL": url}
    return subprocess.run(
        [*curbside_command(), *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_an_ingest_beside_one_server_is_answered_by_the_other(tmp_path: Path, shared_url):
    first, second = tmp_path / "one" / "home", tmp_path / "two" / "home"
    assert _cli(first, shared_url, "init", "--no-bundled").returncode == 0
    guideline = tmp_path / "lyme.md"
    guideline.write_text(GUIDELINE)
    with (
        ServerProcess(first, database_url=shared_url) as one,
        ServerProcess(second, database_url=shared_url) as two,
    ):
        before = httpx.get(two.url + "/api/search", params=QUERY, timeout=30)
        assert before.status_code == 200
        assert TITLE not in {h["title"] for h in before.json()["hits"]}
        done = _cli(first, shared_url, "ingest", "-q", str(guideline))
        assert done.returncode == 0, done.stdout + done.stderr
        ingested = time.monotonic()
        while True:
            found = httpx.get(two.url + "/api/search", params=QUERY, timeout=30)
            titles = [h["title"] for h in found.json()["hits"]]
            if TITLE in titles or time.monotonic() - ingested > 5:
                break
            time.sleep(0.1)
        assert time.monotonic() - ingested <= 5, "the second server did not see the ingest"
        assert titles[0] == TITLE
        answered = httpx.post(two.url + "/api/ask", json={"question": QUESTION}, timeout=120)
        assert answered.status_code == 200, answered.text
        article = answered.json()
        assert not article["abstained"]
        assert [r["title"] for r in article["references"]] == [TITLE]
        # The first server finds the answer the second stored, rather than making another.
        again = httpx.post(one.url + "/api/ask", json={"question": QUESTION}, timeout=120)
        assert again.status_code == 200 and again.json()["id"] == article["id"]
