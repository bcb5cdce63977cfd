"""`curbside serve` itself: which X-Forwarded-For it believes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from curbside.web.testing import ServerProcess

pytestmark = pytest.mark.slow


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
