"""`curbside serve` itself: which X-Forwarded-For it believes, and what its logs keep."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from curbside.web.logredact import redact_path
from curbside.web.testing import ServerProcess

pytestmark = pytest.mark.slow
MARKER = "Quillon Marchbanks"


def _ask(server: ServerProcess, forwarded_for: str) -> int:
    response = httpx.post(
        server.url + "/api/ask",
        json={"question": "What hydroxocobalamin dose for pernicious anaemia?"},
        headers={"x-forwarded-for": forwarded_for},
        timeout=60,
    )
    return response.status_code


def test_forwarded_for_is_believed_only_from_the_trusted_proxies_setting(tmp_path: Path):
    # uvicorn on its own would believe any FORWARDED_ALLOW_IPS; serve turns that off.
    env = {"CURBSIDE_ASK_RATE_LIMIT": "1", "FORWARDED_ALLOW_IPS": "*"}
    with ServerProcess(tmp_path / "plain" / "home", env=env) as server:
        assert _ask(server, "198.51.100.1") == 200
        assert _ask(server, "198.51.100.2") == 429  # the same client: the header is ignored
    trusted = {**env, "CURBSIDE_TRUSTED_PROXIES": "127.0.0.1"}
    with ServerProcess(tmp_path / "proxied" / "home", env=trusted) as server:
        assert _ask(server, "198.51.100.1") == 200
        assert _ask(server, "198.51.100.2") == 200  # two clients behind a trusted proxy
        assert _ask(server, "198.51.100.1") == 429


def test_the_access_log_keeps_no_words_of_a_question(tmp_path: Path):
    log = tmp_path / "serve.log"
    with (
        ServerProcess(tmp_path / "home", log=log, access_log=True) as server,
        httpx.Client(base_url=server.url, timeout=60, follow_redirects=True) as client,
    ):
        question = f"What colchicine dose for a gout flare in {MARKER}?"
        asked = client.post("/ask", data={"question": question})
        assert asked.status_code == 200 and MARKER in asked.text
        slug = str(asked.url).rsplit("/", 1)[1]
        client.get(f"/a/{slug}?audience=patient")
        client.get("/ask", params={"q": question})
        client.get("/search", params={"q": f"{MARKER} colchicine"})
        client.get(f"/api/articles/{slug}")
    text = log.read_text()
    assert f"/a/…-{slug[-6:]}" in text  # the requests are logged, without their words
    for word in ("Quillon", "Marchbanks", "quillon", "marchbanks", "colchicine"):
        assert word not in text, word


def test_redacting_keeps_ids_and_parameter_names():
    assert redact_path("/a/colchicine-dose-gout-3c8d05") == "/a/…-3c8d05"
    assert redact_path("/a/0123456789abcdef") == "/a/0123456789abcdef"
    assert redact_path("/a/Some Words") == "/a/…"
    assert redact_path("/api/articles/gout-dose-abcdef/review") == "/api/articles/…-abcdef/review"
    assert redact_path("/ask?q=gout+flare&audience=patient") == "/ask?q=…&audience=…"
    assert redact_path("/library/0a1b2c3d4e5f6071") == "/library/0a1b2c3d4e5f6071"
